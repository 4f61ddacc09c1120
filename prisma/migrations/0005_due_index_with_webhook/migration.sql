-- The claim's queue index carries the webhook id after the due time. A queue table's statistics
-- are usually gathered while nothing is pending; the planner then believes the queue is empty
-- and may serve a busy webhook's lookup from this index rather than the per-webhook one, and it
-- stepped over every other webhook's backlog row by row, reading each row from the table (11 ms
-- a claim beside one slow endpoint's 1 500-row backlog). With the webhook id in the index, that
-- lookup is matched in the index itself, whichever index the planner picks.
DROP INDEX "deliveries_status_next_attempt_at_idx";
CREATE INDEX "deliveries_next_attempt_at_webhook_id_idx" ON "deliveries"("next_attempt_at", "webhook_id") WHERE "status" = 'pending';
