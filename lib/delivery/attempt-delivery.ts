// The delivery core: one attempt of one delivery. It signs the request with the webhook's
// signature profile, POSTs it (SSRF-guarded, under the webhook's timeout), records the
// attempt, and moves the delivery on: succeeded, pending again with the policy's next
// delay, or dead with a dead letter. Both engines (lib/engine/dispatcher.ts and the
// Inngest functions) only decide *when* to call it.
import { config } from "@/lib/config";
import { batched } from "@/lib/db/batched";
import { sql } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { postWebhook, type PostOutcome } from "@/lib/delivery/http-post";
import { MAX_EVENT_AGE_MS, nextRetryDelayMs, type RetryPolicy } from "@/lib/delivery/retry-policy";
import { leaseDelivery, STILL_PENDING, type DueDelivery } from "@/lib/delivery/due-delivery";
import { retryWhileDatabaseAway } from "@/lib/http/db-errors";
import { signRequest, type SignatureProfile, type SignedRequest } from "@/lib/signing/sign-request";
import { rollUpAttemptsSql } from "@/lib/stats/attempt-rollups";
import { signingSecrets } from "@/lib/webhooks/webhooks";
import { MAX_NAMED_BYTES, WORK_CHANNEL } from "@/lib/engine/work-channel";

/** Kept of every response body; with `debug_mode` the full bodies (up to the read cap) are kept. */
export const RESPONSE_EXCERPT_BYTES = 1024;
export const DEBUG_BODY_BYTES = 64 * 1024;

export type DeliveryState = "succeeded" | "pending" | "dead";

/** Where a webhook's requests go and how: its URL, custom headers, timeout, IP allow-list, and whether it keeps whole bodies. */
export interface RequestTarget {
  url: string;
  headers: Record<string, string>;
  timeoutMs: number;
  ipWhitelist: string[];
  debugMode: boolean;
}

function hasAny(headers: Record<string, string>): boolean {
  for (const _ in headers) return true;
  return false;
}

/** POSTs a signed request to the webhook (its custom headers under the signature's), through the SSRF guard; returns the headers sent and the outcome. */
export async function postSigned(target: RequestTarget, signed: SignedRequest): Promise<{ headers: Record<string, string>; outcome: PostOutcome }> {
  // A spread costs microseconds per attempt (docs/engine.md, "Hot-path notes"); most webhooks have no custom headers.
  const headers = hasAny(target.headers) ? { ...target.headers, ...signed.headers } : signed.headers;
  const outcome = await postWebhook({
    url: target.url,
    body: signed.body,
    headers,
    timeoutMs: target.timeoutMs,
    allowPrivateNetworks: config().allowPrivateNetworks,
    ipWhitelist: target.ipWhitelist,
    maxResponseBytes: target.debugMode ? DEBUG_BODY_BYTES : RESPONSE_EXCERPT_BYTES,
  });
  return { headers, outcome };
}

export interface AttemptResult {
  deliveryId: string;
  attemptId: string;
  state: DeliveryState;
  outcome: PostOutcome;
  nextAttemptAt: Date | null;
}

/**
 * Text from a receiver as PostgreSQL can store it. NUL (U+0000) is the one character `text`
 * refuses, and a response body holding one failed the whole recording statement: the attempt
 * never counted, so the delivery was sent again and again and never settled. (Invalid UTF-8 is
 * already U+FFFD here: Buffer#toString replaces it.)
 */
export function storable<T extends string | null>(text: T): T {
  return (text?.includes("\u0000") ? text.replaceAll("\u0000", "\ufffd") : text) as T;
}

export function truncate(text: string, bytes: number): string {
  return Buffer.byteLength(text) <= bytes ? text : Buffer.from(text).subarray(0, bytes).toString("utf8");
}

interface Decision {
  state: DeliveryState;
  nextAttemptAt: Date | null;
  deadReason?: string;
  disableWebhook?: string;
}

