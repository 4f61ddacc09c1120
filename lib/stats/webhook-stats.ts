// Delivery health of a webhook (or of a whole account) over a window: success rate, latency
// percentiles, a time series, volume by event type and an error breakdown. The 24 h and 7 d
// windows read the hourly rollups (lib/stats/attempt-rollups.ts), whose size grows with the
// hours and the spread of response times, not with the number of attempts; percentiles then
// come from response-time buckets and are within 0.8 % (lib/stats/response-time-buckets.ts).
// The 1 h window, in 1-minute buckets, reads that hour's attempts and is exact.
import { z } from "zod";
import { sql } from "@/lib/db/client";
import { ATTEMPT_CODE_SQL } from "@/lib/stats/attempt-rollups";
import { bucketMidpoint } from "@/lib/stats/response-time-buckets";

const HOUR_MS = 3_600_000;

// The rollup windows' buckets are whole hours, so the hours read are exactly [from, to).
export const windows = {
  "1h": { ms: HOUR_MS, bucketMs: 60_000, source: "attempts" },
  "24h": { ms: 24 * HOUR_MS, bucketMs: HOUR_MS, source: "rollups" },
  "7d": { ms: 7 * 24 * HOUR_MS, bucketMs: 4 * HOUR_MS, source: "rollups" },
} as const;

export const statsQuery = z.object({ window: z.enum(["1h", "24h", "7d"]).default("24h") });
export type StatsWindow = keyof typeof windows;

export interface Scope {
  webhookId?: string;
  accountId?: string;
}

/** One row of a stats query, per time bucket: a response-time frequency (kind 0) or an outcome tally (kind 1). */
interface StatsRow {
  kind: number;
  /** The bucket's start in epoch ms: a number parses far faster than a timestamp, and the 7 d window returns ~10 000 rows. */
  bucket: number;
  /** Kind 0: the response time in whole ms (attempts) or a response-time bucket's lowest value (rollups). */
  ms: number | null;
  sum_ms: number | null;
  /** Kind 1: the outcome, event type and error code ('' for a success). */
  status: string | null;
  event: string | null;
  code: string | null;
  n: number;
}

const round = (n: number | null) => (n === null ? null : Math.round(Number(n)));

/** Sums and response-time frequencies of a set of attempts, from which percentiles follow. */
class Distribution {
  count = 0;
  sum = 0;
  private readonly freq = new Map<number, number>();

