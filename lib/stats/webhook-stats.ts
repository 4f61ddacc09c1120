// Delivery health of a webhook (or of a whole account) over a window: success rate, latency
// percentiles, a time series, volume by event type and an error breakdown. Aggregated in
// PostgreSQL (`date_bin`, `percentile_cont`) so it stays fast on millions of attempts.
import { z } from "zod";
import { sql } from "@/lib/db/client";

export const windows = {
  "1h": { ms: 3_600_000, bucketMs: 60_000 },
  "24h": { ms: 86_400_000, bucketMs: 1_800_000 },
  "7d": { ms: 604_800_000, bucketMs: 14_400_000 },
} as const;

export const statsQuery = z.object({ window: z.enum(["1h", "24h", "7d"]).default("24h") });
export type StatsWindow = keyof typeof windows;

export interface Scope {
  webhookId?: string;
  accountId?: string;
}

/** One row of the single pass: a frequency table of response times per bucket and status, plus the error and event tallies. */
interface PassRow {
  /** 0: (bucket, status, ms) · 1: error code of failed attempts · 2: (event type, status). */
  grouping: number;
  bucket: Date | null;
  status: string | null;
  ms: number | null;
  code: string | null;
  event: string | null;
  n: number;
}

const round = (n: number | null) => (n === null ? null : Math.round(Number(n)));

/** Sums and response-time frequencies of a set of attempts, from which percentiles are exact. */
class Distribution {
  count = 0;
  sum = 0;
  private readonly freq = new Map<number, number>();

  add(ms: number, n: number) {
    this.count += n;
    this.sum += ms * n;
    this.freq.set(ms, (this.freq.get(ms) ?? 0) + n);
  }

  avg(): number | null {
    return this.count === 0 ? null : this.sum / this.count;
  }

  /** Like PostgreSQL's percentile_cont: interpolates between the two nearest ranks. */
  percentile(p: number): number | null {
    if (this.count === 0) return null;
    const values = [...this.freq.keys()].sort((a, b) => a - b);
    const rank = p * (this.count - 1);
    const at = (r: number) => {
      let seen = 0;
      for (const v of values) {
        seen += this.freq.get(v)!;
        if (r < seen) return v;
      }
      return values[values.length - 1];
    };
    const low = at(Math.floor(rank));
    const high = at(Math.ceil(rank));
    return low + (high - low) * (rank - Math.floor(rank));
  }
}

// One scan of the window instead of four: GROUPING SETS computes, in the same pass, a
// frequency table of response times per time bucket and status (totals, averages and exact
// percentiles follow from it in JS), the error breakdown and the volume by event type.
// Response times are whole milliseconds, so the table stays small (buckets × distinct values).
// Sorting a million values for percentile_cont, four times over, took seconds.
const ONE_PASS = `
  SELECT CASE WHEN GROUPING(code) = 0 THEN 1 WHEN GROUPING(event_type) = 0 THEN 2 ELSE 0 END AS grouping,
         bucket AT TIME ZONE 'UTC' AS bucket, status::text AS status, response_time_ms AS ms, code, event_type AS event,
         count(*)::int AS n
  FROM (
    SELECT date_bin($4::interval, created_at, $2::timestamptz AT TIME ZONE 'UTC') AS bucket, status, response_time_ms, event_type,
           CASE WHEN status = 'failed' THEN CASE WHEN error_class = 'http_status' THEN 'http_' || response_code ELSE COALESCE(error_class, 'unknown') END END AS code
    FROM attempts
    WHERE %SCOPE% AND created_at >= $2::timestamptz AT TIME ZONE 'UTC' AND created_at < $3::timestamptz AT TIME ZONE 'UTC'
  ) a
  GROUP BY GROUPING SETS ((bucket, status, response_time_ms), (code), (event_type, status))`;

const statsStatement = {
  webhook: ONE_PASS.replace("%SCOPE%", "webhook_id = $1"),
  account: ONE_PASS.replace("%SCOPE%", "account_id = $1"),
};

export async function webhookStats(scope: Scope, window: StatsWindow, now = new Date()) {
  const { ms, bucketMs } = windows[window];
  // Buckets are aligned to the bucket size so consecutive calls agree on boundaries.
  const end = new Date(Math.ceil(now.getTime() / bucketMs) * bucketMs);
  const start = new Date(end.getTime() - ms);
  const [kind, id] = scope.webhookId ? (["webhook", scope.webhookId] as const) : (["account", scope.accountId] as const);
  const { rows } = await sql().query<PassRow>({
    name: `hookrelay_stats_${kind}`,
    text: statsStatement[kind],
    values: [id, start.toISOString(), end.toISOString(), `${bucketMs / 1000} seconds`],
  });

  const all = new Distribution();
  let succeeded = 0;
  const buckets = new Map<number, { succeeded: number; failed: number; times: Distribution }>();
  const errors: { code: string; count: number }[] = [];
  const events = new Map<string, { event: string; succeeded: number; failed: number }>();
  for (const r of rows) {
    if (r.grouping === 1) {
      if (r.code !== null) errors.push({ code: r.code, count: r.n });
    } else if (r.grouping === 2) {
      const e = events.get(r.event!) ?? { event: r.event!, succeeded: 0, failed: 0 };
      if (r.status === "succeeded") e.succeeded += r.n;
      else e.failed += r.n;
      events.set(r.event!, e);
    } else {
      const at = r.bucket!.getTime();
      let b = buckets.get(at);
      if (!b) buckets.set(at, (b = { succeeded: 0, failed: 0, times: new Distribution() }));
      if (r.status === "succeeded") {
        b.succeeded += r.n;
        succeeded += r.n;
      } else b.failed += r.n;
      b.times.add(r.ms!, r.n);
      all.add(r.ms!, r.n);
    }
  }

  const total = all.count;
  const points = [];
  for (let at = start.getTime(); at < end.getTime(); at += bucketMs) {
    const b = buckets.get(at);
    points.push({
      bucket: new Date(at).toISOString(),
      succeeded: b?.succeeded ?? 0,
      failed: b?.failed ?? 0,
      avg_response_ms: round(b?.times.avg() ?? null),
      p50_response_ms: round(b?.times.percentile(0.5) ?? null),
      p95_response_ms: round(b?.times.percentile(0.95) ?? null),
    });
  }
  const byCount = <T extends { count: number }>(a: T, b: T) => b.count - a.count;
  return {
    window,
    from: start.toISOString(),
    to: end.toISOString(),
    total,
    succeeded,
    failed: total - succeeded,
    success_rate: total === 0 ? null : succeeded / total,
    avg_response_ms: round(all.avg()),
    p50_response_ms: round(all.percentile(0.5)),
    p95_response_ms: round(all.percentile(0.95)),
    series: points,
    errors: errors.sort(byCount).slice(0, 20),
    events: [...events.values()]
      .map((e) => ({ ...e, count: e.succeeded + e.failed }))
      .sort(byCount)
      .slice(0, 20)
      .map(({ event, succeeded, failed }) => ({ event, succeeded, failed })),
  };
}
