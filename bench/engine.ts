// The embedded delivery engine measured in this process, without the web server: the same
// backlog as the throughput scenario, drained by `createDispatcher([deliveryWork])`. For
// profiling (`tsx --cpu-prof bench/engine.ts`) and for the smoke test; the published numbers
// come from the real app (bench/run.ts).
import { randomBytes } from "node:crypto";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Client } from "pg";
import { seedBacklog, stillPending } from "@/bench/seed";
import { cpuMsOf, ownCpuMs, postgresCpuMs } from "@/bench/cpu";
import { sleep } from "@/bench/numbers";

export interface EngineInput {
  databaseUrl: string;
  receiverUrls: string[];
  events: number;
  /** The receivers' process, to count its CPU time. */
  receiverPid?: number;
  /** Requests the receivers got: polled instead of the database until all arrived (bench/seed.ts, stillPending). */
  received?: () => Promise<number>;
  onProgress?: (done: number, total: number) => void;
}

export interface EngineResult {
  deliveries: number;
  seconds: number;
  perSecond: number;
  /** CPU milliseconds per delivery: this process (the engine), PostgreSQL, the receivers. */
  cpuMsPerDelivery: { app: number; postgres: number; receivers: number | null };
}

/** Points this process's Hookrelay modules at `databaseUrl` (they read the environment once). */
export async function connectBenchDatabase(databaseUrl: string): Promise<void> {
  process.env.DATABASE_URL = databaseUrl;
  process.env.SECRETS_ENCRYPTION_KEY ??= randomBytes(32).toString("base64");
  process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS = "true";
  process.env.LOG_LEVEL ??= "warn";
  const { resetConfig } = await import("@/lib/config");
  resetConfig();
}

/** A webhook created as the API would, after `connectBenchDatabase`; returns its id. */
export async function createBenchWebhook(accountId: string, name: string, url: string, events: string[]): Promise<string> {
  const { createWebhook } = await import("@/lib/webhooks/webhooks");
  const { createWebhookInput } = await import("@/lib/webhooks/webhook-input");
  return (await createWebhook(accountId, createWebhookInput.parse({ name, url, events }))).webhook.id;
}

/** The embedded engine's dispatcher for deliveries, with the app's concurrency settings (not started). */
export async function createBenchDispatcher() {
  const { createDispatcher } = await import("@/lib/engine/dispatcher");
  const { deliveryWork } = await import("@/lib/engine/delivery-work");
  const { config } = await import("@/lib/config");
  return createDispatcher([deliveryWork], { concurrency: config().deliveryConcurrency, perGroupConcurrency: config().deliveryConcurrencyPerWebhook });
}

