// Outbound deliveries as a dispatcher work source: claim due deliveries, honour the
// webhook's `rate_limit_per_hour` by postponing (never dropping), then run one attempt.
import { db } from "@/lib/db/client";
import { runAttempt } from "@/lib/delivery/attempt-delivery";
import { claimDueDeliveries, nextDueAt, releaseDelivery, type DueDelivery } from "@/lib/delivery/due-delivery";
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
  nextDueAt,
  async run(due, owner) {
    if (due.rateLimitPerHour) {
      const until = await rateLimitedUntil(due.webhookId, due.rateLimitPerHour);
      if (until) return releaseDelivery(due.id, owner, until);
    }
    await runAttempt(due, owner);
  },
};
