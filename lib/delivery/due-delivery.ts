// Loading deliveries for an attempt, with their webhook and event in one round trip. Raw SQL:
// the claim must be one `UPDATE … FOR UPDATE SKIP LOCKED` statement so that concurrent
// dispatchers (threads or machines) never take the same row, and it is the hot path.
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";

export interface DueDelivery {
  id: string;
  accountId: string;
  attempts: number;
  webhookId: string;
  eventId: string;
  publicEventId: string;
  eventType: string;
  eventData: unknown;
  eventCreatedAt: Date;
  url: string;
  isActive: boolean;
  signatureProfile: string;
  retryPolicy: unknown;
  timeoutMs: number;
  ipWhitelist: string[];
  headers: Record<string, string>;
  rateLimitPerHour: number | null;
  debugMode: boolean;
  secretCiphertext: string;
  previousSecretCiphertext: string | null;
  previousSecretExpiresAt: Date | null;
  failingSince: Date | null;
}

const columns = Prisma.sql`
  d.id, d.account_id AS "accountId", d.attempts, d.webhook_id AS "webhookId", d.event_id AS "eventId",
  COALESCE(e.external_id, e.id) AS "publicEventId", e.type AS "eventType", e.data AS "eventData",
  e.created_at AS "eventCreatedAt", w.url, w.is_active AS "isActive", w.signature_profile AS "signatureProfile",
  w.retry_policy AS "retryPolicy", w.timeout_ms AS "timeoutMs", w.ip_whitelist AS "ipWhitelist", w.headers,
  w.rate_limit_per_hour AS "rateLimitPerHour", w.debug_mode AS "debugMode", w.secret_ciphertext AS "secretCiphertext",
  w.previous_secret_ciphertext AS "previousSecretCiphertext", w.previous_secret_expires_at AS "previousSecretExpiresAt",
  w.failing_since AS "failingSince"`;

/** A lease lasts the webhook's timeout plus this margin; a lease older than that means its holder died. */
export const LEASE_MARGIN_MS = 30_000;

/**
 * Leases up to `limit` due deliveries of active webhooks to `owner`, oldest first. Webhooks in
 * `skipWebhookIds` (at their concurrency cap in this dispatcher) are left for later.
 */
export async function claimDueDeliveries(owner: string, limit: number, skipWebhookIds: string[] = []): Promise<DueDelivery[]> {
  if (limit <= 0) return [];
  return db().$queryRaw<DueDelivery[]>`
    WITH due AS (
      SELECT d.id
      FROM deliveries d
      JOIN webhooks w ON w.id = d.webhook_id
      WHERE d.status = 'pending'
        AND d.next_attempt_at <= now()
        AND (d.lease_expires_at IS NULL OR d.lease_expires_at < now())
        AND w.is_active
        AND NOT (d.webhook_id = ANY(${skipWebhookIds}::text[]))
      ORDER BY d.next_attempt_at
      LIMIT ${limit}
      FOR UPDATE OF d SKIP LOCKED
    ), leased AS (
      UPDATE deliveries d
      SET lease_owner = ${owner},
          lease_expires_at = now() + make_interval(secs => (w.timeout_ms + ${LEASE_MARGIN_MS}) / 1000.0)
      FROM due, webhooks w
      WHERE d.id = due.id AND w.id = d.webhook_id
      RETURNING d.*
    )
    SELECT ${columns}
    FROM leased d
    JOIN webhooks w ON w.id = d.webhook_id
    JOIN events e ON e.id = d.event_id
    ORDER BY d.next_attempt_at`;
}

/** Leases one pending delivery by id to `owner`, unless someone else holds it or it is final. */
export async function leaseDelivery(id: string, owner: string): Promise<DueDelivery | undefined> {
  const rows = await db().$queryRaw<DueDelivery[]>`
    WITH leased AS (
      UPDATE deliveries d
      SET lease_owner = ${owner},
          lease_expires_at = now() + make_interval(secs => (w.timeout_ms + ${LEASE_MARGIN_MS}) / 1000.0)
      FROM webhooks w
      WHERE d.id = ${id} AND w.id = d.webhook_id AND d.status = 'pending'
        AND (d.lease_expires_at IS NULL OR d.lease_expires_at < now())
      RETURNING d.*
    )
    SELECT ${columns}
    FROM leased d
    JOIN webhooks w ON w.id = d.webhook_id
    JOIN events e ON e.id = d.event_id`;
  return rows[0];
}

/** One delivery by id (any status). */
export async function loadDelivery(id: string): Promise<(DueDelivery & { status: string }) | undefined> {
  const rows = await db().$queryRaw<(DueDelivery & { status: string })[]>`
    SELECT ${columns}, d.status::text AS status
    FROM deliveries d
    JOIN webhooks w ON w.id = d.webhook_id
    JOIN events e ON e.id = d.event_id
    WHERE d.id = ${id}`;
  return rows[0];
}

/** Hands a leased delivery back without attempting it (e.g. postponed by a rate limit). */
export async function releaseDelivery(id: string, owner: string, nextAttemptAt?: Date): Promise<void> {
  await db().$executeRaw`
    UPDATE deliveries
    SET lease_owner = NULL, lease_expires_at = NULL, next_attempt_at = COALESCE(${nextAttemptAt ?? null}::timestamptz, next_attempt_at)
    WHERE id = ${id} AND lease_owner = ${owner} AND status = 'pending'`;
}

/** When the earliest pending delivery of an active webhook becomes due, for the dispatcher's timer. */
export async function nextDueAt(): Promise<Date | null> {
  const rows = await db().$queryRaw<{ at: Date | null }[]>`
    SELECT min(GREATEST(d.next_attempt_at, COALESCE(d.lease_expires_at, d.next_attempt_at))) AS at
    FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id
    WHERE d.status = 'pending' AND w.is_active AND d.next_attempt_at IS NOT NULL`;
  return rows[0]?.at ?? null;
}