export async function measureEngine(input: EngineInput): Promise<EngineResult> {
  await connectBenchDatabase(input.databaseUrl);
  const { createAccount } = await import("@/lib/accounts/accounts");
  const account = await createAccount("bench engine");
  const webhookIds: string[] = [];
  for (const url of input.receiverUrls) webhookIds.push(await createBenchWebhook(account.id, "bench", url, ["*"]));

  const client = new Client({ connectionString: input.databaseUrl });
  await client.connect();
  const { deliveries, committedAt } = await seedBacklog(client, { accountId: account.id, webhookIds, events: input.events, eventType: "order.created" });
  await client.end();

  const dispatcher = await createBenchDispatcher();
  const statements = process.env.BENCH_COUNT_STATEMENTS ? await countStatements() : undefined;
  const sql = new Client({ connectionString: input.databaseUrl });
  await sql.connect();
  const databaseName = new URL(input.databaseUrl).pathname.slice(1);
  const cpuBefore = { app: ownCpuMs(), postgres: await postgresCpuMs(databaseName), receivers: input.receiverPid ? await cpuMsOf(input.receiverPid) : 0 };
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  await dispatcher.start();
  try {
    for (;;) {
      const pending = await stillPending(sql, webhookIds, deliveries, input.received);
      input.onProgress?.(deliveries - pending, deliveries);
      if (pending === 0) break;
      await sleep(pending > 1000 ? 200 : 25);
    }
    const { rows } = await sql.query(`SELECT extract(epoch FROM max(completed_at)) * 1000 AS last FROM deliveries WHERE webhook_id = ANY($1::text[])`, [webhookIds]);
    const seconds = (Number(rows[0].last) - committedAt) / 1000;
    const perDelivery = (before: number, after: number) => Math.round(((after - before) / deliveries) * 1000) / 1000;
    const cpuMsPerDelivery = {
      app: perDelivery(cpuBefore.app, ownCpuMs()),
      postgres: perDelivery(cpuBefore.postgres, await postgresCpuMs(databaseName)),
      receivers: input.receiverPid ? perDelivery(cpuBefore.receivers, await cpuMsOf(input.receiverPid)) : null,
    };
    loop.disable();
    if (process.env.BENCH_COUNT_STATEMENTS) console.error(`event loop delay p50 ${(loop.percentile(50) / 1e6).toFixed(1)} ms, p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms, max ${(loop.max / 1e6).toFixed(1)} ms`);
    if (statements) {
      // Heap-only (HOT) updates add no index entries; the counters lag by up to a second.
      const { rows: tables } = await sql.query(`SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'deliveries'`);
      console.error(`deliveries: ${tables[0]?.n_tup_hot_upd} of ${tables[0]?.n_tup_upd} updates heap-only`);
      console.error([...statements].sort((a, b) => b[1].n - a[1].n).map(([k, v]) => `${v.n} × ${k} (${(v.ms / v.n).toFixed(2)} ms)`).join("\n"));
    }
    return { deliveries, seconds, perSecond: deliveries / seconds, cpuMsPerDelivery };
  } finally {
    await sql.end();
    await dispatcher.stop();
  }
}

/** Counts the statements sent through the engine's pools (for `BENCH_COUNT_STATEMENTS=1`). */
async function countStatements() {
  const { genericPlanSql, sql } = await import("@/lib/db/client");
  const counts = new Map<string, { n: number; ms: number }>();
  for (const pool of [sql(), genericPlanSql()]) countOn(pool, counts);
  return counts;
}

function countOn(pool: object, counts: Map<string, { n: number; ms: number }>) {
  const original = (pool as { query: (...args: unknown[]) => Promise<unknown> }).query.bind(pool);
  (pool as { query: unknown }).query = async (...args: unknown[]) => {
    const first = args[0] as string | { name?: string; text: string };
    const key = typeof first === "string" ? first.replace(/\s+/g, " ").trim().slice(0, 60) : (first.name ?? first.text.replace(/\s+/g, " ").trim().slice(0, 60));
    const started = performance.now();
    try {
      return await original(...args);
    } finally {
      const c = counts.get(key) ?? { n: 0, ms: 0 };
      c.n++;
      c.ms += performance.now() - started;
      counts.set(key, c);
    }
  };
}

async function main() {
  const { startBenchPostgres } = await import("@/bench/postgres");
  const { startReceivers } = await import("@/bench/receivers");
  const endpoints = Number(process.argv[2] ?? 1);
  const events = Number(process.argv[3] ?? 5000);
  const pg = await startBenchPostgres();
  const receivers = await startReceivers();
  try {
    const { urls } = await receivers.listen(Array(endpoints).fill(0));
    const databaseUrl = await pg.createDatabase("engine");
    const result = await measureEngine({ databaseUrl, receiverUrls: urls, events, receiverPid: receivers.pid, received: async () => (await receivers.counts()).reduce((a, b) => a + b, 0), onProgress: (d, t) => process.stderr.write(`\r${d}/${t}`) });
    console.log(`\n${endpoints} endpoint(s), ${result.deliveries} deliveries: ${Math.round(result.perSecond)}/s in ${result.seconds.toFixed(2)} s; CPU ms/delivery ${JSON.stringify(result.cpuMsPerDelivery)}`);
  } finally {
    const { disconnectDb } = await import("@/lib/db/client");
    await disconnectDb();
    await receivers.close();
    await pg.stop();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
