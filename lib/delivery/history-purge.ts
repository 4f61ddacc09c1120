// Deleting old events with their deliveries and attempts, for the daily purge
// (lib/delivery/retention.ts). There are no foreign keys between the three (migration 0015), so
// each batch deletes events, then their deliveries, then those deliveries' attempts, in one
// statement: all of a batch or none of it. Raw SQL on the purge's connections, as Prisma cannot
// chain deletes. The statement is planned once per connection, without its values: the plan
// covers every partition of attempts (a plan with values took ~6 ms with 38 of them), and
// PostgreSQL leaves out the day the caller is about to drop whole when the plan starts.
import type { ClientBase } from "pg";

/** Rows deleted, by table. */
export interface DeletedHistory {
  events: number;
  deliveries: number;
  attempts: number;
}

export const noHistoryDeleted = (): DeletedHistory => ({ events: 0, deliveries: 0, attempts: 0 });

export function addDeleted(into: DeletedHistory, more: DeletedHistory): DeletedHistory {
  into.events += more.events;
  into.deliveries += more.deliveries;
  into.attempts += more.attempts;
  return into;
}

export interface HistoryRange {
  /** Events created from here (inclusive)… */
  from: Date;
  /** …to here (exclusive) go, unless a delivery of theirs did not succeed. */
  to: Date;
  /**
   * The day the caller drops whole next: its attempts are left alone, and the range is taken as
   * one day's events. Without it, the events may be spread over many days.
   */
  skipDay?: { from: Date; to: Date };
  batchSize: number;
}

// How a batch finds the attempts of the deliveries it deletes, in every partition of attempts
// but the day skipped. `range`: ids are time-ordered and an event's deliveries are made with it,
// so a batch's deliveries span a short range of each partition's delivery_id index, holding
// only their retries that crossed into other days; the range is read, then matched exactly.
// Replays are made later (any day since), so they are looked up one by one, as are all of them
// in `ids`: for deliveries spread over many days (what earlier runs kept), where a range would
// read all the days between.
const ATTEMPTS_OF_GONE = {
  range: `((a.delivery_id >= (SELECT min(id) FROM gone_deliveries WHERE NOT replay) AND a.delivery_id <= (SELECT max(id) FROM gone_deliveries WHERE NOT replay)
         AND a.delivery_id IN (SELECT id FROM gone_deliveries))
       OR a.delivery_id = ANY (ARRAY(SELECT id FROM gone_deliveries WHERE replay)))`,
  ids: `a.delivery_id = ANY (ARRAY(SELECT id FROM gone_deliveries))`,
};

// A batch is the events after one (created_at, id) up to another (`batchCutter`), deleted
// straight from the index range. An event is kept while it has a dead letter (every dead
// delivery but a failed endpoint check has one), a failed endpoint check (a partial index of
// its own, migration 0016) or a pending delivery ($8, the caller's list: `pendingEvents`).
// Those are small sets, cheaper to look in than every event's deliveries. Their deliveries are
// found by one scan of the event_id index for the whole array of ids (`= ANY`: one descent,
// then leaf by leaf, as a batch's ids are neighbours), not by a probe an event.
const deleteBatch = (attemptsOfGone: string) => `
  WITH gone_events AS (
    DELETE FROM events e
    WHERE e.account_id = $1 AND e.created_at >= $2 AND e.created_at < $3
      AND (e.created_at, e.id) > ($4::timestamp, $5::text) AND (e.created_at, e.id) <= ($9::timestamp, $10::text)
      AND NOT (e.id = ANY ($8::text[]))
      AND NOT EXISTS (SELECT 1 FROM dead_letters l WHERE l.account_id = $1 AND l.event_id = e.id)
      AND NOT EXISTS (SELECT 1 FROM deliveries k WHERE k.event_id = e.id AND k.is_check AND k.status <> 'succeeded')
    RETURNING e.id
  ), gone_deliveries AS (
    DELETE FROM deliveries d WHERE d.event_id = ANY (ARRAY(SELECT id FROM gone_events)) RETURNING d.id, d.replay_of IS NOT NULL AS replay
  ), gone_attempts AS (
    DELETE FROM attempts a
    WHERE ${attemptsOfGone}
      AND (a.created_at < $6 OR a.created_at >= $7)
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM gone_events)::int AS events,
         (SELECT count(*) FROM gone_deliveries)::int AS deliveries,
         (SELECT count(*) FROM gone_attempts)::int AS attempts`;

/** Timestamps as the columns store them: UTC, without a zone (the client sends local time otherwise). */
const utc = (at: Date) => at.toISOString().replace("T", " ").replace("Z", "");

/**
 * The events with a pending delivery made before `before` (with a day's margin), read through
 * the pending deliveries' partial index. Only a replay adds a pending delivery to an old event,
 * and a replayed event keeps its dead letter, so the list stays true for as long as a purge runs.
 */
