// Reading what happened: a webhook's deliveries and its attempt log, newest first, with
// keyset pagination on the time-ordered ids (no OFFSET scans on a large log).
import { z } from "zod";
import { isoDateTime } from "@/lib/http/storable-input";
import { db } from "@/lib/db/client";
import { belowCursor, toPage } from "@/lib/db/pagination";
import { blockersOf } from "@/lib/delivery/due-delivery";
import type { Attempt, Delivery, Prisma } from "@/lib/generated/prisma/client";

export const deliveriesQuery = z.object({
  status: z.enum(["pending", "succeeded", "dead"]).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(100).optional(),
});

export const logsQuery = z.object({
  status: z.enum(["succeeded", "failed"]).optional(),
  event: z.string().max(100).optional(),
  since: isoDateTime.optional(),
  delivery_id: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(100).optional(),
});

type DeliveryWithEvent = Delivery & { event: { type: string; externalId: string | null }; blockedBy?: string | null };

/** The deliveries with `blockedBy`: the delivery each pending keyed one waits behind (docs/api.md, "Ordering keys"). */
export async function withBlockers<D extends Pick<Delivery, "id" | "status" | "orderingKey">>(deliveries: D[]): Promise<(D & { blockedBy: string | null })[]> {
  const waiting = deliveries.filter((d) => d.status === "pending" && d.orderingKey !== null).map((d) => d.id);
  const blockers = await blockersOf(waiting);
  return deliveries.map((d) => ({ ...d, blockedBy: blockers.get(d.id) ?? null }));
}

export async function listDeliveries(webhookId: string, query: z.output<typeof deliveriesQuery>) {
  const rows = await db().delivery.findMany({
    where: { webhookId, ...(query.status ? { status: query.status } : {}), ...belowCursor(query.cursor) },
    include: { event: { select: { type: true, externalId: true } } },
    orderBy: { id: "desc" },
    take: query.limit + 1,
  });
  return toPage(await withBlockers(rows), query.limit);
}

export function toDeliveryJson(d: DeliveryWithEvent) {
  return {
    id: d.id,
    webhook_id: d.webhookId,
    event: d.event.type,
    event_id: d.event.externalId ?? d.eventId,
    status: d.status,
    attempts: d.attempts,
    response_code: d.responseCode,
    last_error: d.lastError,
    last_attempt_at: d.lastAttemptAt?.toISOString() ?? null,
    next_attempt_at: d.status === "pending" ? (d.nextAttemptAt?.toISOString() ?? null) : null,
    created_at: d.createdAt.toISOString(),
    completed_at: d.completedAt?.toISOString() ?? null,
    replay_of: d.replayOf,
    is_check: d.isCheck,
    ordering_key: d.orderingKey,
    /** The delivery this one waits behind (an earlier one of its ordering key), or null. */
    blocked_by: d.blockedBy ?? null,
  };
}

export type DeliveryJson = ReturnType<typeof toDeliveryJson>;

type AttemptWithEvent = Attempt & { delivery: { replayOf: string | null; event: { externalId: string | null } } };

export async function listAttempts(webhookId: string, query: z.output<typeof logsQuery>) {
  const where: Prisma.AttemptWhereInput = {
    webhookId,
    ...(query.status ? { status: query.status } : {}),
    ...(query.event ? { eventType: query.event } : {}),
    ...(query.since ? { createdAt: { gte: new Date(query.since) } } : {}),
    ...(query.delivery_id ? { deliveryId: query.delivery_id } : {}),
  };
  // Ordered by (created_at, id) to match the index; the cursor is the last attempt's id.
  if (query.cursor) {
    const last = await db().attempt.findFirst({ where: { id: query.cursor, webhookId }, select: { createdAt: true, id: true } });
    if (last) where.OR = [{ createdAt: { lt: last.createdAt } }, { createdAt: last.createdAt, id: { lt: last.id } }];
  }
  const rows = await db().attempt.findMany({
    where,
    include: { delivery: { select: { replayOf: true, event: { select: { externalId: true } } } } },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: query.limit + 1,
  });
  return toPage(rows, query.limit);
}

export function toAttemptJson(a: AttemptWithEvent) {
  return {
    id: a.id,
    delivery_id: a.deliveryId,
    event: a.eventType,
    event_id: a.delivery.event.externalId ?? a.eventId,
    attempt: a.attemptNumber,
    status: a.status,
    response_code: a.responseCode,
    response_time_ms: a.responseTimeMs,
    error: a.errorClass,
    error_message: a.errorMessage,
    request_headers: a.requestHeaders as Record<string, string>,
    request_body: a.requestBody,
    response_headers: a.responseHeaders as Record<string, string> | null,
    response_body: a.responseBody,
    created_at: a.createdAt.toISOString(),
    replay_of: a.delivery.replayOf,
    is_check: a.checkItem !== null,
    check: a.checkItem,
  };
}

export type AttemptJson = ReturnType<typeof toAttemptJson>;
