// The operators' account list: every account with its webhooks, users, 24 h delivery success
// and the dead letters waiting for a replay, in one query.
import { db } from "@/lib/db/client";
import { toAccountJson } from "@/lib/accounts/accounts";

const HOUR_MS = 3_600_000;

interface SummaryRow {
  id: string;
  name: string;
  portal_branding: unknown;
  disabled_at: Date | null;
  created_at: Date;
  webhooks: bigint;
  users: bigint;
  attempts_24h: bigint | null;
  succeeded_24h: bigint | null;
  dead_letters: bigint;
}

/**
 * The 24 h figures read the hourly attempt rollups of the last 24 whole hours (as the 24 h
 * stats window does), so the cost grows with accounts × hours, not with attempts. Raw: per-account
 * aggregates in LATERAL subqueries, which Prisma cannot express; the dead-letter count reads the
 * partial index of waiting dead letters (migration 0008).
 */
export async function listAccountSummaries(now = new Date()) {
  const end = new Date(Math.ceil(now.getTime() / HOUR_MS) * HOUR_MS);
  const start = new Date(end.getTime() - 24 * HOUR_MS);
  const rows = await db().$queryRaw<SummaryRow[]>`
    SELECT a.id, a.name, a.portal_branding, a.disabled_at, a.created_at,
           (SELECT count(*) FROM webhooks w WHERE w.account_id = a.id) AS webhooks,
           (SELECT count(*) FROM users u WHERE u.account_id = a.id) AS users,
           day.total AS attempts_24h, day.succeeded AS succeeded_24h,
           (SELECT count(*) FROM dead_letters d WHERE d.account_id = a.id AND d.replayed_at IS NULL) AS dead_letters
    FROM accounts a
    CROSS JOIN LATERAL (
      SELECT sum(r.n) AS total, sum(r.n) FILTER (WHERE r.status = 'succeeded') AS succeeded
      FROM attempt_rollups r
      WHERE r.account_id = a.id
        AND r.hour >= ${start.toISOString()}::timestamptz AT TIME ZONE 'UTC' AND r.hour < ${end.toISOString()}::timestamptz AT TIME ZONE 'UTC'
    ) day
    ORDER BY a.created_at, a.id`;
  return rows.map((r) => {
    const attempts = Number(r.attempts_24h ?? 0);
    const succeeded = Number(r.succeeded_24h ?? 0);
    return {
      ...toAccountJson({ id: r.id, name: r.name, portalBranding: r.portal_branding as never, disabledAt: r.disabled_at, createdAt: r.created_at }),
      webhooks: Number(r.webhooks),
      users: Number(r.users),
      attempts_24h: attempts,
      success_rate_24h: attempts === 0 ? null : succeeded / attempts,
      dead_letters: Number(r.dead_letters),
    };
  });
}
