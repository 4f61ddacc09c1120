// `npm run bench [-- --quick] [-- --runs 3] [-- --only limit,throughput,latency,publish,slow,history,scale]`
// (`scale`, 10 M stored attempts, is heavy: BENCH_SCALE_ATTEMPTS=n stores about n instead.)
//
// Measures Hookrelay against the machine's own limit: a fresh PostgreSQL (embedded in a temp
// dir, or DATABASE_URL's server), receivers in their own process, the bare sender's ceiling
// (bench/limit.ts), then Hookrelay as a real `npm start` child: delivery throughput, publish→
// received latency, publish API rate, a slow endpoint among fast ones, stats and logs over a
// large attempt history, and peak memory. Prints a table and writes bench/results/latest.json.
import { createHash, randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, totalmem } from "node:os";
import path from "node:path";
import { Pool as PgPool } from "pg";
import { startApp } from "@/bench/app";
import { measureLimit } from "@/bench/limit";
import { median, round, table } from "@/bench/numbers";
import { startBenchPostgres } from "@/bench/postgres";
import { createProgress, type Progress } from "@/bench/progress";
import { measureScale, type ScaleResult } from "@/bench/scale";
import { startReceivers } from "@/bench/receivers";
import { measureHistory, measureLatency, measurePublish, measureSlowEndpoint, measureThroughput, type ScenarioContext } from "@/bench/scenarios";

export interface BenchSizes {
  limitDeliveries: number;
  throughputEvents: number;
  latencyPerSecond: number;
  latencySeconds: number;
  publishRequests: number;
  slowPerSecond: number;
  slowSeconds: number;
  slowRounds: number;
  historyAttempts: number;
  /** The scale scenario's attempts per day of its 31 days (bench/scale.ts). */
  scaleAttemptsPerDay: number;
  /** Events of its 10-endpoint throughput backlog (10 deliveries each), on empty and on full tables. */
  scaleThroughputEvents: number;
}

export const FULL: BenchSizes = {
  limitDeliveries: 20_000,
  throughputEvents: 20_000,
  latencyPerSecond: 200,
  latencySeconds: 20,
  publishRequests: 20_000,
  slowPerSecond: 100,
  slowSeconds: 10,
  slowRounds: 4,
  historyAttempts: 1_000_000,
  scaleAttemptsPerDay: 330_000,
  scaleThroughputEvents: 10_000,
};

export const QUICK: BenchSizes = {
  limitDeliveries: 2_000,
  throughputEvents: 1_000,
  latencyPerSecond: 200,
  latencySeconds: 3,
  publishRequests: 2_000,
  slowPerSecond: 50,
  slowSeconds: 3,
  slowRounds: 1,
  historyAttempts: 20_000,
  scaleAttemptsPerDay: 2_000,
  scaleThroughputEvents: 200,
};

const SCENARIOS = ["limit", "throughput", "latency", "publish", "slow", "history", "scale"] as const;
type Scenario = (typeof SCENARIOS)[number];

/** The numbers of one run, as latest.json names them. */
export interface RunResult {
  limit_deliveries_per_s: number | null;
  deliveries_per_s_1: number | null;
  deliveries_per_s_10: number | null;
  ratio_to_limit: number | null;
  ratio_to_limit_1: number | null;
  latency_ms: { p50: number | null; p95: number | null; p99: number | null };
  publish_per_s: number | null;
  slow_endpoint_p99_change: number | null;
  stats_ms: number | null;
  logs_ms: number | null;
  peak_rss_mb: number | null;
  /** Day one hundred (bench/scale.ts), when the scale scenario ran. */
  scale?: ScaleResult;
  details: Record<string, unknown>;
}

/**
 * Targets on the reference 2-core machine (issue 6), judged on the worst run (issue 19): `min`
 * is what every run must reach, `max` what none may pass; `medianMin` is also asked of the median.
 */
