// Partition maintenance for the attempts table, partitioned by UTC day on created_at
// (migration 0012). Retention drops a whole day at once instead of deleting it row by row;
// docs/operations.md says what is kept and why the locks are what they are.
//
// - `attempts_pYYYYMMDD` holds one UTC day. Days are created a week ahead.
// - `attempts_default` holds what no day covers: the attempts retention keeps after their day
//   is dropped (of dead letters and pending deliveries; `attempts_purge_staging` holds them in
//   between), and any row written for a day that has no partition yet (after weeks switched
//   off). Creating that day moves them out.
// Dropping old days is the purge's (lib/delivery/retention.ts).
// Every step is its own short transaction, with a lock timeout so a busy table makes it give
// up (and try again on the next run) rather than queue everyone behind it.
import { Client, type ClientBase } from "pg";

export const DAY_MS = 24 * 3600 * 1000;
/** Days created ahead of today: maintenance runs daily, so a week leaves room for missed runs. */
export const PARTITION_DAYS_AHEAD = 7;
/** How long one step waits for its table locks before giving up until the next run. */
const LOCK_TIMEOUT = "3s";
// Any constant works; it only has to be the same for every Hookrelay process.
const MAINTENANCE_LOCK_KEY = 724_311_987;
const NAME = /^attempts_p(\d{4})(\d{2})(\d{2})$/;

/** The UTC day (midnight) that `at` falls in. */
export function utcDay(at: Date): Date {
  return new Date(Math.floor(at.getTime() / DAY_MS) * DAY_MS);
}

export function attemptPartitionName(day: Date): string {
  return `attempts_p${day.toISOString().slice(0, 10).replaceAll("-", "")}`;
}

/** The day partitions that exist, oldest first, by their UTC day. */
export async function attemptPartitions(client: ClientBase): Promise<{ name: string; day: Date }[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT c.relname::text AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'attempts'::regclass`,
  );
  return rows
    .flatMap(({ name }) => {
      const m = NAME.exec(name);
      return m ? [{ name, day: new Date(`${m[1]}-${m[2]}-${m[3]}T00:00:00Z`) }] : [];
    })
    .sort((a, b) => a.day.getTime() - b.day.getTime());
}

async function inTransaction<T>(client: ClientBase, work: () => Promise<T>): Promise<T> {
  await client.query("BEGIN");
  try {
    await client.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
    const result = await work();
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  }
}

/**
 * Creates the partition of one day, moving into it any row the default partition caught for
 * that day. Built apart and attached: ATTACH locks the parent less than CREATE … PARTITION OF.
 */
async function createDayPartition(client: ClientBase, day: Date): Promise<number> {
  const name = attemptPartitionName(day);
  const [from, to] = [day.toISOString(), new Date(day.getTime() + DAY_MS).toISOString()];
  return inTransaction(client, async () => {
    await client.query(`CREATE TABLE "${name}" (LIKE attempts INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`);
    const moved = await client.query(
      `WITH moved AS (DELETE FROM attempts_default WHERE created_at >= $1::timestamptz AT TIME ZONE 'UTC' AND created_at < $2::timestamptz AT TIME ZONE 'UTC' RETURNING *)
       INSERT INTO "${name}" SELECT * FROM moved`,
      [from, to],
    );
    await client.query(`ALTER TABLE attempts ATTACH PARTITION "${name}" FOR VALUES FROM ('${from.slice(0, 10)}') TO ('${to.slice(0, 10)}')`);
    return moved.rowCount ?? 0;
  });
}

/**
 * Drops one day's partition, keeping the attempts retention keeps: those of pending deliveries
 * and of dead letters. They are set aside and the day detached in one transaction, which locks
 * `attempts` for milliseconds; the detached table is dropped in the next, which locks nothing
 * the engine uses while its files go (0.1–0.2 s for a day's, as it commits); the kept attempts
 * go back (into the default partition) in the third. The kept deliveries are found through the
 * pending ones' partial index and the dead letters, a small set, and their attempts through the
 * day's `delivery_id` index: nothing reads the day's rows one by one. A crash between the steps
 * loses nothing: the next maintenance drops a detached day and returns what was set aside.
 * Returns how many attempts were kept.
 */
export async function dropAttemptPartition(client: ClientBase, name: string): Promise<number> {
  await inTransaction(client, async () => {
    await client.query(
      `INSERT INTO attempts_purge_staging
       SELECT a.* FROM "${name}" a
       WHERE a.delivery_id IN (SELECT id FROM deliveries WHERE status = 'pending' UNION SELECT delivery_id FROM dead_letters)`,
    );
    await client.query(`ALTER TABLE attempts DETACH PARTITION "${name}"`);
  });
  await dropDetachedDay(client, name);
  return returnKeptAttempts(client);
}

/** Drops a day taken out of `attempts`; its own transaction takes no lock on `attempts`. */
async function dropDetachedDay(client: ClientBase, name: string): Promise<void> {
  await inTransaction(client, () => client.query(`DROP TABLE IF EXISTS "${name}"`));
}

/** Drops the days a crash left detached (`dropAttemptPartition`): day tables that are no partition. */
async function dropDetachedDays(client: ClientBase): Promise<void> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT c.relname::text AS name FROM pg_class c
     WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' AND NOT c.relispartition AND c.relname LIKE 'attempts_p%'`,
  );
  for (const { name } of rows) if (NAME.test(name)) await dropDetachedDay(client, name);
}

