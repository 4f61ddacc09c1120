// Hourly rollups of the recorded attempts. The 24 h and 7 d stats read these instead of every
// attempt of the window (at a million attempts that scan took 2.5 s). Two tables:
//
//   attempt_rollups        (webhook, hour, status, event type, error code) → n
//       counts, success rate, the error breakdown and the volume by event type;
//   response_time_rollups  (webhook, hour, response-time bucket) → n, sum of ms
//       the latency distribution: exact averages, and percentiles to within a bucket
//       (lib/stats/response-time-buckets.ts).
//
// Two tables rather than one with every column in its key: event types × error codes ×
// ~100 response-time buckets would multiply into far more rows than either has alone. Both
// carry account_id for the account-wide stats (/api/stats) and go with their webhook
// (ON DELETE CASCADE); retention (lib/delivery/retention.ts) drops hours older than 8 days.
//
// They are maintained by the statement that records attempts (RECORD_ATTEMPTS in
// lib/delivery/attempt-delivery.ts), from the same `kept` rows that become attempts, so they
// count exactly what is stored. Concurrent writers add to the same rows (a webhook's current
// hour); each insert takes its rows in key order, so two statements wait for each other
// instead of deadlocking.
import { responseTimeBucketSql } from "@/lib/stats/response-time-buckets";

/** How the stats name what went wrong: `http_503`, else the error class (`timeout`, …); '' for a success. */
export const ATTEMPT_CODE_SQL = `CASE WHEN status::text = 'failed'
    THEN COALESCE(CASE WHEN error_class = 'http_status' THEN 'http_' || response_code END, error_class, 'unknown')
    ELSE '' END`;

/**
 * Common table expressions that add the attempts of `source` to the rollups; they continue a
 * WITH list (the text starts with a comma). `source` names a relation with the columns of
 * RECORD_ATTEMPTS' `kept`: webhook_id, account_id, at (timestamptz), status, event_type,
 * error_class, response_code, response_time_ms. Each key must appear once per statement,
 * hence the GROUP BY.
 */
export function rollUpAttemptsSql(source: string): string {
  return `, rollup_input AS (
    SELECT webhook_id, account_id, date_trunc('hour', at AT TIME ZONE 'UTC') AS hour, status::text::"AttemptStatus" AS status,
           event_type, ${ATTEMPT_CODE_SQL} AS code,
           response_time_ms, ${responseTimeBucketSql("response_time_ms")} AS ms_bucket
    FROM ${source}
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
  )`;
}
