// lib/engine owns *when* work runs, around the one delivery core (DESIGN.md: DELIVERY_ENGINE;
// docs/engine.md). `embedded`: this file starts the in-process dispatcher (dispatcher.ts) over
// the work sources (delivery-work.ts, inbound-work.ts), woken by NOTIFY (work-channel.ts), and
// purges old history daily. `inngest`: Inngest drives the functions in inngest/functions/, told
// of work by announce.ts, each step deciding through inngest-steps.ts.
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
  // Inngest runs the purge as a cron (inngest/functions/retention.ts); here a timer does. Of
  // several instances, one purges at a time (an advisory lock); the others skip that run.
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
