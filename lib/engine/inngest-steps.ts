// One step of an Inngest run: look at the row and either act now (attempt the delivery, process
// the inbound event) or say until when to sleep, so a duplicate or early announcement can never
// hasten a retry or attempt a parked delivery. Results are plain JSON (Inngest stores them as
// step output).
import { db } from "@/lib/db/client";
import { attemptDelivery } from "@/lib/delivery/attempt-delivery";
import { isHeldBack, nextInLine } from "@/lib/delivery/due-delivery";
import { rateLimitedUntil } from "@/lib/delivery/rate-limit";
import { announceDeliveries } from "@/lib/engine/announce";
import { processInboundEvent } from "@/lib/inbound/process-inbound";

/** Clocks of the Inngest server and of this app differ a little; a row due within this is due. */
const CLOCK_TOLERANCE_MS = 250;
/** When a row looked due but could not be leased, look again after this. */
const RECHECK_MS = 2000;

export interface DeliveryStepResult {
  /** `pending`: sleep until `nextAttemptAt`, then call again. Anything else ends the run. */
  /** `blocked`: an earlier delivery of its ordering key holds it back; it is announced again when that one finishes. */
  state: "succeeded" | "dead" | "pending" | "parked" | "blocked" | "missing";
  /** Whether this call made an HTTP request. */
  attempted: boolean;
  nextAttemptAt: string | null;
  responseCode?: number | null;
  attemptId?: string;
}

export interface InboundStepResult {
  state: "processed" | "dead" | "pending" | "missing";
  /** Whether this call processed the event. */
  attempted: boolean;
  nextAttemptAt: string | null;
  error?: string;
}

interface PendingRow {
  nextAttemptAt: Date | null;
  leaseExpiresAt: Date | null;
}

/** Until when a pending row must wait (its schedule, or another worker's lease), or null if due now. */
function waitingUntil(row: PendingRow, now: Date): Date | null {
  const times = [row.nextAttemptAt, row.leaseExpiresAt].filter((t): t is Date => t !== null).map((t) => t.getTime());
  const until = Math.max(0, ...times);
  return until > now.getTime() + CLOCK_TOLERANCE_MS ? new Date(until) : null;
}

const recheckAt = (now: Date) => new Date(now.getTime() + RECHECK_MS).toISOString();

async function inspectDelivery(deliveryId: string, now: Date): Promise<DeliveryStepResult | "due"> {
  const delivery = await db().delivery.findUnique({
    where: { id: deliveryId },
    select: { status: true, nextAttemptAt: true, leaseExpiresAt: true, webhookId: true, orderingKey: true, webhook: { select: { isActive: true, rateLimitPerHour: true } } },
  });
  if (!delivery) return { state: "missing", attempted: false, nextAttemptAt: null };
  if (delivery.status !== "pending") return { state: delivery.status, attempted: false, nextAttemptAt: null };
  // Parked: re-enabling the webhook announces its pending deliveries again.
  if (!delivery.webhook.isActive) return { state: "parked", attempted: false, nextAttemptAt: null };
  if (delivery.orderingKey !== null && (await isHeldBack(deliveryId))) return { state: "blocked", attempted: false, nextAttemptAt: null };
  const until = waitingUntil(delivery, now);
  if (until) return { state: "pending", attempted: false, nextAttemptAt: until.toISOString() };
  const perHour = delivery.webhook.rateLimitPerHour;
  const limitedUntil = perHour ? await rateLimitedUntil(delivery.webhookId, perHour, now) : null;
  if (limitedUntil) {
    // Postponed, never dropped — as the embedded engine does; the row shows when it goes next.
    await db().delivery.updateMany({ where: { id: deliveryId, status: "pending" }, data: { nextAttemptAt: limitedUntil } });
    return { state: "pending", attempted: false, nextAttemptAt: limitedUntil.toISOString() };
  }
  return "due";
}

/** A finished keyed delivery lets the next of its key go: its run ended when it found itself blocked, so it is announced again. */
async function announceNextInLine(finishedId: string): Promise<void> {
  const next = await nextInLine(finishedId);
  if (next) await announceDeliveries([next]);
}

/**
 * Attempts the delivery if it is due now; otherwise says why not: final, parked, or pending
 * until a time (its retry schedule, the webhook's hourly rate limit, another worker's lease).
 */
export async function attemptDeliveryWhenDue(deliveryId: string): Promise<DeliveryStepResult> {
  const now = new Date();
  const inspected = await inspectDelivery(deliveryId, now);
  if (inspected !== "due") return inspected;
  const result = await attemptDelivery(deliveryId);
  if (!result) {
    // Someone leased or finished it since we looked.
    const again = await inspectDelivery(deliveryId, new Date());
    return again === "due" ? { state: "pending", attempted: false, nextAttemptAt: recheckAt(now) } : again;
  }
  if (result.state !== "pending") await announceNextInLine(deliveryId);
  return {
    state: result.state,
    attempted: true,
    nextAttemptAt: result.nextAttemptAt?.toISOString() ?? null,
    responseCode: result.outcome.statusCode,
    attemptId: result.attemptId,
  };
}

async function inspectInboundEvent(id: string, now: Date): Promise<InboundStepResult | "due"> {
  const event = await db().inboundEvent.findUnique({ where: { id }, select: { status: true, nextAttemptAt: true, leaseExpiresAt: true } });
  if (!event) return { state: "missing", attempted: false, nextAttemptAt: null };
  if (event.status !== "pending") return { state: event.status, attempted: false, nextAttemptAt: null };
  const until = waitingUntil(event, now);
  return until ? { state: "pending", attempted: false, nextAttemptAt: until.toISOString() } : "due";
}

/** Processes the inbound event if it is due now; otherwise says whether it is final or until when it waits. */
export async function processInboundEventWhenDue(id: string): Promise<InboundStepResult> {
  const now = new Date();
  const inspected = await inspectInboundEvent(id, now);
  if (inspected !== "due") return inspected;
  const result = await processInboundEvent(id);
  if (!result) {
    const again = await inspectInboundEvent(id, new Date());
    return again === "due" ? { state: "pending", attempted: false, nextAttemptAt: recheckAt(now) } : again;
  }
  return {
    state: result.state,
    attempted: true,
    nextAttemptAt: result.state === "pending" ? result.nextAttemptAt.toISOString() : null,
    ...(result.state === "processed" ? {} : { error: result.error }),
  };
}
