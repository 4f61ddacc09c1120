// Drives one delivery from its first attempt to a final state: attempt, and while it stays
// pending sleep until its next attempt is due. Each step calls the delivery core through
// lib/engine/inngest-steps.ts, which also holds back an attempt that is not due yet (a duplicate
// announcement, the webhook's hourly rate limit) — the run only sleeps as it is told.
import { deliveryRequested, inngest } from "@/inngest/client";
import { attemptDeliveryWhenDue, type DeliveryStepResult } from "@/lib/engine/inngest-steps";

/**
 * Rounds (one attempt step and one sleep) per run; Inngest caps a run at 1000 steps. The
 * longest policy has 21 attempts, so only rate-limit postponements come near; a run that
 * reaches the cap ends, and the sweeper announces the delivery again when it is overdue.
 */
export const MAX_ROUNDS = 100;
/** Attempts in flight to one webhook across all runs (the embedded engine allows 16). */
export const PER_WEBHOOK_CONCURRENCY = 10;
/**
 * Runs started per webhook and minute. Inngest throttles are fixed per function, so this is a
 * ceiling for every webhook; a webhook's own `rate_limit_per_hour` is honoured per attempt.
 */
export const PER_WEBHOOK_RUNS_PER_MINUTE = 600;

export const deliverWebhook = inngest.createFunction(
  {
    id: "deliver-webhook",
    name: "Deliver a webhook",
    triggers: [deliveryRequested],
    concurrency: [{ key: "event.data.webhook_id", limit: PER_WEBHOOK_CONCURRENCY }],
    throttle: { key: "event.data.webhook_id", limit: PER_WEBHOOK_RUNS_PER_MINUTE, period: "1m", burst: 60 },
    // An attempt's HTTP failure is data (the retry policy handles it); these retries are for
    // our own failures, e.g. the database being unreachable.
    retries: 5,
  },
  async ({ event, step }) => {
    const deliveryId = event.data.delivery_id;
    let last: DeliveryStepResult | undefined;
    for (let round = 1; round <= MAX_ROUNDS; round++) {
      last = await step.run(`attempt-${round}`, () => attemptDeliveryWhenDue(deliveryId));
      if (last.state !== "pending" || !last.nextAttemptAt) return { deliveryId, rounds: round, ...last };
      await step.sleepUntil(`wait-${round}`, last.nextAttemptAt);
    }
    return { deliveryId, rounds: MAX_ROUNDS, ...last, handedOff: true };
  },
);
