// The inbound receiver of seed 000: `POST /v1/integrations/webhooks/{source_system}/{user_id}`.
// It authenticates the request by its `X-Webhook-Signature` over the raw body, checks the
// envelope, stores the event once per dedupe key and acknowledges at once; processing happens
// later (process-inbound.ts). Answers use the seed's shapes — `{success, internal_id, message}`
// or `{success: false, error}` — not the REST API's error envelope.
import { createHash, randomUUID } from "node:crypto";
import { v7 as uuidv7 } from "uuid";
import { db } from "@/lib/db/client";
import { announceInboundEvent } from "@/lib/engine/announce";
import { WORK_CHANNEL } from "@/lib/engine/work-channel";
import { isDatabaseUnavailable } from "@/lib/http/db-errors";
import { checkRateLimit } from "@/lib/http/rate-limit";
import { readBodyCapped } from "@/lib/http/read-body";
import { findUnstorableJson } from "@/lib/http/storable-input";
import { log } from "@/lib/log";
import { decryptSecret, encryptSecret, generateSigningSecret } from "@/lib/webhooks/secret-box";
import { inboundEventTypes, isInboundEventType, SOURCE_SYSTEM, USER_ID } from "@/lib/inbound/integration-input";
import { verifyInboundSignature } from "@/lib/inbound/verify-signature";

export const MAX_INBOUND_BYTES = 256 * 1024;
/** The body's `timestamp` may be at most this old (replay window) … */
export const TIMESTAMP_MAX_AGE_MS = 60 * 60 * 1000;
/** … and at most this far ahead (clock skew). */
export const TIMESTAMP_MAX_SKEW_MS = 5 * 60 * 1000;

const MAX_DEDUPE_ID_CHARS = 200;

// One answer for every authentication failure, so a caller learns nothing about which
// integrations exist or are active.
const INVALID_SIGNATURE = "Invalid signature";

function reply(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers });
}
const failure = (status: number, error: string, headers?: Record<string, string>) => reply(status, { success: false, error }, headers);

/**
 * seed 000's `internal_id`: a UUID, version 7 (RFC 9562), so ids sort by creation time — the
 * `uuid` library keeps them monotonic within one millisecond too.
 */
export const newInternalId = (): string => uuidv7();

let dummyCiphertext: string | undefined;

/**
 * The secret to check the signature with. For an unknown integration it is a throwaway secret,
 * decrypted the same way, so the answer takes as long as for a known one.
 */
function secretFor(integration: { secretCiphertext: string } | null): string {
  if (integration) return decryptSecret(integration.secretCiphertext);
  dummyCiphertext ??= encryptSecret(generateSigningSecret());
  return decryptSecret(dummyCiphertext);
}

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * The body's `timestamp` as epoch ms: an ISO 8601 time, or Unix seconds. Anything else counts
 * as absent — seed 000's own example (`"2025-12- 26T10:30:00Z"`) does not parse.
 */
export function parseInboundTimestamp(value: unknown): number | null {
  if (typeof value === "number" && Number.isFinite(value) && value > 0) return value > 1e11 ? value : value * 1000;
  if (typeof value !== "string" || !ISO_TIMESTAMP.test(value.trim())) return null;
  const ms = Date.parse(value.trim());
  return Number.isNaN(ms) ? null : ms;
}

/** The source's event id (`id`, else `event_id`) when it sends one, else the SHA-256 of the raw body. */
export function inboundDedupeKey(body: Record<string, unknown>, raw: Uint8Array): string {
  for (const candidate of [body.id, body.event_id]) {
    if (typeof candidate === "string" && candidate.length > 0 && candidate.length <= MAX_DEDUPE_ID_CHARS) return `id:${candidate}`;
    if (typeof candidate === "number" && Number.isSafeInteger(candidate)) return `id:${candidate}`;
  }
  return `sha256:${createHash("sha256").update(raw).digest("hex")}`;
}

/**
 * Stores the event unless one with the same dedupe key is already stored, and returns the id
 * of the stored one either way. Raw SQL: `ON CONFLICT DO NOTHING` makes concurrent duplicates
 * one row without an error, and `::json` keeps the body's text exactly as it was signed.
 */
