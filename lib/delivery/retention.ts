// History retention: delivery history older than RETENTION_DAYS is purged once a day (by the
// Inngest cron in inngest/functions/retention.ts, or the embedded engine's timer), by one
// instance at a time (the partition maintenance lock, lib/db/partitions.ts), a whole UTC day
// at a time: for each day older than the cutoff, its events with their deliveries and those
// deliveries' attempts recorded on other days (lib/delivery/history-purge.ts), then the day's
// partition of attempts whole (docs/operations.md, "History and retention").
// What fails is kept for review and replay: dead letters, their deliveries, their attempts and
// their events stay; so does anything still pending (a parked delivery, an inbound event
// waiting for a retry). The hourly stats rollups (lib/stats/attempt-rollups.ts) are kept only as
// long as the longest stats window needs them, plus a day. Raw SQL on the connection that holds
// the maintenance lock: the deletes go in bounded batches so a large backlog never holds one
// long transaction, and Prisma's deleteMany cannot limit.
import { Client, type ClientBase } from "pg";
import { config } from "@/lib/config";
import { databaseUrl } from "@/lib/db/client";
import { attemptPartitions, DAY_MS, dropAttemptPartition, maintainAttemptPartitions, utcDay, withMaintenanceLock, type PartitionMaintenance } from "@/lib/db/partitions";
import { addDeleted, deleteHistory, noHistoryDeleted, type DeletedHistory } from "@/lib/delivery/history-purge";

/** The stats rollups (lib/stats/attempt-rollups.ts), purged alike. */
const ROLLUP_TABLES = ["attempt_rollups", "response_time_rollups"] as const;

/** The 7 d stats window plus a day's margin. */
export const ROLLUP_RETENTION_DAYS = 8;
/** Rows deleted per statement. */
const BATCH_SIZE = 5000;
/**
 * Connections deleting a day's history at once: on two cores, a day purges in about half the
 * time of one (bench/README.md, "Session 16"). More would take the cores from the deliveries
 * being made meanwhile.
 */
const HISTORY_CONNECTIONS = 2;

