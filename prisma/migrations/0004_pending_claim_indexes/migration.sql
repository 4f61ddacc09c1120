-- The claim's two indexes hold only pending deliveries (partial indexes; schema.prisma cannot
-- say so, its @@index lines name the same columns). A delivery's final update then no longer
-- adds entries to them — most of the cost of recording an attempt was index maintenance —
-- and they stay the size of the queue, not of the whole delivery history.
DROP INDEX "deliveries_status_next_attempt_at_idx";
CREATE INDEX "deliveries_status_next_attempt_at_idx" ON "deliveries"("status", "next_attempt_at") WHERE "status" = 'pending';

DROP INDEX "deliveries_webhook_id_status_next_attempt_at_idx";
CREATE INDEX "deliveries_webhook_id_status_next_attempt_at_idx" ON "deliveries"("webhook_id", "status", "next_attempt_at") WHERE "status" = 'pending';
