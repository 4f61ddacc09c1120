// Outbound deliveries as a dispatcher work source: claim due deliveries, honour the
// webhook's `rate_limit_per_hour` by postponing (never dropping), then run one attempt.
import { newId } from "@/lib/db/ids";
import { runAttempt } from "@/lib/delivery/attempt-delivery";
import { rateLimitedUntil } from "@/lib/delivery/rate-limit";
import { claimDueDeliveries, nextDueAt, releaseDeliveries, releaseDelivery, type DueDelivery } from "@/lib/delivery/due-delivery";
import type { WorkSource } from "@/lib/engine/dispatcher";

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
    // the attempts table alone let a backlog of 5 through a limit of 2. The attempts this
    // process had under way when this one was reserved (before the first await) count too.
    const underWay = limitedInFlight.get(due.webhookId) ?? new Map<string, number>();
    const ahead = new Map(underWay);
    const attemptId = newId("att");
    underWay.set(attemptId, Date.now());
    limitedInFlight.set(due.webhookId, underWay);
    try {
      const until = await rateLimitedUntil(due.webhookId, due.rateLimitPerHour, new Date(), ahead);
      if (until) return await releaseDelivery(due.id, owner, until);
      await runAttempt(due, owner, released, attemptId);
    } finally {
      underWay.delete(attemptId);
      if (underWay.size === 0 && limitedInFlight.get(due.webhookId) === underWay) limitedInFlight.delete(due.webhookId);
    }
  },
};

/** Rate-limited webhook id → its attempts under way in this process (attempt id → start, ms). */
const limitedInFlight = new Map<string, Map<string, number>>();
