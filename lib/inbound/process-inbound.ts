// Processing one stored inbound event: check that its payload carries what its event type
// needs, forward it to the account's webhooks when the integration has `forward_as`, and
// record the outcome. A failure is retried on the `inbound` policy (1 min, 5 min, 15 min);
// after that the event is `dead` — the inbound dead letter queue of seed 000 — until replayed.
// Both engines call in here: the embedded dispatcher through inbound-work.ts, Inngest through
// `processInboundEvent(id)`.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { publishEventIdempotently } from "@/lib/events/publish";
import { announceDeliveries } from "@/lib/engine/announce";
import { nextRetryDelayMs } from "@/lib/delivery/retry-policy";
import { ApiError } from "@/lib/http/errors";
import { log } from "@/lib/log";
import { leaseInboundEvent, type DueInboundEvent } from "@/lib/inbound/due-inbound-event";
import type { InboundEventType } from "@/lib/inbound/integration-input";

const MAX_ERROR_CHARS = 1000;

/** A failure that is about this event (its payload, its forwarding), not a crash of ours. */
export class InboundProcessingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InboundProcessingError";
  }
}

const identifier = z.union([z.string().min(1).max(200), z.number().int()]);

/** The envelope, whose `data` must carry `<field>` or, failing that, `id`. */
function envelopeWithId(field: string) {
  const data = z.record(z.string(), z.unknown(), { error: "`data` must be a JSON object" }).superRefine((value, ctx) => {
    if (identifier.safeParse(value[field]).success || identifier.safeParse(value.id).success) return;
    ctx.addIssue({ code: "custom", path: [field], message: "required (or `data.id`): a non-empty string or an integer" });
  });
  return z.object({ event: z.string(), data }, { error: "the payload must be a JSON object" });
}

/** What each of seed 000's event types must carry to be processed. */
const payloadSchemas: Record<InboundEventType, ReturnType<typeof envelopeWithId>> = {
  "transaction.created": envelopeWithId("transaction_id"),
  "transaction.updated": envelopeWithId("transaction_id"),
  "transaction.voided": envelopeWithId("transaction_id"),
  "invoice.paid": envelopeWithId("invoice_id"),
  "payment.received": envelopeWithId("payment_id"),
};

/** The payload's `data`, or an InboundProcessingError saying what is missing. */
export function validateInboundPayload(eventType: string, payload: unknown): Record<string, unknown> {
  const schema = Object.hasOwn(payloadSchemas, eventType) ? payloadSchemas[eventType as InboundEventType] : undefined;
  if (!schema) throw new InboundProcessingError(`unknown event type \`${eventType}\``);
  const result = schema.safeParse(payload);
  if (!result.success) {
    const problems = result.error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message));
    throw new InboundProcessingError(`invalid ${eventType} payload: ${problems.join("; ")}`);
  }
  return result.data.data;
}

/**
 * Re-publishes the event to the account's webhooks with the inbound event's own type. The
 * outbound id is derived from the inbound id, so processing the event again (a retry after a
 * crash, a replay) never publishes it twice.
 */
async function forwardInboundEvent(due: DueInboundEvent, data: Record<string, unknown>) {
  const source = { source_system: due.sourceSystem, user_id: due.userId, integration_id: due.integrationId, forward_as: due.forwardAs };
  const lineage = { source: { integrationId: due.integrationId, inboundEventId: due.id } };
  const published = await publishEventIdempotently(due.accountId, { id: `inbound_${due.id}`, type: due.eventType, data: { ...data, _source: source } }, lineage).catch(
    (error: unknown) => {
      // A refusal (e.g. data over 256 KB) is about this event; anything else is ours and is logged.
      throw error instanceof ApiError ? new InboundProcessingError(`forwarding as an outbound event failed: ${error.message}`) : error;
    },
  );
  // Inngest mode: tell it about the new deliveries (a duplicate's were announced, or are swept up).
  if (!published.duplicate) await announceDeliveries(published.deliveries);
}

export type InboundProcessResult =
  | { id: string; state: "processed"; attempts: number }
  | { id: string; state: "pending"; attempts: number; error: string; nextAttemptAt: Date }
  | { id: string; state: "dead"; attempts: number; error: string };

function describe(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length > MAX_ERROR_CHARS ? `${message.slice(0, MAX_ERROR_CHARS - 1)}…` : message;
}

/**
 * Processes a leased inbound event once and records the outcome. Only the lease holder may
 * record it; returns null when the lease was lost meanwhile (someone else finished it).
 */
export async function runInboundProcessing(due: DueInboundEvent, owner: string, now: () => Date = () => new Date()): Promise<InboundProcessResult | null> {
  let failure: string | null = null;
  try {
    const data = validateInboundPayload(due.eventType, due.payload);
    if (due.forwardAs) await forwardInboundEvent(due, data);
  } catch (error) {
    if (!(error instanceof InboundProcessingError)) log().warn({ err: error, inboundEventId: due.id }, "processing an inbound event failed");
    failure = describe(error);
  }

  const attempts = due.attempts + 1;
  const at = now();
  let result: InboundProcessResult;
  if (failure === null) {
    result = { id: due.id, state: "processed", attempts };
  } else {
    const delay = nextRetryDelayMs("inbound", attempts);
    result =
      delay === null
        ? { id: due.id, state: "dead", attempts, error: `${failure}; retries exhausted after ${attempts} attempts` }
        : { id: due.id, state: "pending", attempts, error: failure, nextAttemptAt: new Date(at.getTime() + delay) };
  }

  const moved = await db().inboundEvent.updateMany({
    where: { id: due.id, status: "pending", leaseOwner: owner },
    data: {
      status: result.state,
      attempts,
      lastError: result.state === "processed" ? null : result.error,
      nextAttemptAt: result.state === "pending" ? result.nextAttemptAt : null,
      processedAt: result.state === "processed" ? at : undefined,
      deadAt: result.state === "dead" ? at : undefined,
      leaseOwner: null,
      leaseExpiresAt: null,
    },
  });
  return moved.count === 0 ? null : result;
}

/**
 * Processes one inbound event by id, outside the dispatcher (Inngest, tests). It takes the row
 * lease first, so a dispatcher cannot process it meanwhile. Returns null when the event is
 * already processed or dead, or another worker holds it.
 */
export async function processInboundEvent(id: string): Promise<InboundProcessResult | null> {
  const owner = `inbound_${randomUUID()}`;
  const due = await leaseInboundEvent(id, owner);
  return due ? runInboundProcessing(due, owner) : null;
}
