// The stats of a window computed straight from the stored attempts, exactly (percentile_cont
// over every response time), independently of lib/stats: what the rollup-based stats are
// checked against.
import { expect } from "vitest";
import { sql } from "@/lib/db/client";
import type { webhookStats } from "@/lib/stats/webhook-stats";

type Stats = Awaited<ReturnType<typeof webhookStats>>;

interface Row {
  bucket: Date | null;
  n: number;
  succeeded: number;
  sum_ms: number;
  p50: number;
  p95: number;
}

export interface ExactStats {
  total: number;
  succeeded: number;
  avg: number | null;
  p50: number | null;
  p95: number | null;
  series: Map<string, { succeeded: number; failed: number; avg: number; p50: number; p95: number }>;
  errors: { code: string; count: number }[];
  events: { event: string; succeeded: number; failed: number }[];
}

export async function exactStats(scope: { webhookId?: string; accountId?: string }, from: string, to: string, bucketMs: number): Promise<ExactStats> {
  const where = `${scope.webhookId ? "webhook_id" : "account_id"} = $1 AND created_at >= $2::timestamptz AT TIME ZONE 'UTC' AND created_at < $3::timestamptz AT TIME ZONE 'UTC' AND check_item IS NULL`;
  const values = [scope.webhookId ?? scope.accountId, from, to];
  const { rows } = await sql().query<Row>(
    `SELECT date_bin($4::interval, created_at, $2::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS bucket,
            count(*)::int AS n, count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded, sum(response_time_ms)::float8 AS sum_ms,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY response_time_ms) AS p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY response_time_ms) AS p95
     FROM attempts WHERE ${where}
     GROUP BY ROLLUP (1)`,
    [...values, `${bucketMs / 1000} seconds`],
  );
  const { rows: errors } = await sql().query<{ code: string; count: number }>(
    `SELECT CASE WHEN error_class = 'http_status' THEN 'http_' || response_code ELSE COALESCE(error_class, 'unknown') END AS code, count(*)::int AS count
     FROM attempts WHERE ${where} AND status = 'failed' GROUP BY 1`,
    values,
  );
  const { rows: events } = await sql().query<{ event: string; succeeded: number; failed: number }>(
    `SELECT event_type AS event, count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded, count(*) FILTER (WHERE status = 'failed')::int AS failed
     FROM attempts WHERE ${where} GROUP BY 1`,
    values,
  );
  // Largest first, ties by name in code-unit order.
  const byCount = (a: [number, string], b: [number, string]) => b[0] - a[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
  errors.sort((a, b) => byCount([a.count, a.code], [b.count, b.code]));
  events.sort((a, b) => byCount([a.succeeded + a.failed, a.event], [b.succeeded + b.failed, b.event]));
  const all = rows.find((r) => r.bucket === null);
  const series = new Map(
    rows
      .filter((r) => r.bucket !== null)
      .map((r) => [r.bucket!.toISOString(), { succeeded: r.succeeded, failed: r.n - r.succeeded, avg: r.sum_ms / r.n, p50: r.p50, p95: r.p95 }]),
  );
  return {
    total: all?.n ?? 0,
    succeeded: all?.succeeded ?? 0,
    avg: all ? all.sum_ms / all.n : null,
    p50: all?.p50 ?? null,
    p95: all?.p95 ?? null,
    series,
    errors,
    events,
  };
}

/** A percentile read from response-time buckets: within 1/128 of the exact value, then rounded to whole ms. */
export function expectNearPercentile(actual: number | null, exact: number | null) {
  if (exact === null) return expect(actual).toBeNull();
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - exact)).toBeLessThanOrEqual(exact / 128 + 0.5 + 1e-9);
}

/** Counts, success rate and averages exactly as the attempts give them; percentiles within the documented bound. */
export function expectStatsMatch(stats: Stats, exact: ExactStats) {
  expect(stats.total).toBe(exact.total);
  expect(stats.succeeded).toBe(exact.succeeded);
  expect(stats.failed).toBe(exact.total - exact.succeeded);
  expect(stats.success_rate).toBe(exact.total === 0 ? null : exact.succeeded / exact.total);
  expect(stats.avg_response_ms).toBe(exact.avg === null ? null : Math.round(exact.avg));
  expectNearPercentile(stats.p50_response_ms, exact.p50);
  expectNearPercentile(stats.p95_response_ms, exact.p95);
  expect(stats.errors).toEqual(exact.errors);
  expect(stats.events).toEqual(exact.events);
  for (const point of stats.series) {
    const e = exact.series.get(point.bucket);
    expect({ bucket: point.bucket, succeeded: point.succeeded, failed: point.failed }).toEqual({ bucket: point.bucket, succeeded: e?.succeeded ?? 0, failed: e?.failed ?? 0 });
    expect(point.avg_response_ms).toBe(e ? Math.round(e.avg) : null);
    expectNearPercentile(point.p50_response_ms, e?.p50 ?? null);
    expectNearPercentile(point.p95_response_ms, e?.p95 ?? null);
  }
  // Every exact bucket is one of the series' points (nothing fell outside the window's hours).
  const points = new Set(stats.series.map((p) => p.bucket));
  for (const bucket of exact.series.keys()) expect(points).toContain(bucket);
}