async function pendingEvents(client: ClientBase, before: Date): Promise<string[]> {
  const { rows } = await client.query<{ ids: string[] | null }>(
    // A day's margin: a delivery's created_at is the database's clock, its event's the app's.
    `SELECT array_agg(DISTINCT event_id) AS ids FROM deliveries WHERE status = 'pending' AND created_at < $1::timestamp + interval '1 day'`,
    [utc(before)],
  );
  return rows[0].ids ?? [];
}

/** (created_at, id) of an event; created_at as text, as the column stores it (UTC, no zone). */
type EventKey = [string, string];

/** Before every event's key. */
const BEFORE_ALL: EventKey = [utc(new Date(0)), ""];

interface Batch {
  accountId: string;
  /** The batch's events come after this one… */
  after: EventKey;
  /** …up to this one, inclusive: at most `batchSize` of them. */
  upTo: EventKey;
}

// The last of the next `batchSize` events of an account after a key: the end of a batch. An
// index-only read of those events, a millisecond or two.
const BATCH_END = `
  SELECT created_at::text AS created_at, id FROM (
    SELECT created_at, id FROM events
    WHERE account_id = $1 AND created_at >= $2 AND created_at < $3 AND (created_at, id) > ($4::timestamp, $5::text)
    ORDER BY created_at, id
    LIMIT $6
  ) batch ORDER BY created_at DESC, id DESC LIMIT 1`;

/**
 * Hands out the batches of `range`, account after account, to whichever connection asks; a
 * batch is cut (its end found) when asked for, one cut at a time, so the next batch is cut
 * while the last one is being deleted. Null once none is left, or once `stop` is called.
 */
function batchCutter(range: HistoryRange, accountIds: string[]) {
  let account = 0;
  let after = BEFORE_ALL;
  let turn: Promise<unknown> = Promise.resolve();
  const cut = async (client: ClientBase): Promise<Batch | null> => {
    for (; account < accountIds.length; account++, after = BEFORE_ALL) {
      const values = [accountIds[account], utc(range.from), utc(range.to), ...after, range.batchSize];
      const [end] = (await client.query<{ created_at: string; id: string }>(BATCH_END, values)).rows;
      if (!end) continue;
      const batch = { accountId: accountIds[account], after, upTo: [end.created_at, end.id] as EventKey };
      after = batch.upTo;
      return batch;
    }
    return null;
  };
  return {
    next(client: ClientBase): Promise<Batch | null> {
      const batch = turn.then(() => cut(client));
      turn = batch.catch(() => undefined);
      return batch;
    },
    stop() {
      account = accountIds.length;
    },
  };
}

/**
 * Deletes the events of `range` without a dead letter, a failed endpoint check or a pending
 * delivery, their deliveries, and those deliveries' attempts outside `skipDay`, in batches of
 * `batchSize` events that the `clients` take in turn, a batch at a time each. The deletes are
 * bound by PostgreSQL's CPU, a core a connection, and no two batches share a row.
 */
export async function deleteHistory(clients: ClientBase[], range: HistoryRange): Promise<DeletedHistory> {
  const [first] = clients;
  const pending = await pendingEvents(first, range.to);
  const { rows: accounts } = await first.query<{ id: string }>("SELECT id FROM accounts ORDER BY id");
  const batches = batchCutter(range, accounts.map((a) => a.id));
  const skip = range.skipDay ?? { from: new Date(0), to: new Date(0) };
  const attemptsOfGone = range.skipDay ? "range" : "ids";
  const [name, statement] = [`hookrelay_purge_batch_${attemptsOfGone}`, deleteBatch(ATTEMPTS_OF_GONE[attemptsOfGone])];
  const deleted = noHistoryDeleted();
  const takeBatches = async (client: ClientBase) => {
    // For the batches only: the purge's other statements need plans made with their values (with
    // a generic plan, the rollups' delete reads the whole table). Not reset after a failure: the
    // purge stops there and closes its connections.
    await client.query("SET plan_cache_mode = force_generic_plan");
    try {
      for (let batch = await batches.next(client); batch; batch = await batches.next(client)) {
        const values = [batch.accountId, utc(range.from), utc(range.to), ...batch.after, utc(skip.from), utc(skip.to), pending, ...batch.upTo];
        addDeleted(deleted, (await client.query<DeletedHistory>({ name, text: statement, values })).rows[0]);
      }
    } catch (error) {
      batches.stop(); // the other connections stop after the batch they are on
      throw error;
    }
    await client.query("RESET plan_cache_mode");
  };
  // Settled, not Promise.all: no connection is closed while it is still deleting.
  const failed = (await Promise.allSettled(clients.map(takeBatches))).find((outcome) => outcome.status === "rejected");
  if (failed) throw failed.reason;
  return deleted;
}
