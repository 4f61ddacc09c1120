// Endpoint check: a short conformance run against a webhook's receiver. It sends a request
// signed with a wrong secret, one with a stale timestamp (profiles that sign it), a correctly
// signed one and a second copy of it, through the same signing, SSRF guard and HTTP client as
// real deliveries, each marked `webhook-check: 1`; lib/delivery/check-verdicts.ts turns the
// answers into the checklist. The requests are recorded as one check delivery whose attempts
// carry their check item: the log shows them, the stats and health figures leave them out.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { DEBUG_BODY_BYTES, postSigned, RESPONSE_EXCERPT_BYTES, storable, truncate } from "@/lib/delivery/attempt-delivery";
import { checkVerdicts, type CheckOutcomes, type CheckRequest } from "@/lib/delivery/check-verdicts";
import type { PostOutcome } from "@/lib/delivery/http-post";
import { testEventType } from "@/lib/delivery/send-test";
import type { Prisma, Webhook } from "@/lib/generated/prisma/client";
import { profileHeaders, type SignatureProfile } from "@/lib/signing/profiles";
import { signRequest } from "@/lib/signing/sign-request";
import { getWebhook, signingSecrets } from "@/lib/webhooks/webhooks";

export const checkEndpointInput = z
  .strictObject({ event: z.string().max(100).optional().meta({ description: "The event type whose example payload the check sends; default as for Send Test." }) })
  .meta({ id: "CheckEndpoint" });

const checkItemJson = z.object({
  key: z.enum(["signed", "bad_signature", "stale_timestamp", "within_timeout", "idempotent"]),
  name: z.string(),
  result: z.enum(["pass", "fail", "not_applicable"]),
  status_codes: z.array(z.number().int().nullable()).meta({ description: "The HTTP status of each request the item looked at; null: no answer." }),
  response_time_ms: z.number().int().nullable(),
  detail: z.string(),
  fix: z.string().nullable().meta({ description: "What to change on the receiver; null when the item passed or does not apply." }),
});

/** The answer of POST /api/webhooks/{id}/check, for the OpenAPI document. */
export const endpointCheckJson = z
  .object({
    webhook_id: z.string(),
    delivery_id: z.string().meta({ description: "The check delivery holding the check's attempts in the log." }),
    event: z.string(),
    event_id: z.string(),
    signature_profile: z.string(),
    passed: z.boolean().meta({ description: "No item failed." }),
    checked_at: z.string(),
    items: z.array(checkItemJson),
  })
  .meta({ id: "EndpointCheck" });

/** How old the stale request's timestamp is: well outside the 5-minute window receivers are asked to allow. */
export const STALE_MINUTES = 10;

interface CheckEvent {
  id: string;
  type: string;
  data: unknown;
  createdAt: Date;
}

interface SentCheck {
  request: CheckRequest;
  headers: Record<string, string>;
  body: string;
  outcome: PostOutcome;
  at: Date;
}

/** The requests of a check, in the order they go out: the forged ones first, before the event id has been accepted once. */
export function checkPlan(profile: SignatureProfile): CheckRequest[] {
  return ["bad_signature", ...(profileHeaders[profile].signsTimestamp ? (["stale_timestamp"] as const) : []), "signed", "duplicate"];
}

/** A secret in the webhook's format that is not the webhook's. */
const wrongSecret = () => `whsec_${randomBytes(24).toString("base64")}`;

async function sendCheckRequest(webhook: Webhook, event: CheckEvent, request: CheckRequest): Promise<SentCheck> {
  const now = new Date();
  const signed = signRequest({
    profile: webhook.signatureProfile as SignatureProfile,
    webhookId: webhook.id,
    eventId: event.id,
    eventType: event.type,
    occurredAt: event.createdAt,
    data: event.data,
    secrets: request === "bad_signature" ? [wrongSecret()] : signingSecrets(webhook, now),
    now: request === "stale_timestamp" ? new Date(now.getTime() - STALE_MINUTES * 60_000) : now,
    check: true,
  });
  const { headers, outcome } = await postSigned({ ...webhook, headers: webhook.headers as Record<string, string> }, signed);
  return { request, headers, body: signed.body, outcome, at: new Date() };
}