export const TARGETS: Record<string, { min?: number; max?: number; medianMin?: number; unit: string; label: string }> = {
  limit_deliveries_per_s: { unit: "/s", label: "limit (bare sender)" },
  deliveries_per_s_1: { min: 3000, unit: "/s", label: "throughput, 1 endpoint" },
  deliveries_per_s_10: { unit: "/s", label: "throughput, 10 endpoints" },
  ratio_to_limit: { min: 0.6, medianMin: 0.7, unit: "", label: "ratio to limit (10 endpoints)" },
  ratio_to_limit_1: { unit: "", label: "ratio to limit (1 endpoint)" },
  "latency_ms.p50": { unit: "ms", label: "latency p50 @200/s" },
  "latency_ms.p95": { unit: "ms", label: "latency p95 @200/s" },
  "latency_ms.p99": { max: 150, unit: "ms", label: "latency p99 @200/s" },
  publish_per_s: { min: 1500, unit: "/s", label: "publish API (64 conns)" },
  slow_endpoint_p99_change: { max: 0.2, unit: "", label: "fast p99 change, 1 slow endpoint" },
  stats_ms: { max: 300, unit: "ms", label: "stats 7d @ history" },
  logs_ms: { max: 100, unit: "ms", label: "logs first page @ history" },
  peak_rss_mb: { max: 600, unit: "MB", label: "peak RSS of the app" },
};

export interface RunOptions {
  sizes: BenchSizes;
  only?: Scenario[];
  progress: Progress;
}

