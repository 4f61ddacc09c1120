// Day one hundred: Hookrelay with ≥ 10 M stored attempts (and their deliveries and events) over
// 31 days, measured as on empty tables in the same run: 10-endpoint throughput, latency, the
// delivery log, stats, the event list, and the daily purge of the day that falls out of
// RETENTION_DAYS (30). bench/README.md ("Scale") has the figures.
import { loadavg } from "node:os";
import { Client } from "pg";
import { cpuMsOf, postgresCpuMs } from "@/bench/cpu";
import { median, round } from "@/bench/numbers";
import { runTag } from "@/bench/seed";
import { measureLatency, measureThroughput, type ScenarioContext } from "@/bench/scenarios";
import { maintainAttemptPartitions, withMaintenanceLock } from "@/lib/db/partitions";
import { rollUpAttemptsSql } from "@/lib/stats/attempt-rollups";

const DAY_MS = 24 * 3600 * 1000;
const utcMidnight = () => Math.floor(Date.now() / DAY_MS) * DAY_MS;
/** The retention the purge is measured with (the default RETENTION_DAYS). */
const RETENTION_DAYS = 30;
/** Days of history: RETENTION_DAYS kept, plus the oldest one, due for the purge. */
const DAYS = RETENTION_DAYS + 1;
/** Days whose stats rollups exist: what the daily purge keeps (8 days) plus the day it is about to drop. */
const ROLLUP_DAYS = 9;
/** Webhooks the history is spread over; each event goes to two of them, each delivery has two attempts. */
const WEBHOOKS = 4;

export interface ScaleSizes {
  /** Attempts per day of history (31 days); 330 000 gives 10.23 M. */
  attemptsPerDay: number;
  /** Events of the 10-endpoint throughput backlog (10 deliveries each), on empty and on full tables. */
  throughputEvents: number;
  latencyPerSecond: number;
  latencySeconds: number;
}

export interface ScaleResult {
  stored_attempts: number;
  stored_deliveries: number;
  stored_events: number;
  seed_s: number;
  seed_vacuum_s: number;
  seed_settle_s: number;
  deliveries_per_s_10_empty: number;
  deliveries_per_s_10_full: number;
  throughput_change: number;
  latency_p99_ms_empty: number | null;
  latency_p99_ms_full: number | null;
  logs_ms: number;
  stats_ms: number;
  events_list_ms: number;
  purge_day_ms: number;
  db_size_mb_before_purge: number;
  db_size_mb_after_purge: number;
  details: Record<string, unknown>;
}

/** CPU ms of the app and of PostgreSQL's backends for this database so far. */
async function cpuMs(ctx: ScenarioContext) {
  return { app: await cpuMsOf(ctx.app.pid), postgres: await postgresCpuMs(new URL(ctx.databaseUrl).pathname.slice(1)) };
}

/**
 * Throughput to 10 endpoints and latency at a steady rate, then their webhooks parked so later
 * load does not reach them. With the CPU ms per delivery of the throughput run and the load
 * average: the machine is shared, so a change in rate with the same CPU per delivery is the
 * neighbours', not the stored history's.
 */
async function measureLoad(ctx: ScenarioContext, sizes: ScaleSizes) {
  const cpuBefore = await cpuMs(ctx);
  const loadBefore = loadavg()[0];
  const throughput = await measureThroughput(ctx, 10, sizes.throughputEvents);
  const cpuAfter = await cpuMs(ctx);
  const cpuMsPerDelivery = {
    app: round((cpuAfter.app - cpuBefore.app) / throughput.deliveries, 3),
    postgres: round((cpuAfter.postgres - cpuBefore.postgres) / throughput.deliveries, 3),
  };
  const loadAverage = [round(loadBefore, 2), round(loadavg()[0], 2)];
  const latency = await measureLatency(ctx, sizes.latencyPerSecond, sizes.latencySeconds);
  const { rows } = await ctx.sql.query(`SELECT id FROM webhooks WHERE account_id = $1 AND is_active`, [ctx.accountId]);
  for (const { id } of rows) {
    const res = await ctx.app.call("PATCH", `/api/webhooks/${id}`, { is_active: false });
    if (res.status !== 200) throw new Error(`parking webhook ${id} answered ${res.status}`);
  }
  return {
    throughput: { ...throughput, perSecond: Math.round(throughput.perSecond), seconds: round(throughput.seconds, 2), cpuMsPerDelivery, loadAverage },
    latency: { ...latency, loadAverageAfter: round(loadavg()[0], 2) },
  };
}

