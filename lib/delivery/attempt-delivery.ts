// The delivery core: one attempt of one delivery. It signs the request with the webhook's
// signature profile, POSTs it (SSRF-guarded, under the webhook's timeout), records the
// attempt, and moves the delivery on: succeeded, pending again with the policy's next
// delay, or dead with a dead letter. Both engines (lib/delivery/dispatcher.ts and the
// Inngest functions) only decide *when* to call it.
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import type { Prisma } from "@/lib/generated/prisma/client";
import { postWebhook, type PostOutcome } from "@/lib/delivery/http-post";
import { MAX_EVENT_AGE_MS, nextRetryDelayMs, type RetryPolicy } from "@/lib/delivery/retry-policy";
import { leaseDelivery, type DueDelivery } from "@/lib/delivery/due-delivery";
import { signRequest, type SignatureProfile } from "@/lib/signing/sign-request";
import { signingSecrets } from "@/lib/webhooks/webhooks";

/** Kept of every response body; with `debug_mode` the full bodies (up to the read cap) are kept. */
const RESPONSE_EXCERPT_BYTES = 1024;
const DEBUG_BODY_BYTES = 64 * 1024;

export type DeliveryState = "succeeded" | "pending" | "dead";

export interface AttemptResult {
  deliveryId: string;
  attemptId: string;
  state: DeliveryState;
  outcome: PostOutcome;
  nextAttemptAt: Date | null;
}

function truncate(text: string, bytes: number): string {
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

/** Sends `due` once and records what happened. `leaseOwner` must still hold the lease for the result to count. */
export async function runAttempt(due: DueDelivery, leaseOwner: string | null = null): Promise<AttemptResult | null> {
  const started = new Date();
  const signed = signRequest({
    profile: due.signatureProfile as SignatureProfile,
    webhookId: due.webhookId,
    eventId: due.publicEventId,
    eventType: due.eventType,
    occurredAt: due.eventCreatedAt,
    data: due.eventData,
    secrets: signingSecrets(due, started),
    now: started,
  });
  const headers = { ...due.headers, ...signed.headers };
  const outcome = await postWebhook({
    url: due.url,
    body: signed.body,
    headers,
    timeoutMs: due.timeoutMs,
    allowPrivateNetworks: config().allowPrivateNetworks,
    ipWhitelist: due.ipWhitelist,
    maxResponseBytes: due.debugMode ? DEBUG_BODY_BYTES : RESPONSE_EXCERPT_BYTES,
  });
  const now = new Date();
  const attemptsMade = due.attempts + 1;
  const decision = decideNext(due, attemptsMade, outcome, now);
  const attemptId = newId("att");

  const recorded = await db().$transaction(async (tx) => {
    // Only the lease holder (or, without a dispatcher, whoever finds it still pending) may move it.
    const moved = await tx.delivery.updateMany({
      where: { id: due.id, status: "pending", ...(leaseOwner ? { leaseOwner } : {}) },
      data: {
        status: decision.state,
        attempts: attemptsMade,
        lastAttemptAt: now,
        nextAttemptAt: decision.nextAttemptAt,
        responseCode: outcome.statusCode,
        lastError: outcome.ok ? null : outcome.errorMessage,
        leaseOwner: null,
        leaseExpiresAt: null,
        completedAt: decision.state === "pending" ? null : now,
      },
    });
    if (moved.count === 0) return false;
    await tx.attempt.create({
      data: {
        id: attemptId,
        accountId: due.accountId,
        deliveryId: due.id,
        webhookId: due.webhookId,
        eventId: due.eventId,
        eventType: due.eventType,
        attemptNumber: attemptsMade,
        status: outcome.ok ? "succeeded" : "failed",
        responseCode: outcome.statusCode,
        responseTimeMs: Math.round(outcome.responseTimeMs),
        errorClass: outcome.errorClass,
        errorMessage: outcome.errorMessage,
        requestHeaders: headers,
        requestBody: due.debugMode ? signed.body : null,
        responseHeaders: due.debugMode ? (outcome.responseHeaders as Prisma.InputJsonValue) : undefined,
        responseBody: truncate(outcome.responseBody, due.debugMode ? DEBUG_BODY_BYTES : RESPONSE_EXCERPT_BYTES),
        createdAt: now,
      },
    });
    if (decision.state === "dead") {
      await tx.deadLetter.create({
        data: {
          id: newId("fail"),
          accountId: due.accountId,
          webhookId: due.webhookId,
          deliveryId: due.id,
          eventId: due.eventId,
          eventType: due.eventType,
          reason: decision.deadReason ?? "failed",
          failedAt: now,
        },
      });
    }
    if (outcome.ok && due.failingSince) {
      await tx.webhook.update({ where: { id: due.webhookId }, data: { failingSince: null } });
    } else if (!outcome.ok && (!due.failingSince || decision.disableWebhook)) {
      await tx.webhook.update({
        where: { id: due.webhookId },
        data: {
          failingSince: due.failingSince ?? now,
          ...(decision.disableWebhook ? { isActive: false, disabledReason: decision.disableWebhook, disabledAt: now } : {}),
        },
      });
    }
    return true;
  });
  if (!recorded) return null;
  return { deliveryId: due.id, attemptId, state: decision.state, outcome, nextAttemptAt: decision.nextAttemptAt };
}

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