/** Stores the check as a finished delivery (never queued) of a test event, with one attempt per request. */
async function recordCheck(webhook: Webhook, event: CheckEvent, sent: SentCheck[]): Promise<string> {
  const deliveryId = newId("dlv");
  const signed = sent.find((s) => s.request === "signed")!.outcome;
  const last = sent[sent.length - 1];
  const keep = webhook.debugMode ? DEBUG_BODY_BYTES : RESPONSE_EXCERPT_BYTES;
  const attempts: Prisma.AttemptCreateManyInput[] = sent.map((s, i) => ({
    id: newId("att"),
    accountId: webhook.accountId,
    deliveryId,
    webhookId: webhook.id,
    eventId: event.id,
    eventType: event.type,
    attemptNumber: i + 1,
    status: s.outcome.ok ? "succeeded" : "failed",
    responseCode: s.outcome.statusCode,
    responseTimeMs: Math.round(s.outcome.responseTimeMs),
    errorClass: s.outcome.errorClass,
    errorMessage: storable(s.outcome.errorMessage),
    requestHeaders: s.headers,
    requestBody: webhook.debugMode ? s.body : null,
    ...(webhook.debugMode ? { responseHeaders: s.outcome.responseHeaders } : {}),
    responseBody: truncate(storable(s.outcome.responseBody), keep),
    createdAt: s.at,
    checkItem: s.request,
  }));
  await db().$transaction([
    db().event.create({ data: { id: event.id, accountId: webhook.accountId, type: event.type, data: event.data as Prisma.InputJsonValue, isTest: true, createdAt: event.createdAt } }),
    db().delivery.create({
      data: {
        id: deliveryId,
        accountId: webhook.accountId,
        webhookId: webhook.id,
        eventId: event.id,
        isCheck: true,
        status: signed.ok ? "succeeded" : "dead",
        attempts: sent.length,
        nextAttemptAt: null,
        lastAttemptAt: last.at,
        responseCode: signed.statusCode,
        lastError: signed.ok ? null : storable(signed.errorMessage),
        createdAt: event.createdAt,
        completedAt: last.at,
      },
    }),
    db().attempt.createMany({ data: attempts }),
  ]);
  return deliveryId;
}

/** Runs the check against the account's webhook and returns the checklist. */
export async function checkEndpoint(accountId: string, webhookId: string, requestedType?: string) {
  const webhook = await getWebhook(accountId, webhookId);
  const profile = webhook.signatureProfile as SignatureProfile;
  const eventType = testEventType(webhook, requestedType);
  const event: CheckEvent = { id: newId("evt"), type: eventType.type, data: eventType.example, createdAt: new Date() };
  const sent: SentCheck[] = [];
  const outcomes: CheckOutcomes = {};
  for (const request of checkPlan(profile)) {
    // A second copy after a timeout would only wait out the timeout again.
    if (request === "duplicate" && outcomes.signed?.errorClass === "timeout") continue;
    const result = await sendCheckRequest(webhook, event, request);
    sent.push(result);
    outcomes[request] = result.outcome;
  }
  const deliveryId = await recordCheck(webhook, event, sent);
  const items = checkVerdicts({ profile, timeoutMs: webhook.timeoutMs, eventId: event.id, staleMinutes: STALE_MINUTES }, outcomes);
  return {
    webhook_id: webhook.id,
    delivery_id: deliveryId,
    event: event.type,
    event_id: event.id,
    signature_profile: profile,
    passed: items.every((i) => i.result !== "fail"),
    checked_at: event.createdAt.toISOString(),
    items,
  };
}
