// Once a day: delete delivery history older than the retention period (30 days), keeping
// dead letters and everything that belongs to them (lib/delivery/retention.ts).
import { cron } from "inngest";
import { inngest } from "@/inngest/client";
import { purgeOldHistory, retentionCutoff } from "@/lib/delivery/retention";

export const purgeHistory = inngest.createFunction(
  {
    id: "purge-old-history",
    name: "Purge old delivery history",
    triggers: [cron("TZ=UTC 17 3 * * *")],
    concurrency: 1,
    retries: 2,
  },
  // The cutoff is taken inside the step, so a retry the next hour does not use a stale one.
  async ({ step }) => step.run("purge-old-history", () => purgeOldHistory(retentionCutoff())),
);
