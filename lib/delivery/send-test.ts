// Send Test: publish the event type's catalog example to one webhook and attempt it now,
// returning the first attempt's outcome. It is a real delivery: if it fails it retries on the
// webhook's policy like any other.
import { z } from "zod";
import { attemptDelivery } from "@/lib/delivery/attempt-delivery";
import { findEventType } from "@/lib/events/catalog";
import { publishEvent } from "@/lib/events/publish";
import { ApiError } from "@/lib/http/errors";
import type { Webhook } from "@/lib/generated/prisma/client";
import { getWebhook } from "@/lib/webhooks/webhooks";

export const sendTestInput = z
  .strictObject({ event: z.string().max(100).optional(), type: z.string().max(100).optional() })
  .meta({ id: "SendTest" });

/** The catalog event type a test sends: the one asked for, else the webhook's first exact subscription, else `order.created`. `field` names the type's field in the caller's request, for the error detail. */
export function testEventType(webhook: Pick<Webhook, "events">, requestedType?: string, field = "event") {
  const type = requestedType ?? webhook.events.find((e) => findEventType(e)) ?? "order.created";
  const eventType = findEventType(type);
  if (!eventType) throw new ApiError("validation_error", "invalid request body", [{ path: field, message: `unknown event type ${type}` }]);
  return eventType;
}

export async function sendTestEvent(accountId: string, webhookId: string, requestedType?: string, field = "event") {
  const webhook = await getWebhook(accountId, webhookId);
  const eventType = testEventType(webhook, requestedType, field);
  const type = eventType.type;
  const { event, deliveries } = await publishEvent(accountId, { type, data: eventType.example, id: undefined }, { isTest: true, webhookIds: [webhook.id], callerAttempts: true });
  const deliveryId = deliveries[0].id;
  const result = await attemptDelivery(deliveryId);
  return {
    delivery_id: deliveryId,
    event_id: event.externalId ?? event.id,
    event: type,
    status: result?.outcome.ok ? ("succeeded" as const) : ("failed" as const),
    response_code: result?.outcome.statusCode ?? null,
    response_time_ms: result ? Math.round(result.outcome.responseTimeMs) : null,
    error: result?.outcome.errorClass ?? null,
    error_message: result?.outcome.errorMessage ?? null,
    response_body: result?.outcome.responseBody ?? null,
    next_attempt_at: result?.nextAttemptAt?.toISOString() ?? null,
  };
}

export type SendTestJson = Awaited<ReturnType<typeof sendTestEvent>>;
