// Delivery health of every webhook of an account, for the webhook list and the dashboard:
// success rate and latency over the last 24 h, the last attempt, the current failing streak
// and the dead letters waiting for a replay. One SQL query (lateral joins that walk the
// attempts index per webhook) instead of one query per webhook.
import { db } from "@/lib/db/client";

export type WebhookHealthStatus = "active" | "disabled" | "failing";

interface HealthRow {
  id: string;
  name: string;
  url: string;
  is_active: boolean;
  disabled_reason: string | null;
  failing_since: Date | null;
  total_24h: bigint;
  succeeded_24h: bigint;
  avg_ms_24h: number | null;
  p95_ms_24h: number | null;
  last_attempt_at: Date | null;
  last_status: "succeeded" | "failed" | null;
  last_response_code: number | null;
  failing_streak: bigint;
  dead_letters: bigint;
}

const DAY_MS = 24 * 3600 * 1000;

export async function webhookHealth(accountId: string, now = new Date()) {
  const since = new Date(now.getTime() - DAY_MS);
  // Raw: per-webhook aggregates with LATERAL joins and percentile_cont, which Prisma cannot express.
  // The failing streak counts the failed attempts since the webhook started failing
  // (failing_since) that are newer than its last success; a healthy webhook has none. An
  // endpoint check's attempts (check_item) are not deliveries and count nowhere here.
  const rows = await db().$queryRaw<HealthRow[]>`
    SELECT w.id, w.name, w.url, w.is_active, w.disabled_reason, w.failing_since,
           day.total AS total_24h, day.succeeded AS succeeded_24h, day.avg_ms AS avg_ms_24h, day.p95_ms AS p95_ms_24h,
           last.created_at AS last_attempt_at, last.status::text AS last_status, last.response_code AS last_response_code,
           COALESCE(streak.failed, 0) AS failing_streak,
           dead.count AS dead_letters
    FROM webhooks w
    CROSS JOIN LATERAL (
      SELECT count(*) AS total, count(*) FILTER (WHERE a.status = 'succeeded') AS succeeded,
             avg(a.response_time_ms)::float8 AS avg_ms,
             percentile_cont(0.95) WITHIN GROUP (ORDER BY a.response_time_ms) AS p95_ms
      FROM attempts a WHERE a.webhook_id = w.id AND a.created_at >= ${since} AND a.created_at <= ${now} AND a.check_item IS NULL
    ) day
    LEFT JOIN LATERAL (
      SELECT a.created_at, a.status, a.response_code FROM attempts a
      WHERE a.webhook_id = w.id AND a.check_item IS NULL ORDER BY a.created_at DESC, a.id DESC LIMIT 1
    ) last ON true
    LEFT JOIN LATERAL (
      SELECT count(*) FILTER (
               WHERE a.status = 'failed'
                 AND a.created_at > COALESCE((SELECT max(s.created_at) FROM attempts s
                                              WHERE s.webhook_id = w.id AND s.status = 'succeeded' AND s.created_at >= w.failing_since AND s.check_item IS NULL), '-infinity')
             ) AS failed
      FROM attempts a WHERE w.failing_since IS NOT NULL AND a.webhook_id = w.id AND a.created_at >= w.failing_since AND a.check_item IS NULL
    ) streak ON true
    CROSS JOIN LATERAL (
      SELECT count(*) AS count FROM dead_letters d WHERE d.webhook_id = w.id AND d.replayed_at IS NULL
    ) dead
    WHERE w.account_id = ${accountId}
    ORDER BY w.id DESC`;

  return rows.map((r) => {
    const total = Number(r.total_24h);
    const succeeded = Number(r.succeeded_24h);
    const streak = Number(r.failing_streak);
    const status: WebhookHealthStatus = !r.is_active ? "disabled" : r.failing_since || streak > 0 ? "failing" : "active";
    return {
      webhook_id: r.id,
      name: r.name,
      url: r.url,
      status,
      is_active: r.is_active,
      disabled_reason: r.disabled_reason,
      failing_since: r.failing_since?.toISOString() ?? null,
      failing_streak: streak,
      total_24h: total,
      succeeded_24h: succeeded,
      failed_24h: total - succeeded,
      success_rate_24h: total === 0 ? null : succeeded / total,
      avg_response_ms_24h: r.avg_ms_24h === null ? null : Math.round(Number(r.avg_ms_24h)),
      p95_response_ms_24h: r.p95_ms_24h === null ? null : Math.round(Number(r.p95_ms_24h)),
      last_attempt_at: r.last_attempt_at?.toISOString() ?? null,
      last_status: r.last_status,
      last_response_code: r.last_response_code,
      dead_letters: Number(r.dead_letters),
    };
  });
}

export type WebhookHealth = Awaited<ReturnType<typeof webhookHealth>>[number];