/** What follows an attempt's outcome: a pure function of the policy, the outcome and the clock. */
export function decideNext(due: Pick<DueDelivery, "retryPolicy" | "eventCreatedAt" | "failingSince">, attemptsMade: number, outcome: PostOutcome, now: Date): Decision {
  if (outcome.ok) return { state: "succeeded", nextAttemptAt: null };
  const reason = outcome.errorClass === "http_status" ? `HTTP ${outcome.statusCode}` : `${outcome.errorClass}: ${outcome.errorMessage ?? ""}`.trim();
  // Standard Webhooks: 410 Gone means the endpoint is gone for good.
  if (outcome.statusCode === 410) return { state: "dead", nextAttemptAt: null, deadReason: "endpoint answered 410 Gone", disableWebhook: "endpoint answered 410 Gone" };
  const failingSince = due.failingSince ?? now;
  const disableAfterMs = config().autoDisableAfterDays * 24 * 3600 * 1000;
  const disableWebhook = now.getTime() - failingSince.getTime() >= disableAfterMs ? `failing continuously since ${failingSince.toISOString()}` : undefined;
  if (now.getTime() - due.eventCreatedAt.getTime() > MAX_EVENT_AGE_MS) return { state: "dead", nextAttemptAt: null, deadReason: `${reason}; event older than 7 days`, disableWebhook };
  const delay = nextRetryDelayMs(due.retryPolicy as RetryPolicy, attemptsMade, { retryAfterSeconds: outcome.retryAfterSeconds });
  if (delay === null) return { state: "dead", nextAttemptAt: null, deadReason: `${reason}; retry policy exhausted after ${attemptsMade} attempts`, disableWebhook };
  return { state: "pending", nextAttemptAt: new Date(now.getTime() + delay), disableWebhook };
}

/**
 * Decrypted signing secrets, kept per current ciphertext with the previous one and the overlap
 * state they were decrypted for (decrypting per attempt is costly: docs/engine.md, "Hot-path
 * notes"). A rotation writes new ciphertexts: never stale.
 */
const SECRETS_CACHE_SIZE = 1000;
const secretsCache = new Map<string, { previous: string | null; overlapping: boolean; secrets: string[] }>();

function cachedSigningSecrets(due: DueDelivery, now: Date): string[] {
  const overlapping = due.previousSecretExpiresAt ? due.previousSecretExpiresAt > now : false;
  const cached = secretsCache.get(due.secretCiphertext);
  if (cached && cached.previous === due.previousSecretCiphertext && cached.overlapping === overlapping) return cached.secrets;
  const secrets = signingSecrets(due, now);
  if (!cached && secretsCache.size >= SECRETS_CACHE_SIZE) secretsCache.delete(secretsCache.keys().next().value as string);
  secretsCache.set(due.secretCiphertext, { previous: due.previousSecretCiphertext, overlapping, secrets });
  return secrets;
}

/**
 * Sends `due` once and records what happened. `leaseOwner` must still hold the lease for the
 * result to count. `answered` is called as soon as the request is over (the dispatcher frees
 * the webhook's concurrency slot then; recording does not need it). `attemptId` is the id
 * the attempt will be recorded under (a rate limit counts it while under way).
 */
