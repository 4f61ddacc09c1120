// Outbound deliveries as a dispatcher work source: claim due deliveries, honour the
// webhook's `rate_limit_per_hour` by postponing (never dropping), then run one attempt.
import { db } from "@/lib/db/client";
import { runAttempt } from "@/lib/delivery/attempt-delivery";
import { claimDueDeliveries, nextDueAt, releaseDeliveries, releaseDelivery, type DueDelivery } from "@/lib/delivery/due-delivery";
import type { WorkSource } from "@/lib/delivery/dispatcher";

const HOUR_MS = 3_600_000;

/** When the webhook may be called again if it has used its hourly allowance, else null. */
export async function rateLimitedUntil(webhookId: string, perHour: number, now = new Date()): Promise<Date | null> {
  // Raw: the count must stop at the limit, not scan the whole hour of a busy webhook.
  const rows = await db().$queryRaw<{ created_at: Date }[]>`
    SELECT created_at FROM attempts
    WHERE webhook_id = ${webhookId} AND created_at > ${new Date(now.getTime() - HOUR_MS)}
    ORDER BY created_at DESC
    LIMIT 1 OFFSET ${perHour - 1}`;
  return rows[0] ? new Date(rows[0].created_at.getTime() + HOUR_MS) : null;
}

export const deliveryWork: WorkSource<DueDelivery> = {
  name: "delivery",
  claim: claimDueDeliveries,
  group: (due) => due.webhookId,
  release: (due, owner) => releaseDelivery(due.id, owner),
  releaseMany: (dues, owner) => releaseDeliveries(dues.map((d) => d.id), owner),
  nextDueAt,
  async run(due, owner, released) {
    if (!due.rateLimitPerHour) return void (await runAttempt(due, owner, released));
    // A claimed batch runs concurrently and its attempts are recorded only when they end, so
    // the attempts table alone let a backlog of 5 through a limit of 2. Attempts this process
    // has under way for the webhook count too (reserved before the first await).
    const ahead = limitedInFlight.get(due.webhookId) ?? 0;
    limitedInFlight.set(due.webhookId, ahead + 1);
    try {
      const until = ahead >= due.rateLimitPerHour ? new Date(Date.now() + HOUR_MS) : await rateLimitedUntil(due.webhookId, due.rateLimitPerHour - ahead);
      if (until) return await releaseDelivery(due.id, owner, until);
      await runAttempt(due, owner, released);
    } finally {
      const left = (limitedInFlight.get(due.webhookId) ?? 1) - 1;
      if (left > 0) limitedInFlight.set(due.webhookId, left);
      else limitedInFlight.delete(due.webhookId);
    }
  },
};

/** Rate-limited webhook id → its attempts under way in this process. */
const limitedInFlight = new Map<string, number>();