async function createHistoryWebhooks(ctx: ScenarioContext): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < WEBHOOKS; i++) {
    const res = await ctx.app.call<{ data: { id: string } }>("POST", "/api/webhooks", { name: `scale ${i}`, url: "http://127.0.0.1:9/never-called", events: ["order.refunded"] });
    if (res.status !== 201) throw new Error(`creating a webhook answered ${res.status}: ${JSON.stringify(res.body)}`);
    ids.push(res.body.data.id);
  }
  // Parked: the history is what they received; nothing new goes to them.
  for (const id of ids) await ctx.app.call("PATCH", `/api/webhooks/${id}`, { is_active: false });
  return ids;
}

/**
 * 24 h of history from `dayStart`, three set-based statements: `events` events spread over
 * the day, each delivered to two webhooks (succeeded, two attempts each: 90 % of attempts
 * succeeded, the rest HTTP 500/502 or timeouts, as seedAttemptHistory writes them). Attempts
 * go through the parent table into the day's partition, as the recording statement's do.
 */
export async function seedDay(sql: Client, tag: string, day: number, dayStart: Date, spanS: number, events: number, webhookIds: string[], accountId: string) {
  const prefix = `${tag}_${day}_`;
  const at = (span: string) => `($3::timestamptz AT TIME ZONE 'UTC') + make_interval(secs => i * ${span}::float8 / $4)`;
  await sql.query(
    `INSERT INTO events (id, account_id, type, data, created_at)
     SELECT 'evt_scale_' || $1 || lpad(i::text, 7, '0'), $2, 'order.refunded',
            json_build_object('order_id', 'ord_' || i, 'total', (i % 1000) / 10.0, 'currency', 'EUR', 'note', repeat('x', 200)), ${at("$5")}
     FROM generate_series(0, $4::int - 1) AS i`,
    [prefix, accountId, dayStart.toISOString(), events, spanS],
  );
  await sql.query(
    `INSERT INTO deliveries (id, account_id, webhook_id, event_id, status, attempts, next_attempt_at, last_attempt_at, response_code, created_at, completed_at)
     SELECT 'dlv_scale_' || $1 || lpad(i::text, 7, '0') || '_' || k, $2, ($5::text[])[1 + (i % 2) * 2 + k], 'evt_scale_' || $1 || lpad(i::text, 7, '0'),
            'succeeded', 2, NULL, t + interval '2 seconds', 200, t, t + interval '2 seconds'
     FROM generate_series(0, $4::int - 1) AS i, generate_series(0, 1) AS k, LATERAL (SELECT ${at("$6")} AS t) AS s`,
    [prefix, accountId, dayStart.toISOString(), events, webhookIds, spanS],
  );
  await sql.query(
    `INSERT INTO attempts (id, account_id, delivery_id, webhook_id, event_id, event_type, attempt_number, status,
                           response_code, response_time_ms, error_class, error_message, request_headers, response_body, created_at)
     SELECT 'att_scale_' || $1 || lpad(i::text, 7, '0') || '_' || k || '_' || n, $2, 'dlv_scale_' || $1 || lpad(i::text, 7, '0') || '_' || k,
            ($5::text[])[1 + (i % 2) * 2 + k], 'evt_scale_' || $1 || lpad(i::text, 7, '0'), 'order.refunded', n,
            CASE WHEN r < 0.9 THEN 'succeeded' ELSE 'failed' END::"AttemptStatus",
            CASE WHEN r < 0.9 THEN 200 WHEN r < 0.95 THEN 500 WHEN r < 0.98 THEN 502 ELSE NULL END,
            (5 + 400 * r2 * r2 * r2)::int,
            CASE WHEN r < 0.9 THEN NULL WHEN r < 0.98 THEN 'http_status' ELSE 'timeout' END,
            CASE WHEN r < 0.9 THEN NULL WHEN r < 0.95 THEN 'HTTP 500' WHEN r < 0.98 THEN 'HTTP 502' ELSE 'no complete response within 30000 ms' END,
            jsonb_build_object('content-type', 'application/json', 'user-agent', 'Hookrelay-Webhook/1.0', 'webhook-id', 'evt_scale_' || $1 || i,
                               'webhook-timestamp', '1764200000', 'webhook-signature', 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4='),
            CASE WHEN r < 0.9 THEN '{"received":true}' ELSE 'Internal Server Error' END,
            ${at("$6")} + n * interval '1 second'
     FROM generate_series(0, $4::int - 1) AS i, generate_series(0, 1) AS k, generate_series(1, 2) AS n,
          LATERAL (SELECT random() + 0 * i AS r, random() + 0 * i AS r2) AS x`,
    [prefix, accountId, dayStart.toISOString(), events, webhookIds, spanS],
  );
}

