// Delivery health of a webhook (or of a whole account) over a window: success rate, latency
// percentiles, a time series, volume by event type and an error breakdown. Aggregated in
// PostgreSQL (`date_bin`, `percentile_cont`) so it stays fast on millions of attempts.
import { z } from "zod";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";

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

interface Totals {
  total: bigint;
  succeeded: bigint;
  avg_ms: number | null;
  p50_ms: number | null;
  p95_ms: number | null;
}

interface SeriesRow {
  bucket: Date;
  succeeded: bigint;
  failed: bigint;
  avg_ms: number | null;
  p50_ms: number | null;
  p95_ms: number | null;
}

const round = (n: number | null) => (n === null ? null : Math.round(Number(n)));

export async function webhookStats(scope: Scope, window: StatsWindow, now = new Date()) {
  const { ms, bucketMs } = windows[window];
  // Buckets are aligned to the bucket size so consecutive calls agree on boundaries.
  const end = new Date(Math.ceil(now.getTime() / bucketMs) * bucketMs);
  const start = new Date(end.getTime() - ms);
  const where = Prisma.sql`${scope.webhookId ? Prisma.sql`webhook_id = ${scope.webhookId}` : Prisma.sql`account_id = ${scope.accountId}`}
    AND created_at >= ${start} AND created_at < ${end}`;
  const bucket = Prisma.sql`make_interval(secs => ${bucketMs / 1000})`;

  const [totals, series, errors, events] = await Promise.all([
    db().$queryRaw<Totals[]>`
      SELECT count(*) AS total, count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
             avg(response_time_ms)::float8 AS avg_ms,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY response_time_ms) AS p50_ms,
             percentile_cont(0.95) WITHIN GROUP (ORDER BY response_time_ms) AS p95_ms
      FROM attempts WHERE ${where}`,
    db().$queryRaw<SeriesRow[]>`
      SELECT date_bin(${bucket}, created_at, ${start}) AS bucket,
             count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
             count(*) FILTER (WHERE status = 'failed') AS failed,
             avg(response_time_ms)::float8 AS avg_ms,
             percentile_cont(0.5) WITHIN GROUP (ORDER BY response_time_ms) AS p50_ms,
             percentile_cont(0.95) WITHIN GROUP (ORDER BY response_time_ms) AS p95_ms
      FROM attempts WHERE ${where}
      GROUP BY 1 ORDER BY 1`,
    db().$queryRaw<{ code: string; count: bigint }[]>`
      SELECT CASE WHEN error_class = 'http_status' THEN 'http_' || response_code ELSE COALESCE(error_class, 'unknown') END AS code,
             count(*) AS count
      FROM attempts WHERE ${where} AND status = 'failed'
      GROUP BY 1 ORDER BY 2 DESC LIMIT 20`,
    db().$queryRaw<{ event: string; succeeded: bigint; failed: bigint }[]>`
      SELECT event_type AS event, count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
             count(*) FILTER (WHERE status = 'failed') AS failed
      FROM attempts WHERE ${where}
      GROUP BY 1 ORDER BY count(*) DESC LIMIT 20`,
  ]);

  const t = totals[0];
  const total = Number(t.total);
  const succeeded = Number(t.succeeded);
  const byBucket = new Map(series.map((r) => [r.bucket.getTime(), r]));
  const points = [];
  for (let at = start.getTime(); at < end.getTime(); at += bucketMs) {
    const r = byBucket.get(at);
    points.push({
      bucket: new Date(at).toISOString(),
      succeeded: Number(r?.succeeded ?? 0),
      failed: Number(r?.failed ?? 0),
      avg_response_ms: round(r?.avg_ms ?? null),
      p50_response_ms: round(r?.p50_ms ?? null),
      p95_response_ms: round(r?.p95_ms ?? null),
    });
  }
  return {
    window,
    from: start.toISOString(),
    to: end.toISOString(),
    total,
    succeeded,
    failed: total - succeeded,
    success_rate: total === 0 ? null : succeeded / total,
    avg_response_ms: round(t.avg_ms),
    p50_response_ms: round(t.p50_ms),
    p95_response_ms: round(t.p95_ms),
    series: points,
    errors: errors.map((e) => ({ code: e.code, count: Number(e.count) })),
    events: events.map((e) => ({ event: e.event, succeeded: Number(e.succeeded), failed: Number(e.failed) })),
  };
}
