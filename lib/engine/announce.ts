// Announcing work to Inngest (DELIVERY_ENGINE=inngest) after the database commit. In embedded
// mode every function here does nothing: the NOTIFY in the same transaction already woke the
// dispatcher. A sweeper (inngest/functions/sweep-deliveries.ts) re-announces what a crash
// between the commit and the send left behind. lib/ does not know the Inngest client: the
// process that runs Inngest connects a sender at start (inngest/announce-to-inngest.ts).
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { leaseFreeAt } from "@/lib/db/lease";
import { log } from "@/lib/log";

/** Work that is ready, for Inngest to run. `dedupeId`: Inngest drops a second send with the same id. */
export type Announcement =
  | { kind: "delivery"; deliveryId: string; webhookId: string; dedupeId?: string }
  | { kind: "inbound"; inboundEventId: string; integrationId: string; dedupeId?: string };

/** Sends one batch of announcements (Inngest's event API); throws when they cannot be sent. */
export type AnnouncementSender = (batch: Announcement[]) => Promise<unknown>;

/** Inngest accepts at most a few MB per send; deliveries are announced in chunks this size. */
const SEND_CHUNK = 500;

// On globalThis, not in a module variable: Next.js bundles its own copy of this module beside
// the start script's, and both must see the sender connected at start.
const SENDER = Symbol.for("hookrelay.announcementSender");
const slot = globalThis as { [SENDER]?: AnnouncementSender };

/** Connects the sender that announcements go through (the Inngest client's `send`). */
export function connectAnnouncementSender(send: AnnouncementSender): void {
  slot[SENDER] = send;
}

async function sendAnnouncements(events: Announcement[], send = slot[SENDER]): Promise<void> {
  if (events.length > 0 && !send) throw new Error("no Inngest client is connected to announce work (connectAnnouncementSender)");
  for (let i = 0; i < events.length; i += SEND_CHUNK) await send!(events.slice(i, i + SEND_CHUNK));
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
    await sendAnnouncements(deliveries.map((d): Announcement => ({ kind: "delivery", deliveryId: d.id, webhookId: d.webhookId })));
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
    await sendAnnouncements(events.map((e): Announcement => ({ kind: "inbound", inboundEventId: e.id, integrationId: e.integrationId })));
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
export async function reannounceStrandedWork(send: AnnouncementSender, now = new Date()): Promise<SweepResult> {
  const cutoff = new Date(now.getTime() - STRANDED_AFTER_MS);
  const leaseFree = leaseFreeAt(now);
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
  await sendAnnouncements(
    [
      ...deliveries.map((d): Announcement => ({ kind: "delivery", deliveryId: d.id, webhookId: d.webhookId, dedupeId: `sweep-${d.id}-${d.attempts}-${hour}` })),
      ...inboundEvents.map((e): Announcement => ({ kind: "inbound", inboundEventId: e.id, integrationId: e.integrationId, dedupeId: `sweep-${e.id}-${e.attempts}-${hour}` })),
    ],
    send,
  );
  return { deliveries: deliveries.length, inboundEvents: inboundEvents.length };
}
