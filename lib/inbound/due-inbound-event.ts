// Leasing inbound events for processing, with their integration in one round trip. Raw SQL
// for the same reason as lib/delivery/due-delivery.ts: the claim must be one
// `UPDATE … FOR UPDATE SKIP LOCKED` statement so that concurrent dispatchers (threads or
// machines) never take the same row.
import { db, sql } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";

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

const CLAIM = `
  WITH due AS (
    SELECT e.id
    FROM inbound_events e
    WHERE e.status = 'pending'
      AND e.next_attempt_at <= now()
      AND (e.lease_expires_at IS NULL OR e.lease_expires_at < now())
      AND NOT (e.integration_id = ANY($1::text[]))
    ORDER BY e.next_attempt_at
    LIMIT $2
    FOR UPDATE SKIP LOCKED
  ), leased AS (
    UPDATE inbound_events e
    SET lease_owner = $3, lease_expires_at = now() + make_interval(secs => ${INBOUND_LEASE_SECONDS})
    FROM due
    WHERE e.id = due.id
    RETURNING e.*
  )
  SELECT ${COLUMNS}
  FROM leased e
  JOIN integrations i ON i.id = e.integration_id
  ORDER BY e.next_attempt_at`;

/**
 * Leases up to `limit` due inbound events to `owner`, oldest due first. Integrations in
 * `skipIntegrationIds` (at their concurrency cap in this dispatcher) are left for later.
 */
export async function claimDueInboundEvents(owner: string, limit: number, skipIntegrationIds: string[] = []): Promise<DueInboundEvent[]> {
  if (limit <= 0) return [];
  // On the shared pg pool, not Prisma: the dispatcher claims often (each inbound NOTIFY, each
  // fairness look while busy), and Prisma compiles every raw query anew (its query compiler
  // was ~5 % of the engine thread's CPU while the publish API was under load).
  const { rows } = await sql().query<DueInboundEvent>({ name: "hookrelay_claim_inbound_events", text: CLAIM, values: [skipIntegrationIds, limit, owner] });
  return rows;
}

/** Leases one pending inbound event by id (due or not) to `owner`, unless someone else holds it or it is final. */
export async function leaseInboundEvent(id: string, owner: string): Promise<DueInboundEvent | undefined> {
  const rows = await db().$queryRaw<DueInboundEvent[]>`
    WITH leased AS (
      UPDATE inbound_events e
      SET lease_owner = ${owner}, lease_expires_at = now() + make_interval(secs => ${INBOUND_LEASE_SECONDS}::int)
      WHERE e.id = ${id} AND e.status = 'pending'
        AND (e.lease_expires_at IS NULL OR e.lease_expires_at < now())
      RETURNING e.*
    )
    SELECT ${Prisma.raw(COLUMNS)}
    FROM leased e
    JOIN integrations i ON i.id = e.integration_id`;
  return rows[0];
}

/** Hands a leased inbound event back unprocessed. */
export async function releaseInboundEvent(id: string, owner: string): Promise<void> {
  await db().$executeRaw`
    UPDATE inbound_events SET lease_owner = NULL, lease_expires_at = NULL
    WHERE id = ${id} AND lease_owner = ${owner} AND status = 'pending'`;
}

/** When the earliest pending inbound event becomes due (or its lease expires), for the dispatcher's timer. */
export async function nextInboundDueAt(): Promise<Date | null> {
  const rows = await db().$queryRaw<{ at: Date | null }[]>`
    SELECT min(GREATEST(next_attempt_at, COALESCE(lease_expires_at, next_attempt_at))) AS at
    FROM inbound_events
    WHERE status = 'pending' AND next_attempt_at IS NOT NULL`;
  return rows[0]?.at ?? null;
}
