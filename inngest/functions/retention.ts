// Once a day: purge delivery history older than RETENTION_DAYS, keeping dead letters and
// everything that belongs to them, and keep the attempts' day partitions a week ahead
// (lib/delivery/retention.ts, lib/db/partitions.ts). One instance runs it at a time.
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
