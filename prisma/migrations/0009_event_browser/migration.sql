-- The event browser (lib/events/event-browser.ts, docs/event-browser.md): pages of an
-- account's events newest first, by (created_at, id); the type filter has its own range; the
-- `failed` filter goes through the dead letters (an event has a dead delivery exactly when it
-- has a dead letter). Forwarded events name the inbound event they came from.
-- DropIndex
DROP INDEX "events_account_id_created_at_idx";

-- AlterTable
ALTER TABLE "events" ADD COLUMN     "source_inbound_event_id" TEXT,
ADD COLUMN     "source_integration_id" TEXT;

-- CreateIndex
CREATE INDEX "events_account_id_created_at_id_idx" ON "events"("account_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "events_account_id_type_created_at_id_idx" ON "events"("account_id", "type", "created_at", "id");

-- CreateIndex: partial (schema.prisma cannot say so): only forwarded events have a source.
CREATE INDEX "events_source_inbound_event_id_idx" ON "events"("source_inbound_event_id") WHERE "source_inbound_event_id" IS NOT NULL;

-- CreateIndex
CREATE INDEX "dead_letters_account_id_event_id_idx" ON "dead_letters"("account_id", "event_id");
