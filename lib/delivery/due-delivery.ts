// Loading deliveries for an attempt, with their event, in one round trip; their webhook's
// settings come from lib/delivery/webhook-settings.ts, read once per version of the webhook. Raw SQL
// on the shared pool (lib/db/client.ts `sql()`): the claim must be one `UPDATE … FOR UPDATE
// SKIP LOCKED` statement so that concurrent dispatchers (threads or machines) never take the
// same row, and these are the hot path, where Prisma's per-query overhead would dominate.
//
// Columns are stored as `timestamp(3)` in UTC (Prisma's convention); they are read back with
// `AT TIME ZONE 'UTC'` and written from ISO strings with `::timestamptz AT TIME ZONE 'UTC'`,
// so no session or machine time zone can shift them.
import { genericPlanSql, sql } from "@/lib/db/client";
import { claimSql, leaseFree, leaseOneSql, releaseSql, type ClaimRoom, type LeasedTable } from "@/lib/db/lease";
import { WEBHOOK_SETTINGS_COLUMNS, WEBHOOK_VERSION, webhookSettings, type WebhookSettings } from "@/lib/delivery/webhook-settings";

/** A delivery as an attempt needs it: its own columns, its event's and its webhook's settings. */
export interface DueDelivery extends WebhookSettings {
  id: string;
  accountId: string;
  attempts: number;
  webhookId: string;
  eventId: string;
  publicEventId: string;
  eventType: string;
  /** The event's data as stored: JSON text. */
  eventDataJson: string;
  eventCreatedAt: Date;
  /** The dead delivery this one replays (the `webhook-replay` header), or null. */
  replayOf: string | null;
}

type ClaimedRow = Omit<DueDelivery, keyof WebhookSettings> & { webhookVersion: string };

/** A delivery's own columns and its event's, over `d` and `e`. */
const DELIVERY_COLUMNS = `
  d.id, d.account_id AS "accountId", d.attempts, d.webhook_id AS "webhookId", d.event_id AS "eventId",
  COALESCE(e.external_id, e.id) AS "publicEventId", e.type AS "eventType", e.data::text AS "eventDataJson",
  e.created_at AT TIME ZONE 'UTC' AS "eventCreatedAt", d.replay_of AS "replayOf"`;

const columns = `${DELIVERY_COLUMNS}, ${WEBHOOK_SETTINGS_COLUMNS}`;

/**
 * "Still pending", for statements that find their deliveries by id: the cast keeps the partial
 * indexes on pending rows out, so the planner looks the ids up by primary key (docs/engine.md).
 */
export const STILL_PENDING = `d.status::text = 'pending'`;

/** A lease lasts the webhook's timeout plus this margin; a lease older than that means its holder died. */
export const LEASE_MARGIN_MS = 30_000;

const LEASE_FREE = leaseFree("d");
const DUE = `d.status = 'pending' AND d.next_attempt_at <= now() AND ${LEASE_FREE}`;

// Ordering keys (docs/engine.md, "Ordering keys"): earlier deliveries (`order_seq` below d's)
// of d's webhook and key hold d back: one still pending (due, leased, or waiting for a retry),
// and with `ordering: halt` one dead whose dead letter no replay has taken over. Both read the
// partial indexes on keyed rows (migration 0013); `d` (and, for BLOCKED_BY, its webhook `w`) come from outside.
const EARLIER_OF_KEY = `p.webhook_id = d.webhook_id AND p.ordering_key = d.ordering_key AND p.order_seq < d.order_seq`;
const UNREPLAYED_DEAD = `p.status = 'dead' AND NOT EXISTS (SELECT FROM dead_letters l WHERE l.delivery_id = p.id AND l.replayed_at IS NOT NULL)`;

/**
 * d may be attempted now as far as its key goes. Unkeyed rows stop at the first test (OR arms
 * run in order), so they never probe the keyed indexes; the probe is a function declared cheap
 * (migration 0013) so that the planner plans the unkeyed claim as it did before keys.
 */