/** One complete run: fresh PostgreSQL, receivers, the limit, then Hookrelay. */
export async function runOnce({ sizes, only, progress }: RunOptions): Promise<RunResult> {
  const wanted = (s: Scenario) => !only || only.includes(s);
  const details: Record<string, unknown> = {};
  const result: RunResult = {
    limit_deliveries_per_s: null,
    deliveries_per_s_1: null,
    deliveries_per_s_10: null,
    ratio_to_limit: null,
    ratio_to_limit_1: null,
    latency_ms: { p50: null, p95: null, p99: null },
    publish_per_s: null,
    slow_endpoint_p99_change: null,
    stats_ms: null,
    logs_ms: null,
    peak_rss_mb: null,
    details,
  };

  progress.step("starting PostgreSQL and the receivers");
  const pg = await startBenchPostgres();
  const receivers = await startReceivers();
  progress.done(`PostgreSQL ${pg.kind}, receivers in process ${receivers.pid}`);
  const cleanups: (() => Promise<void>)[] = [() => receivers.close(), () => pg.stop()];
  try {
    if (wanted("limit")) {
      progress.step(`limit: bare sender, ${sizes.limitDeliveries} deliveries`);
      const databaseUrl = await pg.createDatabase("limit");
      const { urls } = await receivers.listen([0]);
      const limit = await measureLimit({
        databaseUrl,
        receiverUrl: urls[0],
        deliveries: sizes.limitDeliveries,
        onProgress: (done) => progress.update(`${done}/${sizes.limitDeliveries}`),
      });
      result.limit_deliveries_per_s = Math.round(limit.perSecond);
      details.limit = { ...limit, perSecond: Math.round(limit.perSecond), seconds: round(limit.seconds, 2) };
      progress.done(`${Math.round(limit.perSecond)} deliveries/s`);
    }
    if (SCENARIOS.filter((s) => s !== "limit").some(wanted)) {
      const databaseUrl = await pg.createDatabase("app");
      const apiKey = `hr_bench_${randomBytes(16).toString("hex")}`;
      progress.step("starting Hookrelay (npm start)");
      // With the scale scenario the bench runs the purge itself, at a moment it measures: the
      // app's own daily purge (5 min after start) must not take the seeded day first.
      const env: Record<string, string> = wanted("scale") ? { RETENTION_DAYS: "36500" } : {};
      const app = await startApp({ databaseUrl, apiKey, env, log: (m) => progress.log(m) });
      cleanups.unshift(() => app.stop());
      const sql = new PgPool({ connectionString: databaseUrl, max: 4 });
      cleanups.unshift(() => sql.end());
      const { rows } = await sql.query(`SELECT account_id FROM api_keys WHERE key_hash = $1`, [createHash("sha256").update(apiKey).digest("hex")]);
      const ctx: ScenarioContext = { app, sql, databaseUrl, receivers, accountId: rows[0].account_id, apiKey, progress };
      const atStart = await app.memory();
      progress.done(`listening on ${app.baseUrl}, ${Math.round(atStart.rssMb)} MB`);
      // The peak so far after each scenario, to tell which one sets the run's peak.
      const peakRssAfter: Record<string, number> = { start: Math.round(atStart.peakRssMb) };
      const notePeak = async (scenario: string) => {
        peakRssAfter[scenario] = Math.round((await app.memory()).peakRssMb);
      };

      if (wanted("throughput")) {
        for (const endpoints of [1, 10]) {
          progress.step(`throughput: ${sizes.throughputEvents} events to ${endpoints} endpoint${endpoints > 1 ? "s" : ""}`);
          const t = await measureThroughput(ctx, endpoints, sizes.throughputEvents);
          const perSecond = Math.round(t.perSecond);
          if (endpoints === 1) result.deliveries_per_s_1 = perSecond;
          else result.deliveries_per_s_10 = perSecond;
          details[`throughput_${endpoints}`] = { ...t, perSecond, seconds: round(t.seconds, 2) };
          progress.done(`${perSecond} deliveries/s (${t.deliveries} in ${t.seconds.toFixed(1)} s${t.duplicates ? `, ${t.duplicates} duplicates` : ""})`);
          await notePeak(`throughput_${endpoints}`);
        }
        if (result.limit_deliveries_per_s) {
          if (result.deliveries_per_s_10) result.ratio_to_limit = round(result.deliveries_per_s_10 / result.limit_deliveries_per_s, 3);
          if (result.deliveries_per_s_1) result.ratio_to_limit_1 = round(result.deliveries_per_s_1 / result.limit_deliveries_per_s, 3);
        }
      }
      if (wanted("latency")) {
        progress.step(`latency: ${sizes.latencyPerSecond} events/s for ${sizes.latencySeconds} s`);
        const l = await measureLatency(ctx, sizes.latencyPerSecond, sizes.latencySeconds);
        result.latency_ms = { p50: l.p50, p95: l.p95, p99: l.p99 };
        details.latency = l;
        progress.done(`p50 ${l.p50} ms, p95 ${l.p95} ms, p99 ${l.p99} ms${l.refused ? ` (${l.refused} refused)` : ""}`);
        await notePeak("latency");
      }
      if (wanted("publish")) {
        progress.step(`publish API: ${sizes.publishRequests} requests over 64 connections`);
        const p = await measurePublish(ctx, sizes.publishRequests, 64);
        result.publish_per_s = Math.round(p.perSecond);
        details.publish = { ...p, perSecond: Math.round(p.perSecond), seconds: round(p.seconds, 2) };
        progress.done(`${Math.round(p.perSecond)} events/s accepted (${p.accepted}/${p.requests}, p99 ${p.p99Ms} ms)`);
        await notePeak("publish");
      }
      if (wanted("slow")) {
        progress.step(`slow endpoint: ${sizes.slowPerSecond} events/s to 9 fast + 1 slow, ${sizes.slowRounds} × ${sizes.slowSeconds} s each way`);
        const s = await measureSlowEndpoint(ctx, sizes.slowPerSecond, sizes.slowSeconds, sizes.slowRounds);
        result.slow_endpoint_p99_change = s.p99Change;
        details.slow_endpoint = s;
        progress.done(`fast p99 ${s.fastP99WithoutMs} ms → ${s.fastP99WithMs} ms (${s.p99Change === null ? "–" : `${(s.p99Change * 100).toFixed(1)} %`})`);
        await notePeak("slow");
      }
      if (wanted("history")) {
        progress.step(`stats and logs with ${sizes.historyAttempts} attempts stored`);
        const h = await measureHistory(ctx, sizes.historyAttempts);
        result.stats_ms = h.statsMs;
        result.logs_ms = h.logsMs;
        details.history = h;
        progress.done(`stats ${h.statsMs} ms, logs ${h.logsMs} ms (median of ${h.statsRunsMs.length})`);
        await notePeak("history");
      }
      if (wanted("scale")) {
        const perDay = process.env.BENCH_SCALE_ATTEMPTS ? Math.ceil(Number(process.env.BENCH_SCALE_ATTEMPTS) / 31) : sizes.scaleAttemptsPerDay;
        progress.step(`scale: ${perDay * 31} attempts over 31 days, measured empty and full`);
        const s = await measureScale(ctx, {
          attemptsPerDay: perDay,
          throughputEvents: sizes.scaleThroughputEvents,
          latencyPerSecond: sizes.latencyPerSecond,
          latencySeconds: sizes.latencySeconds,
        });
        result.scale = s;
        progress.done(
          `${s.stored_attempts} attempts (seeded in ${s.seed_s} s + ${s.seed_vacuum_s} s vacuum): 10 endpoints ${s.deliveries_per_s_10_empty} → ${s.deliveries_per_s_10_full}/s, ` +
            `p99 ${s.latency_p99_ms_empty} → ${s.latency_p99_ms_full} ms, logs ${s.logs_ms} ms, stats ${s.stats_ms} ms, events ${s.events_list_ms} ms, purge ${s.purge_day_ms} ms`,
        );
        await notePeak("scale");
      }
      const memory = await app.memory();
      result.peak_rss_mb = Math.round(memory.peakRssMb);
      details.memory = { peakRssMb: Math.round(memory.peakRssMb), finalRssMb: Math.round(memory.rssMb), peakRssAfter };
    }
  } finally {
    progress.step("stopping");
    for (const cleanup of cleanups) await cleanup().catch((error) => progress.log(`cleanup: ${String(error)}`));
    progress.done("stopped");
  }
  return result;
}