export async function runAttempt(due: DueDelivery, leaseOwner: string | null = null, answered?: () => void, attemptId = newId("att")): Promise<AttemptResult | null> {
  const started = new Date();
  const signed = signRequest({
    profile: due.signatureProfile as SignatureProfile,
    webhookId: due.webhookId,
    eventId: due.publicEventId,
    eventType: due.eventType,
    occurredAt: due.eventCreatedAt,
    dataJson: due.eventDataJson,
    secrets: cachedSigningSecrets(due, started),
    now: started,
    replayOf: due.replayOf,
  });
  const { headers, outcome } = await postSigned(due, signed);
  answered?.();
  const now = new Date();
  const attemptsMade = due.attempts + 1;
  const decision = decideNext(due, attemptsMade, outcome, now);
  const errorMessage = storable(outcome.errorMessage);

  // What the attempt does to its webhook's failing streak: a success ends it, the first failure
  // starts it, and a failure that crosses the auto-disable threshold (or a 410) disables it.
  const endsStreak = outcome.ok && due.failingSince !== null;
  const marksStreak = !outcome.ok && (!due.failingSince || decision.disableWebhook !== undefined);
  const recorded = await retryWhileDatabaseAway(() => recordAttempt({
    deliveryId: due.id,
    // Only the lease holder (or, without a dispatcher, whoever finds it still pending) may move it.
    leaseOwner,
    state: decision.state,
    attemptsMade,
    at: now,
    nextAttemptAt: decision.nextAttemptAt,
    responseCode: outcome.statusCode,
    lastError: outcome.ok ? null : errorMessage,
    attemptId,
    eventType: due.eventType,
    status: outcome.ok ? "succeeded" : "failed",
    responseTimeMs: Math.round(outcome.responseTimeMs),
    errorClass: outcome.errorClass,
    errorMessage,
    requestHeaders: JSON.stringify(headers),
    requestBody: due.debugMode ? signed.body : null,
    responseHeaders: due.debugMode ? JSON.stringify(outcome.responseHeaders) : null,
    responseBody: truncate(storable(outcome.responseBody), due.debugMode ? DEBUG_BODY_BYTES : RESPONSE_EXCERPT_BYTES),
    deadLetterId: decision.state === "dead" ? newId("fail") : null,
    deadReason: decision.state === "dead" ? storable(decision.deadReason ?? "failed") : null,
    touchesWebhook: endsStreak || marksStreak,
    failingSince: endsStreak ? null : (due.failingSince ?? now),
    disableReason: marksStreak ? (decision.disableWebhook ?? null) : null,
  }), RECORD_RETRY_MS);
  if (!recorded) return null;
  return { deliveryId: due.id, attemptId, state: decision.state, outcome, nextAttemptAt: decision.nextAttemptAt };
}

// ---------------------------------------------------------------------------------------------
// Recording attempts, batched: the delivery's new state (only if this caller still holds it),
// the attempt row, a dead letter, the failing streak — for every attempt that finished while the
// previous write ran, in one statement (group commit, lib/db/batched.ts; docs/engine.md).

export interface AttemptRecord {
  deliveryId: string;
  leaseOwner: string | null;
  state: DeliveryState;
  attemptsMade: number;
  at: Date;
  nextAttemptAt: Date | null;
  responseCode: number | null;
  lastError: string | null;
  attemptId: string;
  eventType: string;
  status: "succeeded" | "failed";
  responseTimeMs: number;
  errorClass: string | null;
  errorMessage: string | null;
  requestHeaders: string;
  requestBody: string | null;
  responseHeaders: string | null;
  responseBody: string;
  deadLetterId: string | null;
  deadReason: string | null;
  /** Whether the webhook's failing streak changes; then `failingSince` is its new start (null: healthy). */
  touchesWebhook: boolean;
  failingSince: Date | null;
  disableReason: string | null;
}

/** Rows per statement; a larger backlog is written in several. */
const RECORD_BATCH = 200;