export const NOT_HELD_BACK = `(d.ordering_key IS NULL OR NOT hookrelay_key_held_back(d.webhook_id, d.ordering_key, d.order_seq))`;

/** The delivery that holds d back (the first in its key's line), as a scalar subquery; null when none. */
export const BLOCKED_BY = `CASE WHEN d.ordering_key IS NOT NULL AND d.status = 'pending' THEN (
  SELECT p.id FROM deliveries p WHERE ${EARLIER_OF_KEY} AND (p.status = 'pending' OR (w.ordering = 'halt' AND ${UNREPLAYED_DEAD}))
  ORDER BY p.order_seq LIMIT 1) END`;

/** Deliveries are leased for their webhook's timeout plus LEASE_MARGIN_MS, and read back with their webhook and event. */
const DELIVERIES: LeasedTable = {
  table: "deliveries",
  alias: "d",
  leaseSeconds: `(w.timeout_ms + ${LEASE_MARGIN_MS}) / 1000.0`,
  lengthFrom: { table: "webhooks w", on: "w.id = d.webhook_id" },
  columns,
  joins: `JOIN webhooks w ON w.id = d.webhook_id
  JOIN events e ON e.id = d.event_id`,
};

// Candidates are read without locks, at most each webhook's room ($5, $6: the webhooks served
// get their oldest due rows from their own index range; $3, $4: everyone else's oldest due rows,
// no further back than $9 ms when set); only the rows picked ($8 first, then oldest) are locked.
// Why each piece is there, with the figures: docs/engine.md, "The claim".
const CLAIM = claimSql(
  { ...DELIVERIES, columns: `${DELIVERY_COLUMNS}, ${WEBHOOK_VERSION} AS "webhookVersion"` },
  `candidates AS (
    (SELECT d.id, d.webhook_id, d.next_attempt_at
     FROM deliveries d
     JOIN webhooks w ON w.id = d.webhook_id
     WHERE ${DUE}
       AND d.next_attempt_at > COALESCE(now() - make_interval(secs => $9::float8 / 1000), '-infinity')
       AND w.is_active
       AND ${NOT_HELD_BACK}
       AND NOT (d.webhook_id = ANY($3::text[]))
       AND NOT (d.webhook_id = ANY($5::text[]))
     ORDER BY d.next_attempt_at
     LIMIT $4)
    UNION ALL
    SELECT c.id, c.webhook_id, c.next_attempt_at
    FROM unnest($5::text[], $6::int[]) AS k(webhook_id, room)
    JOIN webhooks w ON w.id = k.webhook_id AND w.is_active
    CROSS JOIN LATERAL hookrelay_oldest_pending_deliveries(k.webhook_id, LEAST(k.room, $2)) c
    WHERE c.next_attempt_at <= now()
  ), ranked AS (
    SELECT c.id, c.webhook_id, c.next_attempt_at,
           row_number() OVER (PARTITION BY c.webhook_id ORDER BY c.next_attempt_at, c.id) AS n,
           COALESCE(r.room, $7::int) AS room
    FROM candidates c
    LEFT JOIN unnest($5::text[], $6::int[]) AS r(webhook_id, room) ON r.webhook_id = c.webhook_id
  ), picked AS (
    SELECT id FROM ranked WHERE n <= room ORDER BY webhook_id = ANY($8::text[]) DESC, next_attempt_at LIMIT $2
  ), due AS (
    SELECT d.id
    FROM deliveries d
    WHERE d.id = ANY(ARRAY(SELECT id FROM picked)) AND ${STILL_PENDING} AND ${LEASE_FREE}
    FOR UPDATE SKIP LOCKED
  )`,
  "$1",
);

/** Candidate rows a claim reads per row it may take: webhooks over their room are passed over, not waited for. */
const CLAIM_SCAN_FACTOR = 2;

