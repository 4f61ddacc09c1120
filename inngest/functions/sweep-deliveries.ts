// Every minute: announce again the due work no run drives — deliveries and inbound events
// committed to the database whose `inngest.send` never happened (a crash in between, Inngest
// unreachable), or whose run gave up. The safety net behind at-least-once delivery.
import { cron } from "inngest";
import { sendToInngest } from "@/inngest/announce-to-inngest";
import { inngest } from "@/inngest/client";
import { reannounceStrandedWork } from "@/lib/engine/announce";

export const sweepDeliveries = inngest.createFunction(
  {
    id: "sweep-deliveries",
    name: "Re-announce stranded deliveries",
    triggers: [cron("* * * * *")],
    // One sweep at a time; a slow one is not overtaken by the next minute's.
    concurrency: 1,
    retries: 1,
  },
  async ({ step }) => step.run("reannounce-stranded-work", () => reannounceStrandedWork(sendToInngest)),
);