/** Every numeric figure of a run (nested objects as `a.b`), the details aside. */
function figureKeys(runs: RunResult[]): string[] {
  const keys = new Set(Object.keys(TARGETS));
  const walk = (value: unknown, prefix: string) => {
    if (typeof value === "number") keys.add(prefix);
    else if (value && typeof value === "object" && !Array.isArray(value)) for (const [k, v] of Object.entries(value)) walk(v, prefix ? `${prefix}.${k}` : k);
  };
  for (const run of runs) for (const [key, value] of Object.entries(run)) if (key !== "details") walk(value, key);
  return [...keys];
}

const figureOf = (r: RunResult, key: string): number | null => {
  const value = key.split(".").reduce<unknown>((v, k) => (v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined), r);
  return typeof value === "number" ? value : null;
};

function spreadOf(runs: RunResult[]) {
  const spread: Record<string, { min: number | null; median: number | null; max: number | null }> = {};
  for (const key of figureKeys(runs)) {
    const values = runs.map((r) => figureOf(r, key)).filter((v): v is number => v !== null);
    spread[key] = values.length
      ? { min: Math.min(...values), median: round(median(values), 3), max: Math.max(...values) }
      : { min: null, median: null, max: null };
  }
  return spread;
}

export function summarise(runs: RunResult[], mode: string) {
  const spread = spreadOf(runs);
  const m = (key: string) => spread[key].median;
  return {
    mode,
    runs: runs.length,
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, memory_gb: Math.round(totalmem() / 2 ** 30), node: process.version },
    limit_deliveries_per_s: m("limit_deliveries_per_s"),
    deliveries_per_s_1: m("deliveries_per_s_1"),
    deliveries_per_s_10: m("deliveries_per_s_10"),
    ratio_to_limit: m("ratio_to_limit"),
    ratio_to_limit_1: m("ratio_to_limit_1"),
    latency_ms: { p50: m("latency_ms.p50"), p95: m("latency_ms.p95"), p99: m("latency_ms.p99") },
    publish_per_s: m("publish_per_s"),
    slow_endpoint_p99_change: m("slow_endpoint_p99_change"),
    stats_ms: m("stats_ms"),
    logs_ms: m("logs_ms"),
    peak_rss_mb: m("peak_rss_mb"),
    // The scale scenario runs once per run (it takes many minutes); the last run's figures.
    scale: runs.findLast((r) => r.scale)?.scale ?? null,
    spread,
    targets: TARGETS,
    results: runs,
  };
}

