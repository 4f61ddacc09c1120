-- CreateTable
CREATE TABLE "attempt_rollups" (
    "webhook_id" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "hour" TIMESTAMP(3) NOT NULL,
    "status" "AttemptStatus" NOT NULL,
    "event_type" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "n" INTEGER NOT NULL,

    CONSTRAINT "attempt_rollups_pkey" PRIMARY KEY ("webhook_id","hour","status","event_type","code")
);

-- CreateTable
CREATE TABLE "response_time_rollups" (
    "webhook_id" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "hour" TIMESTAMP(3) NOT NULL,
    "ms_bucket" INTEGER NOT NULL,
    "n" INTEGER NOT NULL,
    "sum_ms" BIGINT NOT NULL,

    CONSTRAINT "response_time_rollups_pkey" PRIMARY KEY ("webhook_id","hour","ms_bucket")
);

-- CreateIndex
CREATE INDEX "attempt_rollups_account_id_hour_idx" ON "attempt_rollups"("account_id", "hour");

-- CreateIndex
CREATE INDEX "response_time_rollups_account_id_hour_idx" ON "response_time_rollups"("account_id", "hour");

-- AddForeignKey
ALTER TABLE "attempt_rollups" ADD CONSTRAINT "attempt_rollups_webhook_id_fkey" FOREIGN KEY ("webhook_id") REFERENCES "webhooks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "response_time_rollups" ADD CONSTRAINT "response_time_rollups_webhook_id_fkey" FOREIGN KEY ("webhook_id") REFERENCES "webhooks"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Backfill (added by hand): the rollups of the attempts stored in the last 8 days, so the 24 h
-- and 7 d stats of an existing installation do not start empty. The same statement the app
-- runs (rollUpAttemptsSql in lib/stats/attempt-rollups.ts), over each webhook's attempts
-- index; lib/stats/rollup-backfill.test.ts checks the stats it gives against the attempts.
WITH recent AS (
    SELECT a.webhook_id, a.account_id, a.created_at AT TIME ZONE 'UTC' AS at, a.status, a.event_type, a.error_class, a.response_code, a.response_time_ms
    FROM webhooks w
    CROSS JOIN LATERAL (
      SELECT * FROM attempts a
      WHERE a.webhook_id = w.id AND a.created_at >= date_trunc('hour', (now() AT TIME ZONE 'UTC') - interval '8 days')
    ) a
  ), rollup_input AS (
    SELECT webhook_id, account_id, date_trunc('hour', at AT TIME ZONE 'UTC') AS hour, status::text::"AttemptStatus" AS status,
           event_type, CASE WHEN status::text = 'failed'
    THEN COALESCE(CASE WHEN error_class = 'http_status' THEN 'http_' || response_code END, error_class, 'unknown')
    ELSE '' END AS code,
           response_time_ms, CASE WHEN response_time_ms < 128 THEN response_time_ms ELSE (response_time_ms >> width_bucket(response_time_ms, '{128,256,512,1024,2048,4096,8192,16384,32768,65536,131072,262144,524288,1048576,2097152,4194304,8388608,16777216,33554432,67108864,134217728,268435456,536870912,1073741824}'::int4[])) << width_bucket(response_time_ms, '{128,256,512,1024,2048,4096,8192,16384,32768,65536,131072,262144,524288,1048576,2097152,4194304,8388608,16777216,33554432,67108864,134217728,268435456,536870912,1073741824}'::int4[]) END AS ms_bucket
    FROM recent
  ), attempt_rollup_rows AS (
    INSERT INTO attempt_rollups AS r (webhook_id, account_id, hour, status, event_type, code, n)
    SELECT webhook_id, account_id, hour, status, event_type, code, count(*)
    FROM rollup_input
    GROUP BY webhook_id, account_id, hour, status, event_type, code
    ORDER BY webhook_id, hour, status, event_type, code
    ON CONFLICT (webhook_id, hour, status, event_type, code) DO UPDATE SET n = r.n + EXCLUDED.n
  ), response_time_rollup_rows AS (
    INSERT INTO response_time_rollups AS r (webhook_id, account_id, hour, ms_bucket, n, sum_ms)
    SELECT webhook_id, account_id, hour, ms_bucket, count(*), sum(response_time_ms)
    FROM rollup_input
    GROUP BY webhook_id, account_id, hour, ms_bucket
    ORDER BY webhook_id, hour, ms_bucket
    ON CONFLICT (webhook_id, hour, ms_bucket) DO UPDATE SET n = r.n + EXCLUDED.n, sum_ms = r.sum_ms + EXCLUDED.sum_ms
  )
SELECT 1;