/** The claim as one statement (its plan is tested: lib/delivery/claim-plan.test.ts). */
export function claimStatement(owner: string, limit: number, skipWebhookIds: string[] = [], room?: ClaimRoom) {
  const rooms = room ? [...room.byWebhook] : [];
  // No room for other webhooks: LIMIT 0 stops the scan over everyone's rows before it starts.
  const scan = !room ? limit : room.otherwise > 0 ? limit * CLAIM_SCAN_FACTOR : 0;
  return {
    name: "hookrelay_claim_deliveries",
    text: CLAIM,
    values: [owner, limit, skipWebhookIds, scan, rooms.map(([id]) => id), rooms.map(([, n]) => n), room ? room.otherwise : limit, room?.fresh ?? [], room?.dueWithinMs ?? null],
  };
}

/**
 * Leases up to `limit` due deliveries of active webhooks to `owner`, oldest first. Webhooks in
 * `skipWebhookIds` (at their concurrency cap in this dispatcher) are left for later; with
 * `room`, no webhook gets more than its room.
 */
export async function claimDueDeliveries(owner: string, limit: number, skipWebhookIds: string[] = [], room?: ClaimRoom): Promise<DueDelivery[]> {
  if (limit <= 0) return [];
  const { rows } = await genericPlanSql().query<ClaimedRow>(claimStatement(owner, limit, skipWebhookIds, room));
  return withSettings(rows);
}

/**
 * Claimed rows with their webhook's settings (read only for a webhook not cached at the row's
 * version). Should that read fail, the rows stay leased until their leases run out, as when a
 * dispatcher dies after a claim.
 */
async function withSettings(rows: ClaimedRow[]): Promise<DueDelivery[]> {
  const versions = new Map<string, string>();
  for (const row of rows) versions.set(row.webhookId, row.webhookVersion);
  const settings = await webhookSettings(versions);
  const due: DueDelivery[] = [];
  for (const row of rows) {
    const webhook = settings.get(row.webhookId);
    // A webhook deleted since the claim took its deliveries with it.
    if (webhook) due.push(dueDelivery(row, webhook));
  }
  return due;
}

// Written out field by field: every DueDelivery gets the same shape, which a spread does not promise.
function dueDelivery(row: ClaimedRow, w: WebhookSettings): DueDelivery {
  return {
    id: row.id,
    accountId: row.accountId,
    attempts: row.attempts,
    webhookId: row.webhookId,
    eventId: row.eventId,
    publicEventId: row.publicEventId,
    eventType: row.eventType,
    eventDataJson: row.eventDataJson,
    eventCreatedAt: row.eventCreatedAt,
    replayOf: row.replayOf,
    url: w.url,
    isActive: w.isActive,
    signatureProfile: w.signatureProfile,
    retryPolicy: w.retryPolicy,
    timeoutMs: w.timeoutMs,
    ipWhitelist: w.ipWhitelist,
    headers: w.headers,
    rateLimitPerHour: w.rateLimitPerHour,
    debugMode: w.debugMode,
    secretCiphertext: w.secretCiphertext,
    previousSecretCiphertext: w.previousSecretCiphertext,
    previousSecretExpiresAt: w.previousSecretExpiresAt,
    failingSince: w.failingSince,
  };
}

const LEASE_ONE = leaseOneSql(DELIVERIES, "$1", "$2");

/** Leases one pending delivery by id to `owner`, unless someone else holds it or it is final. */
export async function leaseDelivery(id: string, owner: string): Promise<DueDelivery | undefined> {
  const { rows } = await sql().query<DueDelivery>({ name: "hookrelay_lease_delivery", text: LEASE_ONE, values: [id, owner] });
  return rows[0];
}

