// History retention: delivery history older than the retention period is deleted once a day
// (by the Inngest cron in inngest/functions/retention.ts, or the embedded engine's timer).
// What fails is kept for review and replay: dead letters, their deliveries, their attempts and
// their events stay; so does anything still pending (a parked delivery, an inbound event
// waiting for a retry). The hourly stats rollups (lib/stats/attempt-rollups.ts) are kept only
// as long as the longest stats window needs them, plus a day. Raw SQL: the deletes go in
// bounded batches so a large backlog never holds one long transaction, and Prisma's
// deleteMany cannot limit.
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";

/** The stats rollups (lib/stats/attempt-rollups.ts), purged alike. */
const ROLLUP_TABLES = ["attempt_rollups", "response_time_rollups"] as const;

export const RETENTION_DAYS = 30;
/** The 7 d stats window plus a day's margin. */
export const ROLLUP_RETENTION_DAYS = 8;
/** Rows deleted per statement. */
const BATCH_SIZE = 5000;

export interface PurgeResult {
  attempts: number;
  events: number;
  inboundEvents: number;
  /** Rows of both rollup tables. */
  rollups: number;
}

/** The oldest moment still kept. */
export function retentionCutoff(now = new Date()): Date {
  return new Date(now.getTime() - RETENTION_DAYS * 24 * 3600 * 1000);
}

/** The oldest hour of stats rollups still kept. */
export function rollupCutoff(now = new Date()): Date {
  return new Date(now.getTime() - ROLLUP_RETENTION_DAYS * 24 * 3600 * 1000);
}

async function inBatches(batchSize: number, deleteBatch: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deleteBatch();
    total += deleted;
    if (deleted < batchSize) return total;
  }
}

/**
 * Deletes attempts, published events (with their deliveries) and processed inbound events
 * older than `olderThan`, keeping everything that belongs to a delivery that did not succeed,
 * and the stats rollups of hours before `rollupsOlderThan`.
 */
export async function purgeOldHistory(olderThan: Date, { batchSize = BATCH_SIZE, rollupsOlderThan = rollupCutoff() } = {}): Promise<PurgeResult> {
  const attempts = await inBatches(
    batchSize,
    () => db().$executeRaw`
      DELETE FROM attempts
      WHERE id IN (
        SELECT a.id FROM attempts a
        JOIN deliveries d ON d.id = a.delivery_id
        WHERE a.created_at < ${olderThan} AND d.status = 'succeeded'
        LIMIT ${batchSize})`,
  );
  // An event goes only when every delivery of it succeeded (or it had none); its deliveries
  // and any attempts left of them go with it (ON DELETE CASCADE).
  const events = await inBatches(
    batchSize,
    () => db().$executeRaw`
      DELETE FROM events
      WHERE id IN (
        SELECT e.id FROM events e
        WHERE e.created_at < ${olderThan}
          AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.status <> 'succeeded')
        LIMIT ${batchSize})`,
  );
  const inboundEvents = await inBatches(
    batchSize,
    () => db().$executeRaw`
      DELETE FROM inbound_events
      WHERE id IN (
        SELECT id FROM inbound_events
        WHERE received_at < ${olderThan} AND status = 'processed'
        LIMIT ${batchSize})`,
  );
  // No index leads with the hour: each batch walks the (account_id, hour) index once per account.
  let rollups = 0;
  for (const table of ROLLUP_TABLES) {
    rollups += await inBatches(
      batchSize,
      () => db().$executeRaw`
        DELETE FROM ${Prisma.raw(table)}
        WHERE ctid = ANY(ARRAY(
          SELECT r.ctid FROM accounts a
          CROSS JOIN LATERAL (SELECT ctid FROM ${Prisma.raw(table)} r WHERE r.account_id = a.id AND r.hour < ${rollupsOlderThan} LIMIT ${batchSize}) r
          LIMIT ${batchSize}))`,
    );
  }
  return { attempts, events, inboundEvents, rollups };
}