export interface PurgeResult {
  /** False when another instance was purging: this run did nothing. */
  ran: boolean;
  /** Day partitions of attempts created (lib/db/partitions.ts). */
  partitions: PartitionMaintenance;
  /** Day partitions of attempts dropped whole, and the attempts kept from them. */
  dropped: { names: string[]; keptAttempts: number };
  /** Attempts deleted row by row: of deleted deliveries, recorded outside the days dropped, and the default partition's. */
  attempts: number;
  events: number;
  deliveries: number;
  inboundEvents: number;
  /** Rows of both rollup tables. */
  rollups: number;
  /** How long its parts took: events, deliveries and their attempts; the partition drops; the rest. */
  ms: { history: number; drops: number; rest: number };
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
 * Purges the whole UTC days of history before `olderThan`, keeping everything that belongs to
 * a delivery that did not succeed, and the stats rollups of hours before `rollupsOlderThan`.
 * Runs only if no other instance is purging; otherwise returns at once with `ran: false`.
 */
export async function purgeOldHistory(olderThan: Date, options: { batchSize?: number; rollupsOlderThan?: Date; now?: Date } = {}): Promise<PurgeResult> {
  // The maintenance lock belongs to this connection's session.
  const client = await purgeConnection();
  try {
    const result = await withMaintenanceLock(client, async () => {
      const partitions = await maintainAttemptPartitions(client, { now: options.now });
      const { ms, ...days } = await purgeWholeDays(client, utcDay(olderThan), options.batchSize ?? BATCH_SIZE);
      const started = performance.now();
      const { defaultAttempts, ...other } = await deleteOtherOldRows(client, olderThan, options);
      ms.rest = Math.round(performance.now() - started);
      return { ran: true, partitions, ...days, attempts: days.attempts + defaultAttempts, ...other, ms };
    });
    return (
      result ?? {
        ran: false,
        partitions: { created: [], movedFromDefault: 0, keptAttempts: 0 },
        dropped: { names: [], keptAttempts: 0 },
        ...noHistoryDeleted(),
        inboundEvents: 0,
        rollups: 0,
        ms: { history: 0, drops: 0, rest: 0 },
      }
    );
  } finally {
    // Should the unlock have failed, the session's end releases the lock.
    await client.end();
  }
}

/** Names the purge's sessions in `pg_stat_activity`. */
export const PURGE_APPLICATION_NAME = "hookrelay-purge";

/**
 * A connection of the purge's own, outside the pool, closed when the purge ends. Its commits do
 * not wait for the WAL to reach the disk: a purge lost in a crash is redone by the next run,
 * and the next commit that waits (the day's drop does, as it removes files) makes everything
 * before it durable. The pool's connections, which record deliveries, keep waiting.
 */
export async function purgeConnection(): Promise<Client> {
  const client = new Client({
    connectionString: databaseUrl(),
    application_name: PURGE_APPLICATION_NAME,
    options: "-c synchronous_commit=off",
  });
  // A connection that breaks fails the statement running on it; the event must not end the process.
  client.on("error", () => {});
  await client.connect();
  return client;
}

/**
 * Day by day up to `end` (a UTC midnight): the events of each day that has a partition of
 * attempts (with their deliveries, and those deliveries' attempts of other days), then the
 * partition whole; then whatever else was created before `end`: days without a partition, and
 * what earlier runs kept that may go now (a dead letter replayed, a parked delivery delivered).
 */
async function purgeWholeDays(client: ClientBase, end: Date, batchSize: number) {
  const deleted: DeletedHistory = noHistoryDeleted();
  const dropped = { names: [] as string[], keptAttempts: 0 };
  const ms = { history: 0, drops: 0, rest: 0 };
  const timed = async <T>(part: "history" | "drops", work: () => Promise<T>) => {
    const started = performance.now();
    const result = await work();
    ms[part] += Math.round(performance.now() - started);
    return result;
  };
  for (const { name, day } of await attemptPartitions(client)) {
    const dayEnd = new Date(day.getTime() + DAY_MS);
    if (dayEnd > end) break;
    const range = { from: day, to: dayEnd, skipDay: { from: day, to: dayEnd }, batchSize };
    addDeleted(deleted, await timed("history", () => withMoreClients(client, HISTORY_CONNECTIONS - 1, (clients) => deleteHistory(clients, range))));
    dropped.keptAttempts += await timed("drops", () => dropAttemptPartition(client, name));
    dropped.names.push(name);
  }
  addDeleted(deleted, await timed("history", () => deleteHistory([client], { from: new Date(0), to: end, batchSize })));
  return { dropped, ...deleted, ms };
}

/** `client` and `more` purge connections, for `work`. */
async function withMoreClients<T>(client: ClientBase, more: number, work: (clients: ClientBase[]) => Promise<T>): Promise<T> {
  const others: Client[] = [];
  try {
    for (let i = 0; i < more; i++) others.push(await purgeConnection());
    return await work([client, ...others]);
  } finally {
    await Promise.all(others.map((other) => other.end()));
  }
}

/**
 * Deletes the attempts of succeeded deliveries left in the default partition (kept while their
 * delivery was pending or dead, or written before their day had a partition), processed inbound
 * events older than `olderThan`, and the stats rollups of hours before `rollupsOlderThan`.
 */
async function deleteOtherOldRows(client: ClientBase, olderThan: Date, { batchSize = BATCH_SIZE, rollupsOlderThan = rollupCutoff() } = {}) {
  const deleteAll = (text: string, cutoff: Date) =>
    inBatches(batchSize, async () => (await client.query(text, [cutoff, batchSize])).rowCount ?? 0);
  const attempts = await deleteAll(
    `DELETE FROM attempts_default
     WHERE id IN (
       SELECT a.id FROM attempts_default a
       JOIN deliveries d ON d.id = a.delivery_id
       WHERE a.created_at < $1::timestamptz AT TIME ZONE 'UTC' AND d.status = 'succeeded'
       LIMIT $2)`,
    olderThan,
  );
  const inboundEvents = await deleteAll(
    `DELETE FROM inbound_events
     WHERE id IN (
       SELECT id FROM inbound_events
       WHERE received_at < $1::timestamptz AT TIME ZONE 'UTC' AND status = 'processed'
       LIMIT $2)`,
    olderThan,
  );
  // No index leads with the hour: each batch walks the (account_id, hour) index once per account.
  let rollups = 0;
  for (const table of ROLLUP_TABLES) {
    rollups += await deleteAll(
      `DELETE FROM ${table}
       WHERE ctid = ANY(ARRAY(
         SELECT r.ctid FROM accounts a
         CROSS JOIN LATERAL (SELECT ctid FROM ${table} r WHERE r.account_id = a.id AND r.hour < $1::timestamptz AT TIME ZONE 'UTC' LIMIT $2) r
         LIMIT $2))`,
      rollupsOlderThan,
    );
  }
  return { defaultAttempts: attempts, inboundEvents, rollups };
}
