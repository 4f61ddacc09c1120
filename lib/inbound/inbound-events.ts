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
  const page = toPage(rows, query.limit);
  const produced = await outboundEventsOf(page.items);
  return { ...page, items: page.items.map((e) => ({ ...e, outboundEvents: produced.get(e.id) ?? [] })) };
}

export interface OutboundEventRef {
  id: string;
  externalId: string | null;
  type: string;
}

/** The outbound events each inbound event was forwarded as (its lineage), for one page. */
async function outboundEventsOf(inbound: Pick<InboundEvent, "id" | "accountId">[]): Promise<Map<string, OutboundEventRef[]>> {
  const byInbound = new Map<string, OutboundEventRef[]>();
  if (inbound.length === 0) return byInbound;
  const events = await db().event.findMany({
    where: { accountId: inbound[0].accountId, sourceInboundEventId: { in: inbound.map((e) => e.id) } },
    select: { id: true, externalId: true, type: true, sourceInboundEventId: true },
    orderBy: { createdAt: "asc" },
  });
  for (const { sourceInboundEventId, ...event } of events) {
    const list = byInbound.get(sourceInboundEventId!) ?? [];
    list.push(event);
    byInbound.set(sourceInboundEventId!, list);
  }
  return byInbound;
}

export function toInboundEventJson(e: InboundEvent & { outboundEvents?: OutboundEventRef[] }) {
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
    /** The events Hookrelay published from it (`forward_as`); each opens in the event browser. */
    outbound_events: (e.outboundEvents ?? []).map((o) => ({ id: o.id, external_id: o.externalId, type: o.type })),
  };
}

export type InboundEventJson = ReturnType<typeof toInboundEventJson>;

export const toInboundReplayJson = (eventIds: string[]) => ({ replayed: eventIds.length, event_ids: eventIds });

export type InboundReplaySelector = { eventId: string } | { since: Date } | { allDead: true };

/** The dead inbound events a replay selects; one by id must exist and be dead. */
async function selectedDead(integrationId: string, selector: InboundReplaySelector): Promise<Prisma.InboundEventWhereInput> {
  if ("eventId" in selector) {
    const event = await db().inboundEvent.findFirst({ where: { id: selector.eventId, integrationId }, select: { status: true } });
    if (!event) throw notFound("inbound event");
    if (event.status !== "dead") throw new ApiError("conflict", `only dead inbound events can be replayed; this one is ${event.status}`);
  }
  return {
    integrationId,
    status: "dead",
    ...("eventId" in selector ? { id: selector.eventId } : {}),
    ...("since" in selector ? { deadAt: { gte: selector.since } } : {}),
  };
}

/** What a replay would queue, changing nothing: the count and the first 20 by when they died. */
export async function previewInboundReplay(integrationId: string, selector: InboundReplaySelector) {
  const where = await selectedDead(integrationId, selector);
  const [items, count] = await Promise.all([
    db().inboundEvent.findMany({ where, orderBy: [{ deadAt: "asc" }, { id: "asc" }], take: 20, select: { id: true, eventType: true, deadAt: true, lastError: true } }),
    db().inboundEvent.count({ where }),
  ]);
  return {
    dry_run: true,
    count,
    items: items.map((e) => ({ dead_letter_id: e.id, event: e.eventType, failed_at: e.deadAt?.toISOString() ?? null, reason: e.lastError })),
  };
}

/** Queues the selected dead inbound events of the integration again; returns their ids. */
export async function replayInboundEvents(integrationId: string, selector: InboundReplaySelector): Promise<string[]> {
  const where = await selectedDead(integrationId, selector);
  const now = new Date();
  const replayed = await db().inboundEvent.updateManyAndReturn({
    where,
    data: { status: "pending", nextAttemptAt: now, attempts: 0, replayedAt: now, leaseOwner: null, leaseExpiresAt: null },
    select: { id: true, receivedAt: true },
  });
  if (replayed.length > 0) {
    await db().$executeRaw`SELECT pg_notify(${WORK_CHANNEL}, 'inbound')`;
    await announceInboundEvents(replayed.map((e) => ({ id: e.id, integrationId })));
  }
  return replayed.sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime()).map((e) => e.id);
}
