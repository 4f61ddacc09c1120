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

-- Whether an earlier delivery of the same webhook and ordering key holds a keyed delivery back
-- (docs/engine.md, "Ordering keys"). A function, declared cheap, so that the claim's planner
-- costs `ordering_key IS NULL OR NOT held_back(…)` like the unkeyed claim it was: written
-- inline, the two subqueries' costs turned its index scan of due rows into a sequential scan.
-- It reads the webhook's `ordering` itself: a filter on the delivery alone keeps the plan's cached webhook lookup.
CREATE FUNCTION hookrelay_key_held_back(_webhook_id text, _key text, _seq bigint) RETURNS boolean
LANGUAGE plpgsql STABLE COST 1 AS $$
BEGIN
  RETURN EXISTS (
      SELECT FROM deliveries p
      WHERE p.webhook_id = _webhook_id AND p.ordering_key = _key AND p.order_seq < _seq AND p.status = 'pending')
    OR ((SELECT w.ordering FROM webhooks w WHERE w.id = _webhook_id) = 'halt' AND EXISTS (
      SELECT FROM deliveries p
      WHERE p.webhook_id = _webhook_id AND p.ordering_key = _key AND p.order_seq < _seq AND p.status = 'dead'
        AND NOT EXISTS (SELECT FROM dead_letters l WHERE l.delivery_id = p.id AND l.replayed_at IS NOT NULL)));
END
$$;