  add(ms: number, n: number, sum = ms * n) {
    this.count += n;
    this.sum += sum;
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

// The 1 h window: one scan of its attempts (an endpoint check's are not deliveries: left out, as the rollups never see them). GROUPING SETS computes in the same pass a
// frequency table of response times per minute (whole milliseconds, so it stays small) and
// the outcome tallies per minute, the same two kinds of rows the rollups give.
const FROM_ATTEMPTS = `
  SELECT GROUPING(ms) AS kind, extract(epoch FROM bucket)::float8 * 1000 AS bucket, ms, sum(ms)::float8 AS sum_ms,
         status::text AS status, event_type AS event, code, count(*)::float8 AS n
  FROM (
    SELECT date_bin($4::interval, created_at, $2::timestamptz AT TIME ZONE 'UTC') AS bucket, response_time_ms AS ms, status, event_type,
           ${ATTEMPT_CODE_SQL} AS code
    FROM attempts
    WHERE %SCOPE% AND created_at >= $2::timestamptz AT TIME ZONE 'UTC' AND created_at < $3::timestamptz AT TIME ZONE 'UTC'
      AND check_item IS NULL
  ) a
  GROUP BY GROUPING SETS ((bucket, ms), (bucket, status, event_type, code))`;

// The 24 h and 7 d windows: the rollups of the window's hours, summed per bucket.
const FROM_ROLLUPS = `
  SELECT 0 AS kind, extract(epoch FROM date_bin($4::interval, hour, $2::timestamptz AT TIME ZONE 'UTC'))::float8 * 1000 AS bucket,
         ms_bucket AS ms, sum(sum_ms)::float8 AS sum_ms, NULL AS status, NULL AS event, NULL AS code, sum(n)::float8 AS n
  FROM response_time_rollups
  WHERE %SCOPE% AND hour >= $2::timestamptz AT TIME ZONE 'UTC' AND hour < $3::timestamptz AT TIME ZONE 'UTC'
  GROUP BY 2, 3
  UNION ALL
  SELECT 1, extract(epoch FROM date_bin($4::interval, hour, $2::timestamptz AT TIME ZONE 'UTC'))::float8 * 1000,
         NULL, NULL, status::text, event_type, code, sum(n)::float8
  FROM attempt_rollups
  WHERE %SCOPE% AND hour >= $2::timestamptz AT TIME ZONE 'UTC' AND hour < $3::timestamptz AT TIME ZONE 'UTC'
  GROUP BY 2, 5, 6, 7`;

const scoped = (text: string) => ({ webhook: text.replaceAll("%SCOPE%", "webhook_id = $1"), account: text.replaceAll("%SCOPE%", "account_id = $1") });
const statements = { attempts: scoped(FROM_ATTEMPTS), rollups: scoped(FROM_ROLLUPS) };

/** What a frequency row's `ms` stands for: itself, or the middle of a response-time bucket. */
const representative = { attempts: (ms: number) => ms, rollups: bucketMidpoint };

export async function webhookStats(scope: Scope, window: StatsWindow, now = new Date()) {
  const { ms, bucketMs, source } = windows[window];
  // Buckets are aligned to the bucket size so consecutive calls agree on boundaries.
  const end = new Date(Math.ceil(now.getTime() / bucketMs) * bucketMs);
  const start = new Date(end.getTime() - ms);
  const [kind, id] = scope.webhookId ? (["webhook", scope.webhookId] as const) : (["account", scope.accountId] as const);
  const { rows } = await sql().query<StatsRow>({
    name: `hookrelay_stats_${source}_${kind}`,
    text: statements[source][kind],
    values: [id, start.toISOString(), end.toISOString(), `${bucketMs / 1000} seconds`],
  });

  const all = new Distribution();
  let succeeded = 0;
  let failed = 0;
  const buckets = new Map<number, { succeeded: number; failed: number; times: Distribution }>();
  const errors = new Map<string, number>();
  const events = new Map<string, { event: string; succeeded: number; failed: number }>();
  for (const r of rows) {
    let b = buckets.get(r.bucket);
    if (!b) buckets.set(r.bucket, (b = { succeeded: 0, failed: 0, times: new Distribution() }));
    if (r.kind === 0) {
      const value = representative[source](r.ms!);
      b.times.add(value, r.n, r.sum_ms!);
      all.add(value, r.n, r.sum_ms!);
      continue;
    }
    const e = events.get(r.event!) ?? { event: r.event!, succeeded: 0, failed: 0 };
    events.set(r.event!, e);
    if (r.status === "succeeded") {
      b.succeeded += r.n;
      e.succeeded += r.n;
      succeeded += r.n;
    } else {
      b.failed += r.n;
      e.failed += r.n;
      failed += r.n;
      errors.set(r.code!, (errors.get(r.code!) ?? 0) + r.n);
    }
  }

  const total = succeeded + failed;
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
  // Largest first; equal counts by name, so the order does not depend on the query plan.
  const byCount = <T extends { count: number; name: string }>(a: T, b: T) => b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return {
    window,
    from: start.toISOString(),
    to: end.toISOString(),
    total,
    succeeded,
    failed,
    success_rate: total === 0 ? null : succeeded / total,
    avg_response_ms: round(all.avg()),
    p50_response_ms: round(all.percentile(0.5)),
    p95_response_ms: round(all.percentile(0.95)),
    series: points,
    errors: [...errors]
      .map(([code, count]) => ({ name: code, count }))
      .sort(byCount)
      .slice(0, 20)
      .map(({ name, count }) => ({ code: name, count })),
    events: [...events.values()]
      .map((e) => ({ ...e, name: e.event, count: e.succeeded + e.failed }))
      .sort(byCount)
      .slice(0, 20)
      .map(({ event, succeeded, failed }) => ({ event, succeeded, failed })),
  };
}

export type StatsJson = Awaited<ReturnType<typeof webhookStats>>;
