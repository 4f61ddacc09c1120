// Leasing inbound events for processing, with their integration in one round trip. Raw SQL on
// the shared pool, in the lease shape of lib/db/lease.ts: the claim must be one `UPDATE … FOR
// UPDATE SKIP LOCKED` statement, and the dispatcher claims often (each inbound NOTIFY, each
// fairness look), where Prisma would compile every raw query anew.
import { db, sql } from "@/lib/db/client";
import { claimSql, leaseFree, leaseOneSql, releaseSql, type LeasedTable } from "@/lib/db/lease";

export interface DueInboundEvent {
  id: string;
  accountId: string;
  integrationId: string;
  eventType: string;
  payload: unknown;
  attempts: number;
  sourceSystem: string;
  userId: string;
  forwardAs: string | null;
}

/** Processing is local work (validate, maybe publish): a lease older than this means its holder died. */
export const INBOUND_LEASE_SECONDS = 60;

const COLUMNS = `
  e.id, e.account_id AS "accountId", e.integration_id AS "integrationId", e.event_type AS "eventType",
  e.payload, e.attempts, i.source_system AS "sourceSystem", i.user_id AS "userId", i.forward_as AS "forwardAs"`;

/** Processing is local work: a fixed lease, read back with the event's integration. */
const INBOUND_EVENTS: LeasedTable = {
  table: "inbound_events",
  alias: "e",
  leaseSeconds: String(INBOUND_LEASE_SECONDS),
  columns: COLUMNS,
  joins: "JOIN integrations i ON i.id = e.integration_id",
};

const CLAIM = claimSql(
  INBOUND_EVENTS,
  `due AS (
    SELECT e.id
    FROM inbound_events e
    WHERE e.status = 'pending'
      AND e.next_attempt_at <= now()
      AND ${leaseFree("e")}
      AND NOT (e.integration_id = ANY($1::text[]))
    ORDER BY e.next_attempt_at
    LIMIT $2
    FOR UPDATE SKIP LOCKED
  )`,
  "$3",
);
const LEASE_ONE = leaseOneSql(INBOUND_EVENTS, "$1", "$2");
const RELEASE_ONE = releaseSql(INBOUND_EVENTS, "id = $1", "$2");

/**
 * Leases up to `limit` due inbound events to `owner`, oldest due first. Integrations in
 * `skipIntegrationIds` (at their concurrency cap in this dispatcher) are left for later.
 */
export async function claimDueInboundEvents(owner: string, limit: number, skipIntegrationIds: string[] = []): Promise<DueInboundEvent[]> {
  if (limit <= 0) return [];
  const { rows } = await sql().query<DueInboundEvent>({ name: "hookrelay_claim_inbound_events", text: CLAIM, values: [skipIntegrationIds, limit, owner] });
  return rows;
}

/** Leases one pending inbound event by id (due or not) to `owner`, unless someone else holds it or it is final. */
export async function leaseInboundEvent(id: string, owner: string): Promise<DueInboundEvent | undefined> {
  const { rows } = await sql().query<DueInboundEvent>({ name: "hookrelay_lease_inbound_event", text: LEASE_ONE, values: [id, owner] });
  return rows[0];
}

/** Hands a leased inbound event back unprocessed. */
export async function releaseInboundEvent(id: string, owner: string): Promise<void> {
  await sql().query(RELEASE_ONE, [id, owner]);
}

/** When the earliest pending inbound event becomes due (or its lease expires), for the dispatcher's timer. */
export async function nextInboundDueAt(): Promise<Date | null> {
  const rows = await db().$queryRaw<{ at: Date | null }[]>`
    SELECT min(GREATEST(next_attempt_at, COALESCE(lease_expires_at, next_attempt_at))) AS at
    FROM inbound_events
    WHERE status = 'pending' AND next_attempt_at IS NOT NULL`;
  return rows[0]?.at ?? null;
}