// The webhook updates are folded in attempt order: the last attempt sets the streak, and a
// disabling attempt disables even if a later one in the same batch succeeded — exactly what
// applying the attempts one by one would leave.
// The same statement adds the kept attempts to the hourly stats rollups (lib/stats/attempt-rollups.ts).
// Deliveries are found from the input, one key lookup each: filtering them by the id array as
// well let the planner take them first and scan the whole input once per delivery (n², 53 of a
// batch's 71 ms at 200 rows; lib/delivery/record-plan.test.ts).
const RECORD_ATTEMPTS = `
  WITH input AS (
    SELECT i.*, to_timestamp(i.at_ms / 1000) AS at, to_timestamp(i.next_attempt_ms / 1000) AS next_attempt_at,
           to_timestamp(i.failing_since_ms / 1000) AS failing_since
    FROM unnest(
      $1::text[], $2::text[], $3::text[], $4::int[], $5::float8[], $6::float8[], $7::int[], $8::text[],
      $9::text[], $10::text[], $11::text[], $12::int[], $13::text[], $14::text[], $15::text[], $16::text[],
      $17::text[], $18::text[], $19::text[], $20::text[], $21::boolean[], $22::float8[], $23::text[]
    ) WITH ORDINALITY AS i(delivery_id, lease_owner, state, attempts, at_ms, next_attempt_ms, response_code, last_error,
                           attempt_id, event_type, status, response_time_ms, error_class, error_message,
                           request_headers, request_body, response_headers, response_body, dead_id, dead_reason,
                           touch_webhook, failing_since_ms, disable_reason, ord)
  ), moved AS (
    UPDATE deliveries d
    SET status = i.state::"DeliveryStatus",
        attempts = i.attempts,
        last_attempt_at = i.at AT TIME ZONE 'UTC',
        next_attempt_at = i.next_attempt_at AT TIME ZONE 'UTC',
        response_code = i.response_code,
        last_error = i.last_error,
        lease_owner = NULL,
        lease_expires_at = NULL,
        completed_at = CASE WHEN i.state = 'pending' THEN NULL ELSE i.at AT TIME ZONE 'UTC' END
    FROM input i
    WHERE d.id = i.delivery_id AND ${STILL_PENDING}
      AND (i.lease_owner IS NULL OR d.lease_owner = i.lease_owner)
    RETURNING d.id, d.account_id, d.webhook_id, d.event_id, d.ordering_key, d.status
  ), next_in_line AS (
    -- A keyed delivery that finished lets the next of its key go: wake the dispatchers for its webhooks now.
    SELECT pg_notify('${WORK_CHANNEL}', CASE WHEN length(names) <= ${MAX_NAMED_BYTES} THEN 'delivery:' || names ELSE 'delivery' END)
    FROM (SELECT string_agg(DISTINCT webhook_id, ',') AS names FROM moved WHERE ordering_key IS NOT NULL AND status <> 'pending') f
    WHERE names IS NOT NULL
  ), kept AS MATERIALIZED (
    SELECT i.*, m.account_id, m.webhook_id, m.event_id FROM input i JOIN moved m ON m.id = i.delivery_id
  ), attempt_rows AS (
    INSERT INTO attempts (id, account_id, delivery_id, webhook_id, event_id, event_type, attempt_number, status, response_code,
                          response_time_ms, error_class, error_message, request_headers, request_body, response_headers, response_body, created_at)
    SELECT attempt_id, account_id, delivery_id, webhook_id, event_id, event_type, attempts, status::"AttemptStatus", response_code,
           response_time_ms, error_class, error_message, request_headers::jsonb, request_body, response_headers::jsonb, response_body,
           at AT TIME ZONE 'UTC'
    FROM kept
  ), dead_rows AS (
    INSERT INTO dead_letters (id, account_id, webhook_id, delivery_id, event_id, event_type, reason, failed_at)
    SELECT dead_id, account_id, webhook_id, delivery_id, event_id, event_type, dead_reason, at AT TIME ZONE 'UTC'
    FROM kept WHERE state = 'dead'
  ), streak AS (
    SELECT DISTINCT ON (webhook_id) webhook_id, failing_since, at FROM kept WHERE touch_webhook ORDER BY webhook_id, ord DESC
  ), disabling AS (
    SELECT DISTINCT ON (webhook_id) webhook_id, disable_reason, at FROM kept WHERE disable_reason IS NOT NULL ORDER BY webhook_id, ord DESC
  ), webhook_rows AS (
    UPDATE webhooks w
    SET failing_since = s.failing_since AT TIME ZONE 'UTC',
        is_active = CASE WHEN x.webhook_id IS NULL THEN w.is_active ELSE false END,
        disabled_reason = CASE WHEN x.webhook_id IS NULL THEN w.disabled_reason ELSE x.disable_reason END,
        disabled_at = CASE WHEN x.webhook_id IS NULL THEN w.disabled_at ELSE x.at AT TIME ZONE 'UTC' END,
        updated_at = s.at AT TIME ZONE 'UTC'
    FROM streak s LEFT JOIN disabling x ON x.webhook_id = s.webhook_id
    WHERE w.id = s.webhook_id
  )${rollUpAttemptsSql("kept")}
  SELECT i.delivery_id FROM input i
  WHERE NOT EXISTS (SELECT FROM kept k WHERE k.delivery_id = i.delivery_id) AND (SELECT count(*) FROM next_in_line) >= 0`;

