// The two delivery engines around the one delivery core (DESIGN.md: DELIVERY_ENGINE).
//
// `embedded` runs the in-process dispatcher over the Postgres tables: a NOTIFY in the
// publishing transaction wakes it, and it purges old history once a day. `inngest` leaves the
// driving to Inngest, which calls the functions served at /api/inngest; work is announced to
// it with `inngest.send` after the database commit, and a sweeper (inngest/functions/
// sweep-deliveries.ts) re-announces what a crash between the commit and the send left behind.
//
// Both engines only decide *when* to call the core (attemptDelivery, processInboundEvent). The
// `…WhenDue` functions below are that decision for one Inngest step: they look at the row and
// either act now or say until when to sleep, so a duplicate or early announcement can never
// hasten a retry or attempt a parked delivery.
import { deliveryRequested, inboundReceived, inngest } from "@/inngest/client";
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { attemptDelivery } from "@/lib/delivery/attempt-delivery";
import { deliveryWork, rateLimitedUntil } from "@/lib/delivery/delivery-work";
import { createDispatcher } from "@/lib/delivery/dispatcher";
import { purgeOldHistory, retentionCutoff } from "@/lib/delivery/retention";
import { inboundWork } from "@/lib/inbound/inbound-work";
import { processInboundEvent } from "@/lib/inbound/process-inbound";
import { log } from "@/lib/log";

export interface RunningEngine {
  stop(): Promise<void>;
}

const DAY_MS = 24 * 3600 * 1000;
/** The embedded engine's first purge runs this long after start, out of the way of start-up. */
const FIRST_PURGE_DELAY_MS = 5 * 60 * 1000;