async function storeInboundEvent(input: { accountId: string; integrationId: string; eventType: string; dedupeKey: string; bodyText: string }): Promise<string> {
  const inserted = await db().$queryRaw<{ id: string }[]>`
    INSERT INTO inbound_events (id, account_id, integration_id, event_type, dedupe_key, payload)
    VALUES (${newInternalId()}, ${input.accountId}, ${input.integrationId}, ${input.eventType}, ${input.dedupeKey}, ${input.bodyText}::json)
    ON CONFLICT (integration_id, dedupe_key) DO NOTHING
    RETURNING id`;
  if (inserted[0]) {
    // Wake the engine: the embedded dispatcher LISTENs; Inngest is sent an event (a no-op in embedded mode).
    await db().$executeRaw`SELECT pg_notify(${WORK_CHANNEL}, 'inbound')`;
    await announceInboundEvent({ id: inserted[0].id, integrationId: input.integrationId });
    return inserted[0].id;
  }
  const existing = await db().inboundEvent.findUniqueOrThrow({
    where: { integrationId_dedupeKey: { integrationId: input.integrationId, dedupeKey: input.dedupeKey } },
    select: { id: true },
  });
  return existing.id;
}

export interface InboundTarget {
  sourceSystem: string;
  userId: string;
}

/** A path segment as the user wrote it: `%3A` is `:` (neither slug may contain `%`, so decoding twice is harmless). */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

async function receive(request: Request, rawTarget: InboundTarget, now: number): Promise<Response> {
  const raw = await readBodyCapped(request, MAX_INBOUND_BYTES);
  if (!raw) return failure(413, "Payload too large");

  const target = { sourceSystem: decodeSegment(rawTarget.sourceSystem), userId: decodeSegment(rawTarget.userId) };
  const wellFormed = SOURCE_SYSTEM.test(target.sourceSystem) && USER_ID.test(target.userId);
  const integration = wellFormed
    ? await db().integration.findUnique({ where: { sourceSystem_userId: { sourceSystem: target.sourceSystem, userId: target.userId } } })
    : null;
  // Always compute and compare, even for an unknown or inactive integration (same work, same answer).
  const signed = verifyInboundSignature(secretFor(integration), raw, request.headers.get("x-webhook-signature"));
  if (!integration || !integration.isActive || !signed) return failure(401, INVALID_SIGNATURE);

  const limit = checkRateLimit(`integration:${integration.id}`, integration.rateLimitPerMinute, now);
  if (!limit.allowed) return failure(429, "Rate limit exceeded", { "retry-after": String(limit.retryAfterSeconds) });

  let bodyText: string;
  let body: unknown;
  try {
    bodyText = new TextDecoder("utf-8", { fatal: true }).decode(raw);
    body = JSON.parse(bodyText);
  } catch {
    return failure(400, "Malformed JSON");
  }
  if (body === null || typeof body !== "object" || Array.isArray(body)) return failure(400, "Malformed JSON: the body must be a JSON object");
  // NUL, lone surrogates or extreme nesting could not be stored or processed (a 500 and a retry loop otherwise).
  const unstorable = findUnstorableJson(body);
  if (unstorable) return failure(400, `Malformed JSON: ${unstorable.path ? `${unstorable.path}: ` : ""}${unstorable.message}`);
  const envelope = body as Record<string, unknown>;

  if (!isInboundEventType(envelope.event)) return failure(400, `Unknown event type: \`event\` must be one of ${inboundEventTypes.join(", ")}`);
  const headerEvent = request.headers.get("x-webhook-event");
  if (headerEvent !== null && headerEvent !== envelope.event) return failure(400, "X-Webhook-Event header does not match the body's event");

  const timestamp = parseInboundTimestamp(envelope.timestamp);
  if (timestamp !== null && (timestamp < now - TIMESTAMP_MAX_AGE_MS || timestamp > now + TIMESTAMP_MAX_SKEW_MS)) {
    return failure(401, "Timestamp outside the tolerance window");
  }

  const internalId = await storeInboundEvent({
    accountId: integration.accountId,
    integrationId: integration.id,
    eventType: envelope.event,
    dedupeKey: inboundDedupeKey(envelope, raw),
    bodyText,
  });
  return reply(200, { success: true, internal_id: internalId, message: "Webhook processed" });
}

/** Answers one request to the receiver; never throws. */
export async function receiveInboundWebhook(request: Request, target: InboundTarget, now = Date.now()): Promise<Response> {
  try {
    return await receive(request, target, now);
  } catch (error) {
    // 5xx tells the sender to retry: nothing was stored.
    if (isDatabaseUnavailable(error)) return failure(503, "Service unavailable, retry later", { "retry-after": "5" });
    const requestId = randomUUID();
    log().error({ err: error, requestId, sourceSystem: target.sourceSystem }, "unhandled error in the inbound receiver");
    return failure(500, `Internal error (request id ${requestId})`);
  }
}
