-- AlterTable
ALTER TABLE "webhooks" ADD COLUMN     "ordering" TEXT NOT NULL DEFAULT 'skip_dead';

-- AlterTable
ALTER TABLE "deliveries" ADD COLUMN     "order_seq" BIGSERIAL NOT NULL,
ADD COLUMN     "ordering_key" TEXT;


-- The claim's "earlier pending delivery of the same webhook and key" probe (docs/engine.md,
-- "Ordering keys"); keyed rows only, so unkeyed work never touches it. Prisma cannot express partial indexes.
CREATE INDEX "deliveries_keyed_pending_idx" ON "deliveries" ("webhook_id", "ordering_key", "order_seq") WHERE "ordering_key" IS NOT NULL AND "status" = 'pending';

-- `ordering: halt`: an earlier dead delivery of the key that no replay has taken over blocks it.
CREATE INDEX "deliveries_keyed_dead_idx" ON "deliveries" ("webhook_id", "ordering_key", "order_seq") WHERE "ordering_key" IS NOT NULL AND "status" = 'dead';