/**
 * Moves the attempts set aside by a drop into `attempts`, where no day partition covers them
 * any more, so they land in the default partition; also after a crash between the two steps.
 * Those whose delivery was deleted meanwhile went with it.
 */
async function returnKeptAttempts(client: ClientBase): Promise<number> {
  return inTransaction(client, async () => {
    const { rowCount } = await client.query(
      `WITH kept AS (DELETE FROM attempts_purge_staging RETURNING *)
       INSERT INTO attempts SELECT k.* FROM kept k WHERE EXISTS (SELECT 1 FROM deliveries d WHERE d.id = k.delivery_id)`,
    );
    return rowCount ?? 0;
  });
}

export interface PartitionMaintenance {
  created: string[];
  /** Rows moved out of the default partition into days created now. */
  movedFromDefault: number;
  /** Kept attempts a crash left set aside, returned to the default partition now. */
  keptAttempts: number;
}

/**
 * Holds the maintenance lock on `client`'s session for `work`, or returns null at once when
 * another instance holds it, so two instances never maintain (or purge) at the same time.
 */
export async function withMaintenanceLock<T>(client: ClientBase, work: () => Promise<T>): Promise<T | null> {
  const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [MAINTENANCE_LOCK_KEY]);
  if (!rows[0].locked) return null;
  try {
    return await work();
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [MAINTENANCE_LOCK_KEY]);
  }
}

export interface MaintenanceOptions {
  now?: Date;
  daysAhead?: number;
}

/**
 * Creates the day partitions from today to `daysAhead` days ahead, after finishing what a crash
 * left of a drop (a day detached, attempts set aside). Dropping old days is the purge's
 * (lib/delivery/retention.ts, with `dropAttemptPartition`). The caller holds the maintenance
 * lock (`withMaintenanceLock`) and `client` for the duration.
 */
export async function maintainAttemptPartitions(client: ClientBase, { now = new Date(), daysAhead = PARTITION_DAYS_AHEAD }: MaintenanceOptions = {}) {
  await dropDetachedDays(client);
  const done: PartitionMaintenance = { created: [], movedFromDefault: 0, keptAttempts: await returnKeptAttempts(client) };
  const have = new Set((await attemptPartitions(client)).map((p) => p.name));
  for (let i = 0; i <= daysAhead; i++) {
    const day = new Date(utcDay(now).getTime() + i * DAY_MS);
    if (have.has(attemptPartitionName(day))) continue;
    done.movedFromDefault += await createDayPartition(client, day);
    done.created.push(attemptPartitionName(day));
  }
  return done;
}

/**
 * At start, before anything records an attempt: today's partition and the week ahead, so an
 * instance switched off for weeks does not write today into the default partition until its
 * first daily run. Skipped if another instance is maintaining them right now.
 */
export async function prepareAttemptPartitions(databaseUrl: string, now = new Date()): Promise<PartitionMaintenance | null> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await withMaintenanceLock(client, () => maintainAttemptPartitions(client, { now }));
  } finally {
    await client.end();
  }
}
