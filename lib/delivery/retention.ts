// History retention: delivery history older than RETENTION_DAYS is purged once a day (by the
// Inngest cron in inngest/functions/retention.ts, or the embedded engine's timer), by one
// instance at a time (the partition maintenance lock, lib/db/partitions.ts).
// What fails is kept for review and replay: dead letters, their deliveries, their attempts and
// their events stay; so does anything still pending (a parked delivery, an inbound event
// waiting for a retry). Attempts go a whole day partition at a time, the kept ones copied out
// first; the rest goes by batched deletes. The hourly stats rollups (lib/stats/attempt-rollups.ts)
// are kept only as long as the longest stats window needs them, plus a day. Raw SQL: the deletes
// go in bounded batches so a large backlog never holds one long transaction, and Prisma's
// deleteMany cannot limit.
import { config } from "@/lib/config";
import { db, sql } from "@/lib/db/client";
import { maintainAttemptPartitions, withMaintenanceLock, type PartitionMaintenance } from "@/lib/db/partitions";
import { Prisma } from "@/lib/generated/prisma/client";

/** The stats rollups (lib/stats/attempt-rollups.ts), purged alike. */
const ROLLUP_TABLES = ["attempt_rollups", "response_time_rollups"] as const;

/** The 7 d stats window plus a day's margin. */
export const ROLLUP_RETENTION_DAYS = 8;
/** Rows deleted per statement. */
const BATCH_SIZE = 5000;

export interface PurgeResult {
  /** False when another instance was purging: this run did nothing. */
  ran: boolean;
  /** Day partitions of attempts dropped and created (lib/db/partitions.ts). */
  partitions: PartitionMaintenance;
  /** Attempts deleted row by row: those of the default partition (see lib/db/partitions.ts). */
  attempts: number;
  events: number;
  inboundEvents: number;
  /** Rows of both rollup tables. */
  rollups: number;
}

/** The oldest moment still kept: RETENTION_DAYS ago. */
export function retentionCutoff(now = new Date(), days = config().retentionDays): Date {
  return new Date(now.getTime() - days * 24 * 3600 * 1000);
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
 * Purges history older than `olderThan`, keeping everything that belongs to a delivery that
 * did not succeed, and the stats rollups of hours before `rollupsOlderThan`. Runs only if no
 * other instance is purging; otherwise returns at once with `ran: false`.
 */
export async function purgeOldHistory(olderThan: Date, options: { batchSize?: number; rollupsOlderThan?: Date; now?: Date } = {}): Promise<PurgeResult> {
  // A connection of its own: the maintenance lock belongs to its session.
  const client = await sql().connect();
  try {
    const result = await withMaintenanceLock(client, async () => {
      const partitions = await maintainAttemptPartitions(client, { now: options.now, olderThan });
      return { ran: true, partitions, ...(await deleteOldRows(olderThan, options)) };
    });
    return result ?? { ran: false, partitions: { created: [], dropped: [], movedFromDefault: 0, keptAttempts: 0 }, attempts: 0, events: 0, inboundEvents: 0, rollups: 0 };
  } finally {
    // Not back to the pool: should the unlock have failed, the session's end releases the lock.
    client.release(true);
  }
}

/**
 * Deletes the old attempts of the default partition (day partitions go whole, above), published
 * events (with their deliveries) and processed inbound events older than `olderThan`, and the
 * stats rollups of hours before `rollupsOlderThan`.
 */
async function deleteOldRows(olderThan: Date, { batchSize = BATCH_SIZE, rollupsOlderThan = rollupCutoff() } = {}) {
  const attempts = await inBatches(
    batchSize,
    () => db().$executeRaw`
      DELETE FROM attempts_default
      WHERE id IN (
        SELECT a.id FROM attempts_default a
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
