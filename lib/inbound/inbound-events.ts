// What an integration received: its inbound events, newest first, and the replay of dead ones
// (the inbound dead letter queue). A replay puts the same stored event back in the queue with
// a fresh retry budget; nothing is copied.
import { db } from "@/lib/db/client";
import { toPage } from "@/lib/db/pagination";
import { announceInboundEvents } from "@/lib/engine/announce";
import type { InboundEvent, Prisma } from "@/lib/generated/prisma/client";
import { WORK_CHANNEL } from "@/lib/engine/work-channel";
import { ApiError, notFound } from "@/lib/http/errors";
import type { InboundEventsQuery } from "@/lib/inbound/integration-input";

/**
 * Newest first by `received_at`, then id. The ids are random UUIDs (seed 000's `internal_id`),
 * so the cursor is an id whose `received_at` anchors the next page.
 */
export async function listInboundEvents(integrationId: string, query: InboundEventsQuery) {
  const where: Prisma.InboundEventWhereInput = { integrationId, ...(query.status ? { status: query.status } : {}) };
  if (query.cursor) {
    const anchor = await db().inboundEvent.findFirst({ where: { id: query.cursor, integrationId }, select: { id: true, receivedAt: true } });
    if (!anchor) throw new ApiError("validation_error", "invalid query parameters", [{ path: "cursor", message: "unknown cursor: use a next_cursor this list returned" }]);
    where.OR = [{ receivedAt: { lt: anchor.receivedAt } }, { receivedAt: anchor.receivedAt, id: { lt: anchor.id } }];
  }
  const rows = await db().inboundEvent.findMany({ where, orderBy: [{ receivedAt: "desc" }, { id: "desc" }], take: query.limit + 1 });
  return toPage(rows, query.limit);
}

export function toInboundEventJson(e: InboundEvent) {
  return {
    id: e.id,
    event: e.eventType,
    status: e.status,
    attempts: e.attempts,
    last_error: e.lastError,
    received_at: e.receivedAt.toISOString(),
    processed_at: e.processedAt?.toISOString() ?? null,
    next_attempt_at: e.status === "pending" ? (e.nextAttemptAt?.toISOString() ?? null) : null,
    dead_at: e.deadAt?.toISOString() ?? null,
    replayed_at: e.replayedAt?.toISOString() ?? null,
    payload: e.payload,
  };
}

export type InboundReplaySelector = { eventId: string } | { since: Date } | { allDead: true };

/** Queues the selected dead inbound events of the integration again; returns their ids. */
export async function replayInboundEvents(integrationId: string, selector: InboundReplaySelector): Promise<string[]> {
  if ("eventId" in selector) {
    const event = await db().inboundEvent.findFirst({ where: { id: selector.eventId, integrationId }, select: { status: true } });
    if (!event) throw notFound("inbound event");
    if (event.status !== "dead") throw new ApiError("conflict", `only dead inbound events can be replayed; this one is ${event.status}`);
  }
  const now = new Date();
  const replayed = await db().inboundEvent.updateManyAndReturn({
    where: {
      integrationId,
      status: "dead",
      ...("eventId" in selector ? { id: selector.eventId } : {}),
      ...("since" in selector ? { deadAt: { gte: selector.since } } : {}),
    },
    data: { status: "pending", nextAttemptAt: now, attempts: 0, replayedAt: now, leaseOwner: null, leaseExpiresAt: null },
    select: { id: true, receivedAt: true },
  });
  if (replayed.length > 0) {
    await db().$executeRaw`SELECT pg_notify(${WORK_CHANNEL}, 'inbound')`;
    await announceInboundEvents(replayed.map((e) => ({ id: e.id, integrationId })));
  }
  return replayed.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime()).map((e) => e.id);
}