/** The hourly rollups the recording statement would have left for 24 h of attempts from `dayStart`. */
async function rollUpDay(sql: Client, dayStart: Date, spanS: number, webhookIds: string[]) {
  await sql.query(
    `WITH seeded AS (
       SELECT webhook_id, account_id, created_at AT TIME ZONE 'UTC' AS at, status, event_type, error_class, response_code, response_time_ms
       FROM attempts WHERE webhook_id = ANY($1::text[])
         AND created_at >= $2::timestamptz AT TIME ZONE 'UTC' AND created_at < $3::timestamptz AT TIME ZONE 'UTC'
     )${rollUpAttemptsSql("seeded")}
     SELECT 1`,
    [webhookIds, dayStart.toISOString(), new Date(dayStart.getTime() + spanS * 1000).toISOString()],
  );
}

/**
 * 31 days of history up to now (24 h chunks; each row lands in its UTC day's partition), written the way the history scenario writes (bench/seed.ts:
 * own connection, foreign-key triggers off, no WAL flush waits, the app's indexes present),
 * the day partitions made first as an instance running those days would have; then VACUUM
 * ANALYZE, as autovacuum would. On `sql`, which holds the partition maintenance lock.
 */
async function seedScale(ctx: ScenarioContext, sizes: ScaleSizes, webhookIds: string[], sql: Client) {
  const events = Math.max(1, Math.round(sizes.attemptsPerDay / 4));
  // Continuous from the UTC midnight 31 days back up to now, in 31 equal chunks (each a little
  // over a day): the purge, run as at today's midnight, has exactly the oldest UTC day to drop.
  const start = utcMidnight() - DAYS * DAY_MS;
  const spanS = (Date.now() - start) / 1000 / DAYS;
  await sql.query("SET synchronous_commit = off");
  await sql.query("SET session_replication_role = replica").catch(() => {});
  await maintainAttemptPartitions(sql, { now: new Date(start), daysAhead: DAYS + 1 });
  const tag = runTag();
  const started = performance.now();
  for (let d = 0; d < DAYS; d++) {
    const dayStart = new Date(start + d * spanS * 1000);
    await seedDay(sql, tag, d, dayStart, spanS, events, webhookIds, ctx.accountId);
    if (d >= DAYS - ROLLUP_DAYS) await rollUpDay(sql, dayStart, spanS, webhookIds);
    const done = (d + 1) * events * 4;
    ctx.progress.update(`stored ${done} attempts (${d + 1}/${DAYS} days), ${Math.round(done / ((performance.now() - started) / 1000))}/s`);
  }
  const seedS = (performance.now() - started) / 1000;
  await sql.query("SET session_replication_role = DEFAULT").catch(() => {});
  ctx.progress.update("VACUUM ANALYZE");
  const vacuumStarted = performance.now();
  for (const table of ["events", "deliveries", "attempts", "attempt_rollups", "response_time_rollups"]) await sql.query(`VACUUM ANALYZE ${table}`);
  const vacuumS = (performance.now() - vacuumStarted) / 1000;
  ctx.progress.update("CHECKPOINT, autovacuum idle");
  const settleS = await settle(sql);
  return { events: events * DAYS, deliveries: events * 2 * DAYS, attempts: events * 4 * DAYS, seedS, vacuumS, settleS };
}