export function resultTable(summary: ReturnType<typeof summarise>): string {
  const rows: (string | number | null)[][] = [["metric", "median", "min", "max", "target", ""]];
  for (const [key, target] of Object.entries(TARGETS)) {
    const s = summary.spread[key];
    const median = target.medianMin !== undefined ? `, median ≥ ${target.medianMin}${target.unit}` : "";
    const goal = target.min !== undefined ? `≥ ${target.min}${target.unit}${median}` : target.max !== undefined ? `≤ ${target.max}${target.unit}` : "";
    // Judged on the worst run: the lowest for a floor, the highest for a ceiling.
    const worst = target.min !== undefined ? s.min : s.max;
    const met = worst === null ? null : target.min !== undefined ? worst >= target.min && (target.medianMin === undefined || s.median! >= target.medianMin) : worst <= target.max!;
    const verdict = met === null || goal === "" ? "" : met ? "ok" : "BELOW TARGET";
    const v = s.median;
    const unit = (n: number | null) => (n === null ? null : `${n}${target.unit}`);
    rows.push([target.label, unit(v), unit(s.min), unit(s.max), goal, verdict]);
  }
  return table(rows);
}

/** The scale scenario's targets (issue 19); `max` means lower is better. */
export const SCALE_TARGETS: Record<string, { min?: number; max?: number; unit: string }> = {
  stored_attempts: { min: 10_000_000, unit: "" },
  stored_deliveries: { unit: "" },
  stored_events: { unit: "" },
  seed_s: { unit: "s" },
  seed_vacuum_s: { unit: "s" },
  seed_settle_s: { unit: "s" },
  deliveries_per_s_10_empty: { unit: "/s" },
  deliveries_per_s_10_full: { unit: "/s" },
  throughput_change: { min: -0.15, unit: "" },
  latency_p99_ms_empty: { unit: "ms" },
  latency_p99_ms_full: { max: 150, unit: "ms" },
  logs_ms: { max: 100, unit: "ms" },
  stats_ms: { max: 300, unit: "ms" },
  events_list_ms: { max: 100, unit: "ms" },
  purge_day_ms: { max: 1000, unit: "ms" },
  db_size_mb_before_purge: { unit: "MB" },
  db_size_mb_after_purge: { unit: "MB" },
};

export function scaleTable(scale: ScaleResult): string {
  const rows: (string | number | null)[][] = [["scale", "value", "target", ""]];
  for (const [key, target] of Object.entries(SCALE_TARGETS)) {
    const v = scale[key as keyof ScaleResult] as number | null;
    const goal = target.min !== undefined ? `≥ ${target.min}${target.unit}` : target.max !== undefined ? `≤ ${target.max}${target.unit}` : "";
    const verdict = v === null || goal === "" ? "" : (target.min !== undefined ? v >= target.min : v <= target.max!) ? "ok" : "BELOW TARGET";
    rows.push([key, v === null ? null : `${v}${target.unit}`, goal, verdict]);
  }
  return table(rows);
}

function parseArgs(argv: string[]) {
  const quick = argv.includes("--quick");
  const value = (name: string) => {
    const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
    if (i < 0) return undefined;
    return argv[i].includes("=") ? argv[i].split("=")[1] : argv[i + 1];
  };
  const runs = Number(value("--runs") ?? 1);
  const only = value("--only")?.split(",") as Scenario[] | undefined;
  for (const s of only ?? []) if (!SCENARIOS.includes(s)) throw new Error(`unknown scenario ${s}; one of ${SCENARIOS.join(", ")}`);
  return { quick, runs, only };
}

async function main() {
  const { quick, runs, only } = parseArgs(process.argv.slice(2));
  const sizes = quick ? QUICK : FULL;
  const progress = createProgress();
  const results: RunResult[] = [];
  for (let i = 1; i <= runs; i++) {
    if (runs > 1) progress.log(`— run ${i} of ${runs} —`);
    results.push(await runOnce({ sizes, only, progress }));
  }
  const summary = summarise(results, quick ? "quick" : "full");
  const out = path.join(import.meta.dirname, "results", "latest.json");
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(`\nHookrelay benchmark (${summary.mode}, ${runs} run${runs > 1 ? "s" : ""}, ${summary.machine.cpus} CPUs)\n`);
  console.log(resultTable(summary));
  if (summary.scale) console.log(`\n${scaleTable(summary.scale)}`);
  console.log(`\n${path.relative(process.cwd(), out)} written`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      process.exit(1);
    },
  );
}