export async function startDeliveryEngine(): Promise<RunningEngine> {
  if (config().deliveryEngine !== "embedded") return { stop: async () => {} };
  const dispatcher = createDispatcher([deliveryWork, inboundWork]);
  await dispatcher.start();
  // Inngest runs the purge as a cron (inngest/functions/retention.ts); here a timer does. Two
  // instances purging at once only delete the same rows.
  const purge = () =>
    purgeOldHistory(retentionCutoff()).catch((error) => log().warn({ err: error }, "purging old delivery history failed; will try again tomorrow"));
  let timer = setTimeout(function again() {
    void purge();
    timer = setTimeout(again, DAY_MS).unref();
  }, FIRST_PURGE_DELAY_MS).unref();
  return {
    async stop() {
      clearTimeout(timer);
      await dispatcher.stop();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Announcing work to Inngest

/** Inngest accepts at most a few MB per send; deliveries are announced in chunks this size. */
const SEND_CHUNK = 500;

type Announcement = ReturnType<typeof deliveryRequested.create> | ReturnType<typeof inboundReceived.create>;

async function sendAnnouncements(events: Announcement[]): Promise<void> {
  for (let i = 0; i < events.length; i += SEND_CHUNK) await inngest.send(events.slice(i, i + SEND_CHUNK));
}

const inngestDrives = () => config().deliveryEngine === "inngest";

/**
 * Tells Inngest these deliveries are ready (after their transaction committed). In embedded
 * mode it does nothing: the NOTIFY in the same transaction already woke the dispatcher.
 * Never throws: the deliveries are stored, and if Inngest cannot be reached the sweeper
 * announces them again once they are overdue.
 */
export async function announceDeliveries(deliveries: { id: string; webhookId: string }[]): Promise<void> {
  if (!inngestDrives() || deliveries.length === 0) return;
  try {
    await sendAnnouncements(deliveries.map((d) => deliveryRequested.create({ delivery_id: d.id, webhook_id: d.webhookId })));
  } catch (error) {
    log().warn({ err: error, deliveries: deliveries.length }, "could not announce deliveries to Inngest; the sweeper will");
  }
}

/** The pending deliveries of a webhook (re-enabled: its parked deliveries), announced again. */
export async function announcePendingDeliveries(webhookId: string): Promise<void> {
  if (!inngestDrives()) return;
  const pending = await db().delivery.findMany({ where: { webhookId, status: "pending" }, select: { id: true, webhookId: true } });
  await announceDeliveries(pending);
}

/** Like announceDeliveries, for stored inbound events. */
export async function announceInboundEvents(events: { id: string; integrationId: string }[]): Promise<void> {
  if (!inngestDrives() || events.length === 0) return;
  try {
    await sendAnnouncements(events.map((e) => inboundReceived.create({ inbound_event_id: e.id, integration_id: e.integrationId })));
  } catch (error) {
    log().warn({ err: error, inboundEvents: events.length }, "could not announce inbound events to Inngest; the sweeper will");
  }
}

export const announceInboundEvent = (event: { id: string; integrationId: string }) => announceInboundEvents([event]);

/**
 * A run attempts a delivery within seconds of its `next_attempt_at`; one overdue by more than
 * this, and not leased, has no run driving it (a crash between commit and send, a run that
 * gave up, a Send Test retry).
 */
export const STRANDED_AFTER_MS = 2 * 60 * 1000;
const SWEEP_LIMIT = 1000;
const HOUR_MS = 3600 * 1000;

export interface SweepResult {
  deliveries: number;
  inboundEvents: number;
}

/**
 * Re-announces due work that no run drives (the Inngest sweeper's step). The event id names
 * the row, its attempt count and the hour, so Inngest drops repeats: while a backlog delays
 * runs, each stranded row is re-announced at most once an hour, not once a minute.
 */
export async function reannounceStrandedWork(now = new Date()): Promise<SweepResult> {
  const cutoff = new Date(now.getTime() - STRANDED_AFTER_MS);
  const leaseFree = [{ leaseExpiresAt: null }, { leaseExpiresAt: { lt: now } }];
  const hour = Math.floor(now.getTime() / HOUR_MS);
  const [deliveries, inboundEvents] = await Promise.all([
    db().delivery.findMany({
      where: { status: "pending", nextAttemptAt: { lt: cutoff }, OR: leaseFree, webhook: { isActive: true } },
      select: { id: true, webhookId: true, attempts: true },
      orderBy: { nextAttemptAt: "asc" },
      take: SWEEP_LIMIT,
    }),
    db().inboundEvent.findMany({
      where: { status: "pending", nextAttemptAt: { lt: cutoff }, OR: leaseFree },
      select: { id: true, integrationId: true, attempts: true },
      orderBy: { nextAttemptAt: "asc" },
      take: SWEEP_LIMIT,
    }),
  ]);
  await sendAnnouncements([
    ...deliveries.map((d) => deliveryRequested.create({ delivery_id: d.id, webhook_id: d.webhookId }, { id: `sweep-${d.id}-${d.attempts}-${hour}` })),
    ...inboundEvents.map((e) => inboundReceived.create({ inbound_event_id: e.id, integration_id: e.integrationId }, { id: `sweep-${e.id}-${e.attempts}-${hour}` })),
  ]);
  return { deliveries: deliveries.length, inboundEvents: inboundEvents.length };
}

// ---------------------------------------------------------------------------------------------
// One step of an Inngest run. Results are plain JSON (Inngest stores them as step output).

/** Clocks of the Inngest server and of this app differ a little; a row due within this is due. */
const CLOCK_TOLERANCE_MS = 250;
/** When a row looked due but could not be leased, look again after this. */
const RECHECK_MS = 2000;

export interface DeliveryStepResult {
  /** `pending`: sleep until `nextAttemptAt`, then call again. Anything else ends the run. */
  state: "succeeded" | "dead" | "pending" | "parked" | "missing";
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
    select: { status: true, nextAttemptAt: true, leaseExpiresAt: true, webhookId: true, webhook: { select: { isActive: true, rateLimitPerHour: true } } },
  });
  if (!delivery) return { state: "missing", attempted: false, nextAttemptAt: null };
  if (delivery.status !== "pending") return { state: delivery.status, attempted: false, nextAttemptAt: null };
  // Parked: re-enabling the webhook announces its pending deliveries again.
  if (!delivery.webhook.isActive) return { state: "parked", attempted: false, nextAttemptAt: null };
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