/**
 * Lets the server finish what loading 12 GB at once left behind, which a server on its hundredth
 * day is not doing: a checkpoint still spreading the seed's dirty pages over minutes, and
 * autovacuum workers on the loaded tables. Both share the 2 cores with the app. Returns seconds.
 */
async function settle(sql: Client, maxWaitMs = 10 * 60_000): Promise<number> {
  const started = performance.now();
  await sql.query("CHECKPOINT");
  while (performance.now() - started < maxWaitMs) {
    const { rows } = await sql.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'`);
    if (rows[0].n === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  return (performance.now() - started) / 1000;
}

async function medianMs(ctx: ScenarioContext, pathName: string, runs = 5) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const res = await ctx.app.call("GET", pathName);
    if (res.status !== 200) throw new Error(`GET ${pathName} answered ${res.status}: ${JSON.stringify(res.body)}`);
    times.push(performance.now() - started);
  }
  return { ms: round(median(times), 1)!, runs: times.map((t) => round(t, 1)) };
}

const dbSizeMb = async (ctx: ScenarioContext) =>
  round(Number((await ctx.sql.query(`SELECT pg_database_size(current_database()) AS bytes`)).rows[0].bytes) / 2 ** 20, 0)!;

/**
 * The daily purge with RETENTION_DAYS = 30, as it runs at 00:00 UTC (the oldest day whole: its
 * events with their deliveries and attempts, and its partition of attempts), run here in the
 * bench process against the app's database (the app runs with a retention that never purges,
 * so its own timer cannot take the day first): one purgeOldHistory run.
 */