const epochMs = (date: Date | null) => date?.getTime() ?? null;

/** The recording statement for a batch (its plan is tested: lib/delivery/record-plan.test.ts). */
export function recordAttemptsStatement(batch: AttemptRecord[]) {
  const column = <K extends keyof AttemptRecord>(key: K) => batch.map((r) => r[key]);
  return {
    name: "hookrelay_record_attempts",
    text: RECORD_ATTEMPTS,
    values: [
      column("deliveryId"),
      column("leaseOwner"),
      column("state"),
      column("attemptsMade"),
      batch.map((r) => r.at.getTime()),
      batch.map((r) => epochMs(r.nextAttemptAt)),
      column("responseCode"),
      column("lastError"),
      column("attemptId"),
      column("eventType"),
      column("status"),
      column("responseTimeMs"),
      column("errorClass"),
      column("errorMessage"),
      column("requestHeaders"),
      column("requestBody"),
      column("responseHeaders"),
      column("responseBody"),
      column("deadLetterId"),
      column("deadReason"),
      column("touchesWebhook"),
      batch.map((r) => epochMs(r.failingSince)),
      column("disableReason"),
    ],
  };
}

/** Writes the batch; the deliveries whose attempt did not count (their lease was lost: usually none). */
async function writeRecords(batch: AttemptRecord[]): Promise<Set<string>> {
  const { rows } = await sql().query<{ delivery_id: string }>(recordAttemptsStatement(batch));
  return new Set(rows.map((r) => r.delivery_id));
}

/**
 * Statements start at most this often while attempts keep coming: every commit is a WAL flush
 * and a wake-up of the database, so a busy engine writes fewer, larger batches. A lone attempt
 * (Send Test, a quiet engine) is written at once. The wait delays only the bookkeeping: the
 * receiver already has the request, and the webhook's slot is already free.
 */
const RECORD_INTERVAL_MS = 20;

/**
 * How long an outcome waits for a database that cannot be reached (a restart, a failover)
 * before it is dropped. A dropped outcome is not lost: the delivery goes out again when its
 * lease expires, but the receiver then gets it twice. The statement is safe to repeat (its
 * first run may have committed unseen): it only moves a delivery its lease holder still holds,
 * and the attempt's id is its key.
 */
const RECORD_RETRY_MS = 10_000;

/** Records one attempt with the next batch; resolves to whether it counted (the caller still held the delivery). */
const recordAttempt = batched(
  async (batch: AttemptRecord[]) => {
    const lost = await writeRecords(batch);
    return batch.map((record) => !lost.has(record.deliveryId));
  },
  // A delivery appears at most once per statement (an UPDATE touches a row once).
  { maxBatch: RECORD_BATCH, minIntervalMs: RECORD_INTERVAL_MS, keyOf: (record) => record.deliveryId },
);

/**
 * One attempt of a delivery by id, outside any dispatcher (the Inngest function, Send Test).
 * It takes the row lease first, so a dispatcher cannot send the same delivery meanwhile.
 * Returns null when the delivery is final or another worker holds it.
 */
export async function attemptDelivery(deliveryId: string): Promise<AttemptResult | null> {
  const owner = newId("att");
  const due = await leaseDelivery(deliveryId, owner);
  return due ? runAttempt(due, owner) : null;
}
