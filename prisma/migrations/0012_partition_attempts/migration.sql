-- Attempts become a table partitioned by day on created_at (UTC days), so retention drops a
-- whole day at once instead of deleting it row by row (lib/db/partitions.ts,
-- docs/operations.md). Prisma cannot express partitioning: this migration is written by hand.
--
-- The primary key must include the partition key, so it is (id, created_at). The default
-- partition holds what no day partition covers: the attempts retention keeps after their day
-- is dropped (those of dead letters and pending deliveries), and any row written when no
-- partition for its day exists yet (an instance started after weeks switched off).
ALTER TABLE "attempts" RENAME TO "attempts_unpartitioned";
ALTER TABLE "attempts_unpartitioned" RENAME CONSTRAINT "attempts_pkey" TO "attempts_unpartitioned_pkey";
ALTER TABLE "attempts_unpartitioned" RENAME CONSTRAINT "attempts_delivery_id_fkey" TO "attempts_unpartitioned_delivery_id_fkey";
ALTER INDEX "attempts_webhook_id_created_at_id_idx" RENAME TO "attempts_unpartitioned_webhook_id_created_at_id_idx";
ALTER INDEX "attempts_delivery_id_idx" RENAME TO "attempts_unpartitioned_delivery_id_idx";

CREATE TABLE "attempts" (
    "id" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "delivery_id" TEXT NOT NULL,
    "webhook_id" TEXT NOT NULL,
    "event_id" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "attempt_number" INTEGER NOT NULL,
    "status" "AttemptStatus" NOT NULL,
    "response_code" INTEGER,
    "response_time_ms" INTEGER NOT NULL,
    "error_class" TEXT,
    "error_message" TEXT,
    "request_headers" JSONB NOT NULL,
    "request_body" TEXT,
    "response_headers" JSONB,
    "response_body" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "check_item" TEXT,

    CONSTRAINT "attempts_pkey" PRIMARY KEY ("id", "created_at")
) PARTITION BY RANGE ("created_at");

CREATE INDEX "attempts_webhook_id_created_at_id_idx" ON "attempts"("webhook_id", "created_at" DESC, "id" DESC);
CREATE INDEX "attempts_delivery_id_idx" ON "attempts"("delivery_id");
ALTER TABLE "attempts" ADD CONSTRAINT "attempts_delivery_id_fkey" FOREIGN KEY ("delivery_id") REFERENCES "deliveries"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "attempts_default" PARTITION OF "attempts" DEFAULT;

-- Where the purge sets aside the attempts it keeps from a day it drops, between the drop and
-- their return to the default partition (lib/db/partitions.ts): in a table, so a crash in
-- between loses none of them.
CREATE TABLE "attempts_purge_staging" (LIKE "attempts");

-- One partition per UTC day from the oldest stored attempt within the default retention
-- (30 days) to a week ahead; older rows go to the default partition. The app's partition
-- maintenance keeps this up from here on, with the configured RETENTION_DAYS.
DO $$
DECLARE
  today date := (now() AT TIME ZONE 'UTC')::date;
  first date := GREATEST(today - 30, COALESCE((SELECT min("created_at")::date FROM "attempts_unpartitioned"), today));
  day date;
BEGIN
  FOR day IN SELECT generate_series(first, today + 7, interval '1 day')::date LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF "attempts" FOR VALUES FROM (%L) TO (%L)', 'attempts_p' || to_char(day, 'YYYYMMDD'), day, day + 1);
  END LOOP;
END $$;

INSERT INTO "attempts" SELECT * FROM "attempts_unpartitioned"; -- the same columns in the same order
DROP TABLE "attempts_unpartitioned";
