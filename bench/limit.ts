// The ceiling: the least work a webhook sender on this machine can do per delivery, run on
// the same PostgreSQL, schema and receivers as Hookrelay. A few workers loop: lease a batch of
// due deliveries with `FOR UPDATE SKIP LOCKED`, POST each with undici over keep-alive
// connections, then record the batch — the deliveries' final state and one attempt row each —
// in one statement. No signing, no SSRF checks, no retries, no framework: what is left is the
// database and the HTTP round trips, which any sender must pay.
import { Client, Pool as PgPool } from "pg";
import { Pool as HttpPool } from "undici";
import { cpuMsOf, ownCpuMs, postgresCpuMs } from "@/bench/cpu";
import { seedBacklog, seedWebhooks } from "@/bench/seed";

export interface LimitInput {
  databaseUrl: string;
  receiverUrl: string;
  deliveries: number;
  batchSize?: number;
  workers?: number;
  /** The receivers' process, to count its CPU time. */
  receiverPid?: number;
  onProgress?: (done: number) => void;
}

export interface LimitResult {
  deliveries: number;
  seconds: number;
  perSecond: number;
  /** CPU milliseconds per delivery: the sender (this process), PostgreSQL, the receivers. */
  cpuMsPerDelivery: { sender: number; postgres: number; receivers: number | null };
}

interface Claimed {
  id: string;
  event_type: string;
  data: string;
}

const CLAIM = `
  WITH due AS (
    SELECT id FROM deliveries
    WHERE status = 'pending' AND next_attempt_at <= now() AND (lease_expires_at IS NULL OR lease_expires_at < now())
    ORDER BY next_attempt_at
    LIMIT $1
    FOR UPDATE SKIP LOCKED
  ), leased AS (
    UPDATE deliveries d SET lease_owner = $2, lease_expires_at = now() + interval '60 seconds'
    FROM due WHERE d.id = due.id
    RETURNING d.id, d.event_id
  )
  SELECT l.id, e.type AS event_type, e.data::text AS data FROM leased l JOIN events e ON e.id = l.event_id`;

const RECORD = `
  WITH outcome AS (
    SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::text[]) AS o(id, code, ms, body)
  ), done AS (
    UPDATE deliveries d
    SET status = 'succeeded', attempts = d.attempts + 1, last_attempt_at = now(), next_attempt_at = NULL,
        response_code = o.code, lease_owner = NULL, lease_expires_at = NULL, completed_at = now()
    FROM outcome o WHERE d.id = o.id AND d.lease_owner = $5
    RETURNING d.id, d.account_id, d.webhook_id, d.event_id, d.attempts
  )
  INSERT INTO attempts (id, account_id, delivery_id, webhook_id, event_id, event_type, attempt_number, status,
                        response_code, response_time_ms, request_headers, response_body, created_at)
  SELECT 'att_' || done.id, done.account_id, done.id, done.webhook_id, done.event_id, $6, done.attempts, 'succeeded',
         o.code, o.ms, '{"content-type":"application/json"}'::jsonb, o.body, now()
  FROM done JOIN outcome o ON o.id = done.id`;

/** Delivers `deliveries` rows to one receiver as fast as the bare loop can; deliveries per second. */
export async function measureLimit(input: LimitInput): Promise<LimitResult> {
  const batchSize = input.batchSize ?? 100;
  const workers = input.workers ?? 4;
  const setup = new Client({ connectionString: input.databaseUrl });
  await setup.connect();
  const { accountId, webhookIds } = await seedWebhooks(setup, [input.receiverUrl]);
  await seedBacklog(setup, { accountId, webhookIds, events: input.deliveries, eventType: "bench.limit" });
  await setup.end();

  const pg = new PgPool({ connectionString: input.databaseUrl, max: workers * 2 });
  const url = new URL(input.receiverUrl);
  const http = new HttpPool(url.origin, { connections: batchSize, pipelining: 1, keepAliveTimeout: 30_000 });
  let done = 0;
  const owner = `limit_${process.pid}`;

  async function worker() {
    for (;;) {
      const { rows } = await pg.query<Claimed>({ name: "limit_claim", text: CLAIM, values: [batchSize, owner] });
      if (rows.length === 0) return;
      const outcomes = await Promise.all(
        rows.map(async (row) => {
          const started = performance.now();
          const body = `{"id":"${row.id}","type":"${row.event_type}","data":${row.data}}`;
          const response = await http.request({ path: url.pathname, method: "POST", headers: { "content-type": "application/json" }, body });
          const text = await response.body.text();
          return { id: row.id, code: response.statusCode, ms: Math.round(performance.now() - started), body: text.slice(0, 1024) };
        }),
      );
      await pg.query({
        name: "limit_record",
        text: RECORD,
        values: [outcomes.map((o) => o.id), outcomes.map((o) => o.code), outcomes.map((o) => o.ms), outcomes.map((o) => o.body), owner, rows[0].event_type],
      });
      done += rows.length;
      input.onProgress?.(done);
    }
  }

  const databaseName = new URL(input.databaseUrl).pathname.slice(1);
  const cpu = async () => ({ sender: ownCpuMs(), postgres: await postgresCpuMs(databaseName), receivers: input.receiverPid ? await cpuMsOf(input.receiverPid) : 0 });
  const before = await cpu();
  const started = performance.now();
  await Promise.all(Array.from({ length: workers }, worker));
  const seconds = (performance.now() - started) / 1000;
  const after = await cpu();
  await http.close();
  await pg.end();
  const per = (key: keyof typeof before) => Math.round(((after[key] - before[key]) / done) * 1000) / 1000;
  return {
    deliveries: done,
    seconds,
    perSecond: done / seconds,
    cpuMsPerDelivery: { sender: per("sender"), postgres: per("postgres"), receivers: input.receiverPid ? per("receivers") : null },
  };
}
