-- The purge keeps an event while it has a dead letter, a pending delivery or a failed endpoint
-- check (lib/delivery/history-purge.ts). The first two are found through the dead letters and
-- the pending deliveries' partial index; this one finds the third. It holds only failed checks,
-- so it costs the delivery path nothing and a look into it next to nothing.
CREATE INDEX "deliveries_failed_check_event_id_idx" ON "deliveries"("event_id") WHERE "is_check" AND "status" <> 'succeeded';
