// Bulk rows for the benchmark, written with set-based SQL (generate_series) so that setting up
// 200 000 deliveries or 1 000 000 attempts takes seconds, not the minutes the API would.
// The rows have the shape Hookrelay itself writes (same tables, ids, JSON columns), and the
// stats rollups of the attempts are what recording them would have left.
import { randomBytes } from "node:crypto";
import type { Client, Pool } from "pg";
import { maintainAttemptPartitions, withMaintenanceLock } from "@/lib/db/partitions";
import { rollUpAttemptsSql } from "@/lib/stats/attempt-rollups";

type Sql = Pick<Client | Pool, "query">;

/** A short random tag that keeps the ids of one seeding apart from every other. */
export const runTag = () => randomBytes(4).toString("hex");

/** An account and webhooks written straight to the tables (for the bare sender, which has no app). */
export async function seedWebhooks(sql: Sql, urls: string[]): Promise<{ accountId: string; webhookIds: string[] }> {
  const tag = runTag();
  const accountId = `acct_bench_${tag}`;
  await sql.query(`INSERT INTO accounts (id, name) VALUES ($1, 'bench')`, [accountId]);
  const webhookIds = urls.map((_, i) => `wh_bench_${tag}_${i}`);
  await sql.query(
    `INSERT INTO webhooks (id, account_id, name, url, events, secret_ciphertext, ip_whitelist, updated_at)
     SELECT id, $1, 'bench', url, ARRAY['*'], 'unused', ARRAY[]::text[], now()
     FROM unnest($2::text[], $3::text[]) AS w(id, url)`,
    [accountId, webhookIds, urls],
  );
  return { accountId, webhookIds };
}

export interface BacklogInput {
  accountId: string;
  webhookIds: string[];
  events: number;
  eventType: string;
  /** Payload bytes beyond the fixed fields (a realistic event is a few hundred bytes). */
  padding?: number;
}

/**
 * `events` events, each with one pending delivery per webhook, due now — the rows a publish
 * creates — committed in one transaction with the NOTIFY a publish sends, so a dispatcher sees
 * the whole backlog at once. Returns the commit time (ms, this process's clock).
 */