async function measurePurge(ctx: ScenarioContext) {
  const previous = process.env.DATABASE_URL;
  process.env.DATABASE_URL = ctx.databaseUrl;
  const { resetConfig } = await import("@/lib/config");
  resetConfig();
  const { purgeOldHistory, retentionCutoff } = await import("@/lib/delivery/retention");
  const { disconnectDb } = await import("@/lib/db/client");
  try {
    const cutoff = retentionCutoff(new Date(utcMidnight()), RETENTION_DAYS);
    const started = performance.now();
    const result = await purgeOldHistory(cutoff);
    const ms = performance.now() - started;
    if (result.dropped.names.length !== 1) throw new Error(`expected one day due at ${cutoff.toISOString()}, purged ${JSON.stringify(result.dropped)}`);
    if (result.rollups === 0) throw new Error("expected the oldest day's stats rollups to be purged too, purged none");
    return { ms, result };
  } finally {
    await disconnectDb();
    if (previous === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previous;
    resetConfig();
  }
}

/** Rows stored in the whole database before the purge: the history and what the measurements published. */
const count = async (ctx: ScenarioContext, table: string) => Number((await ctx.sql.query(`SELECT count(*)::bigint AS n FROM ${table}`)).rows[0].n);

/**
 * Runs `work` on a connection that holds the partition maintenance lock (lib/db/partitions.ts),
 * taken once the app is not using it. The app's own daily purge, first 5 minutes after its
 * start, skips its run while the lock is held, so it cannot take the seeded stats rollups older
 * than 8 days (whatever `RETENTION_DAYS` is) before the measured purge does.
 */
async function holdingMaintenanceLock<T>(ctx: ScenarioContext, work: (sql: Client) => Promise<T>): Promise<T> {
  const sql = new Client({ connectionString: ctx.databaseUrl });
  await sql.connect();
  try {
    for (;;) {
      const done = await withMaintenanceLock(sql, async () => ({ value: await work(sql) }));
      if (done) return done.value;
      await new Promise((resolve) => setTimeout(resolve, 1000)); // the app's purge is running
    }
  } finally {
    await sql.end();
  }
}

/** The whole scenario: measured on empty tables, then seeded, measured again, then the purge. */
export async function measureScale(ctx: ScenarioContext, sizes: ScaleSizes): Promise<ScaleResult> {
  // Warm-up, unmeasured: right after start the engine's code is cold (the first backlog of a
  // run drained at about half the rate of a later one).
  ctx.progress.update("warm-up");
  await measureThroughput(ctx, 10, Math.ceil(sizes.throughputEvents / 5));
  ctx.progress.update("empty tables: throughput and latency");
  const empty = await measureLoad(ctx, sizes);
  const webhookIds = await createHistoryWebhooks(ctx);
  const { seeded, full, logs, stats, eventsList, sizeBefore, stored } = await holdingMaintenanceLock(ctx, async (sql) => {
    const seeded = await seedScale(ctx, sizes, webhookIds, sql);
    ctx.progress.update("full tables: throughput and latency");
    const full = await measureLoad(ctx, sizes);
    ctx.progress.update("logs, stats, event list");
    const logs = await medianMs(ctx, `/api/webhooks/${webhookIds[0]}/logs`);
    const stats = await medianMs(ctx, `/api/webhooks/${webhookIds[0]}/stats?window=7d`);
    const eventsList = await medianMs(ctx, `/api/events`);
    const sizeBefore = await dbSizeMb(ctx);
    const stored = { attempts: await count(ctx, "attempts"), deliveries: await count(ctx, "deliveries"), events: await count(ctx, "events") };
    return { seeded, full, logs, stats, eventsList, sizeBefore, stored };
  });
  ctx.progress.update("purging the oldest day");
  const purge = await measurePurge(ctx);
  const sizeAfter = await dbSizeMb(ctx);
  const emptyRate = empty.throughput.perSecond;
  const fullRate = full.throughput.perSecond;
  return {
    stored_attempts: stored.attempts,
    stored_deliveries: stored.deliveries,
    stored_events: stored.events,
    seed_s: round(seeded.seedS, 1)!,
    seed_vacuum_s: round(seeded.vacuumS, 1)!,
    seed_settle_s: round(seeded.settleS, 1)!,
    deliveries_per_s_10_empty: emptyRate,
    deliveries_per_s_10_full: fullRate,
    throughput_change: round((fullRate - emptyRate) / emptyRate, 3)!,
    latency_p99_ms_empty: empty.latency.p99,
    latency_p99_ms_full: full.latency.p99,
    logs_ms: logs.ms,
    stats_ms: stats.ms,
    events_list_ms: eventsList.ms,
    purge_day_ms: Math.round(purge.ms),
    db_size_mb_before_purge: sizeBefore,
    db_size_mb_after_purge: sizeAfter,
    details: {
      sizes,
      days: DAYS,
      retention_days: RETENTION_DAYS,
      seeded: { attempts: seeded.attempts, deliveries: seeded.deliveries, events: seeded.events },
      empty,
      full,
      logs_runs_ms: logs.runs,
      stats_runs_ms: stats.runs,
      events_list_runs_ms: eventsList.runs,
      purge: purge.result,
    },
  };
}
