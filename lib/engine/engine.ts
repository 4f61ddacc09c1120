// The two delivery engines around the one delivery core (DESIGN.md: DELIVERY_ENGINE).
//
// `embedded` runs the in-process dispatcher over the Postgres tables: a NOTIFY in the
// publishing transaction wakes it, and it purges old history once a day. `inngest` leaves the
// driving to Inngest, which calls the functions served at /api/inngest; work is announced to
// it with `inngest.send` after the database commit, and a sweeper (inngest/functions/
// sweep-deliveries.ts) re-announces what a crash between the commit and the send left behind.
//
// Both engines only decide *when* to call the core (attemptDelivery, processInboundEvent):
// announcing work to Inngest is in announce.ts, one Inngest step's decision in inngest-steps.ts.
import { config } from "@/lib/config";
import { deliveryWork } from "@/lib/engine/delivery-work";
import { createDispatcher } from "@/lib/engine/dispatcher";
import { purgeOldHistory, retentionCutoff } from "@/lib/delivery/retention";
import { inboundWork } from "@/lib/engine/inbound-work";
import { log } from "@/lib/log";

export interface RunningEngine {
  stop(): Promise<void>;
}

const DAY_MS = 24 * 3600 * 1000;
/** The embedded engine's first purge runs this long after start, out of the way of start-up. */
const FIRST_PURGE_DELAY_MS = 5 * 60 * 1000;

export async function startDeliveryEngine(): Promise<RunningEngine> {
  if (config().deliveryEngine !== "embedded") return { stop: async () => {} };
  const { deliveryConcurrency, deliveryConcurrencyPerWebhook } = config();
  const dispatcher = createDispatcher([deliveryWork, inboundWork], { concurrency: deliveryConcurrency, perGroupConcurrency: deliveryConcurrencyPerWebhook });
  await dispatcher.start();
  // Inngest runs the purge as a cron (inngest/functions/retention.ts); here a timer does. Two
  // instances purging at once only delete the same rows.
  const purge = () =>
    purgeOldHistory(retentionCutoff()).catch((error) => log().warn({ err: error }, "purging old delivery history failed; will try again tomorrow"));
  let timer = setTimeout(function again() {
    void purge();
    timer = setTimeout(again, DAY_MS).unref();
  }, FIRST_PURGE_DELAY_MS).unref();
  return {
    async stop() {
      clearTimeout(timer);
      await dispatcher.stop();
    },
  };
}