export async function seedBacklog(client: Client, input: BacklogInput): Promise<{ deliveries: number; committedAt: number }> {
  const tag = runTag();
  const pad = "x".repeat(input.padding ?? 200);
  await client.query("BEGIN");
  try {
    await client.query(
      `INSERT INTO events (id, account_id, type, data, created_at)
       SELECT 'evt_bench_' || $1 || '_' || lpad(i::text, 8, '0'), $2, $3,
              json_build_object('order_id', 'ord_' || i, 'total', (i % 1000) / 10.0, 'currency', 'EUR', 'note', $4::text),
              now() AT TIME ZONE 'UTC'
       FROM generate_series(1, $5::int) AS i`,
      [tag, input.accountId, input.eventType, pad, input.events],
    );
    await client.query(
      `INSERT INTO deliveries (id, account_id, webhook_id, event_id, next_attempt_at, created_at)
       SELECT 'dlv_bench_' || $1 || '_' || lpad(i::text, 8, '0') || '_' || w.n, $2, w.id,
              'evt_bench_' || $1 || '_' || lpad(i::text, 8, '0'), now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
       FROM generate_series(1, $3::int) AS i, unnest($4::text[]) WITH ORDINALITY AS w(id, n)
       ORDER BY i, w.n`,
      [tag, input.accountId, input.events, input.webhookIds],
    );
    await client.query(`SELECT pg_notify('hookrelay_work', 'delivery')`);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
  return { deliveries: input.events * input.webhookIds.length, committedAt: Date.now() };
}

/** Deliveries of these webhooks not yet in a final state. */
export async function pendingDeliveries(sql: Sql, webhookIds: string[]): Promise<number> {
  const { rows } = await sql.query(`SELECT count(*)::int AS n FROM deliveries WHERE webhook_id = ANY($1::text[]) AND status = 'pending'`, [webhookIds]);
  return rows[0].n;
}

/**
 * How many of `total` deliveries are still pending, while a scenario waits for them. With
 * `received` (the receivers' count, free to ask) the database is asked only once every request
 * arrived: counting pending rows every 250 ms cost PostgreSQL a seventh of what the engine's
 * statements did, CPU the engine being measured lacked.
 */
export async function stillPending(sql: Sql, webhookIds: string[], total: number, received?: () => Promise<number>): Promise<number> {
  const arrived = received ? await received() : total;
  return arrived >= total ? pendingDeliveries(sql, webhookIds) : total - arrived;
}

export interface AttemptHistoryInput {
  accountId: string;
  webhookId: string;
  attempts: number;
  days?: number;
  onProgress?: (done: number) => void;
}

const CHUNK = 250_000;

/**
 * `attempts` attempts of one webhook spread over the last `days` days (two per delivery): 90 %
 * succeeded, the rest HTTP 500/502 or timeouts, response times skewed like real receivers',
 * request headers as Hookrelay records them; then their hourly stats rollups. Then VACUUM
 * ANALYZE, as autovacuum would.
 *
 * Written on its own connection with foreign-key triggers off (`session_replication_role`,
 * where the role may set it) and without waiting for WAL flushes: the rows are consistent by
 * construction, and checking three foreign keys per row tripled the time.
 */
export async function seedAttemptHistory(sql: Client, input: AttemptHistoryInput): Promise<void> {
  await sql.query("SET synchronous_commit = off");
  await sql.query("SET session_replication_role = replica").catch(() => {});
  const tag = runTag();
  const days = input.days ?? 7;
  // The day partitions an instance running all those days would have made (lib/db/partitions.ts).
  await withMaintenanceLock(sql, () => maintainAttemptPartitions(sql, { now: new Date(Date.now() - days * 24 * 3600 * 1000), daysAhead: days }));
  const eventId = `evt_hist_${tag}`;
  await sql.query(`INSERT INTO events (id, account_id, type, data) VALUES ($1, $2, 'order.created', '{"order_id":"ord_1"}')`, [eventId, input.accountId]);
  for (let from = 1; from <= input.attempts; from += CHUNK) {
    const to = Math.min(input.attempts, from + CHUNK - 1);
    const deliveryFrom = Math.ceil(from / 2);
    const deliveryTo = Math.ceil(to / 2);
    await sql.query(
      `INSERT INTO deliveries (id, account_id, webhook_id, event_id, status, attempts, next_attempt_at, last_attempt_at, response_code, created_at, completed_at)
       SELECT 'dlv_hist_' || $1 || '_' || lpad(i::text, 8, '0'), $2, $3, $4, 'succeeded', 2, NULL, t, 200, t, t
       FROM generate_series($5::int, $6::int) AS i,
            LATERAL (SELECT (now() AT TIME ZONE 'UTC') - (i::float8 / $7) * make_interval(days => $8)) AS s(t)`,
      [tag, input.accountId, input.webhookId, eventId, deliveryFrom, deliveryTo, Math.ceil(input.attempts / 2), days],
    );
    await sql.query(
      `INSERT INTO attempts (id, account_id, delivery_id, webhook_id, event_id, event_type, attempt_number, status,
                             response_code, response_time_ms, error_class, error_message, request_headers, response_body, created_at)
       SELECT 'att_hist_' || $1 || '_' || lpad(i::text, 8, '0'), $2,
              'dlv_hist_' || $1 || '_' || lpad(((i + 1) / 2)::text, 8, '0'), $3, $4,
              (ARRAY['order.created','order.updated','order.paid','payment.succeeded','customer.created'])[1 + i % 5],
              1 + (i + 1) % 2,
              CASE WHEN r < 0.9 THEN 'succeeded' ELSE 'failed' END::"AttemptStatus",
              CASE WHEN r < 0.9 THEN 200 WHEN r < 0.95 THEN 500 WHEN r < 0.98 THEN 502 ELSE NULL END,
              (5 + 400 * r2 * r2 * r2)::int,
              CASE WHEN r < 0.9 THEN NULL WHEN r < 0.98 THEN 'http_status' ELSE 'timeout' END,
              CASE WHEN r < 0.9 THEN NULL WHEN r < 0.95 THEN 'HTTP 500' WHEN r < 0.98 THEN 'HTTP 502' ELSE 'no complete response within 30000 ms' END,
              jsonb_build_object('content-type', 'application/json', 'user-agent', 'Hookrelay-Webhook/1.0', 'webhook-id', 'evt_' || i,
                                 'webhook-timestamp', '1764200000', 'webhook-signature', 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4='),
              CASE WHEN r < 0.9 THEN '{"received":true}' ELSE 'Internal Server Error' END,
              (now() AT TIME ZONE 'UTC') - (i::float8 / $5) * make_interval(days => $6)
       FROM generate_series($7::int, $8::int) AS i, LATERAL (SELECT random() + 0 * i AS r, random() + 0 * i AS r2) AS x`,
      [tag, input.accountId, input.webhookId, eventId, input.attempts, days, from, to],
    );
    input.onProgress?.(to);
  }
  // The hourly rollups the recording statement keeps, by the same SQL, from the attempts just written.
  await sql.query(
    `WITH seeded AS (
       SELECT webhook_id, account_id, created_at AT TIME ZONE 'UTC' AS at, status, event_type, error_class, response_code, response_time_ms
       FROM attempts WHERE webhook_id = $1 AND starts_with(id, 'att_hist_' || $2 || '_')
     )${rollUpAttemptsSql("seeded")}
     SELECT 1`,
    [input.webhookId, tag],
  );
  await sql.query("SET session_replication_role = DEFAULT").catch(() => {});
  await sql.query("VACUUM ANALYZE attempts");
  await sql.query("VACUUM ANALYZE deliveries");
  await sql.query("VACUUM ANALYZE attempt_rollups, response_time_rollups");
}