/** One delivery by id (any status). */
export async function loadDelivery(id: string): Promise<(DueDelivery & { status: string }) | undefined> {
  const { rows } = await sql().query<DueDelivery & { status: string }>(
    `SELECT ${columns}, d.status::text AS status
     FROM deliveries d
     JOIN webhooks w ON w.id = d.webhook_id
     JOIN events e ON e.id = d.event_id
     WHERE d.id = $1`,
    [id],
  );
  return rows[0];
}

const RELEASE_ONE = releaseSql(DELIVERIES, "id = $1", "$2", `, next_attempt_at = COALESCE($3::timestamptz AT TIME ZONE 'UTC', next_attempt_at)`);
const RELEASE_MANY = releaseSql(DELIVERIES, "id = ANY($1::text[])", "$2");

/** Hands a leased delivery back without attempting it (e.g. postponed by a rate limit). */
export async function releaseDelivery(id: string, owner: string, nextAttemptAt?: Date): Promise<void> {
  await sql().query(RELEASE_ONE, [id, owner, nextAttemptAt?.toISOString() ?? null]);
}

/** Hands several leased deliveries back unattempted, in one statement. */
export async function releaseDeliveries(ids: string[], owner: string): Promise<void> {
  if (ids.length === 0) return;
  await sql().query(RELEASE_MANY, [ids, owner]);
}

/**
 * When the earliest claimable delivery of an active webhook is due, for the dispatcher's
 * timer. It walks the (status, next_attempt_at) index and stops at the first row that is not
 * under a live lease. A live lease is not waited for here: the holder's own completion wakes
 * its dispatcher, and the dispatcher's idle timer (at most a few seconds) finds the lease
 * once it has expired.
 */
export async function nextDueAt(): Promise<Date | null> {
  const { rows } = await sql().query<{ at: Date }>({
    name: "hookrelay_next_due_delivery",
    text: `
      SELECT d.next_attempt_at AT TIME ZONE 'UTC' AS at
      FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id
      WHERE d.status = 'pending' AND d.next_attempt_at IS NOT NULL
        AND ${LEASE_FREE}
        AND w.is_active
        AND ${NOT_HELD_BACK}
      ORDER BY d.next_attempt_at
      LIMIT 1`,
  });
  return rows[0]?.at ?? null;
}

/** For each pending keyed delivery of `ids`, the delivery it waits behind (the first in its key's line); absent: not blocked. */
export async function blockersOf(ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const { rows } = await sql().query<{ id: string; blocked_by: string | null }>(
    `SELECT d.id, ${BLOCKED_BY} AS blocked_by
     FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id
     WHERE d.id = ANY($1::text[]) AND d.ordering_key IS NOT NULL AND ${STILL_PENDING}`,
    [ids],
  );
  return new Map(rows.filter((r) => r.blocked_by !== null).map((r) => [r.id, r.blocked_by!]));
}

/** Whether an earlier delivery of its ordering key holds this delivery back (the Inngest step asks before attempting). */
export async function isHeldBack(id: string): Promise<boolean> {
  const { rows } = await sql().query<{ held: boolean }>(
    `SELECT NOT ${NOT_HELD_BACK} AS held FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE d.id = $1`,
    [id],
  );
  return rows[0]?.held ?? false;
}

/** After a keyed delivery finished: the next of its webhook and key, if it may go now (to announce to Inngest). */
export async function nextInLine(finishedId: string): Promise<{ id: string; webhookId: string } | undefined> {
  const { rows } = await sql().query<{ id: string; webhookId: string }>(
    `SELECT d.id, d.webhook_id AS "webhookId"
     FROM deliveries f
     JOIN deliveries d ON d.webhook_id = f.webhook_id AND d.ordering_key = f.ordering_key AND d.status = 'pending'
     JOIN webhooks w ON w.id = d.webhook_id
     WHERE f.id = $1 AND w.is_active AND ${NOT_HELD_BACK}
     ORDER BY d.order_seq
     LIMIT 1`,
    [finishedId],
  );
  return rows[0];
}
