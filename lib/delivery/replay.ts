// Dead letters and replay. Replaying queues the event to the same webhook again as a new
// delivery (the dead one stays as history) and marks the dead letter replayed.
import { z } from "zod";
import { isoDateTime } from "@/lib/http/storable-input";
import { db } from "@/lib/db/client";
import { belowCursor, toPage } from "@/lib/db/pagination";
import { newId } from "@/lib/db/ids";
import type { DeadLetter } from "@/lib/generated/prisma/client";
import { notFound } from "@/lib/http/errors";
import { WORK_CHANNEL } from "@/lib/engine/work-channel";
import { announceDeliveries } from "@/lib/engine/announce";

export async function listDeadLetters(webhookId: string, page: { limit: number; cursor?: string }) {
  const rows = await db().deadLetter.findMany({
    where: { webhookId, ...belowCursor(page.cursor) },
    include: { delivery: { select: { event: { select: { id: true, externalId: true } } } } },
    orderBy: { id: "desc" },
    take: page.limit + 1,
  });
  return toPage(rows, page.limit);
}

type DeadLetterWithEvent = DeadLetter & { delivery: { event: { id: string; externalId: string | null } } };

export function toDeadLetterJson(d: DeadLetterWithEvent) {
  return {
    id: d.id,
    delivery_id: d.deliveryId,
    event: d.eventType,
    event_id: d.delivery.event.externalId ?? d.delivery.event.id,
    reason: d.reason,
    failed_at: d.failedAt.toISOString(),
    replayed_at: d.replayedAt?.toISOString() ?? null,
    replay_delivery_id: d.replayDeliveryId,
  };
}

export const replayInput = z
  .union([z.strictObject({ failure_id: z.string().min(1).max(100) }), z.strictObject({ since: isoDateTime })], {
    error: "send `failure_id` (one dead letter) or `since` (an ISO time: all dead letters since then)",
  })
  .meta({ id: "Replay" });

export type ReplaySelector = { failureId: string } | { since: Date };

/** Queues the selected dead letters of the webhook again; returns the new delivery ids. */
export async function replayDeadLetters(webhookId: string, selector: ReplaySelector): Promise<string[]> {
  const deliveryIds = await db().$transaction(async (tx) => {
    const letters =
      "failureId" in selector
        ? await tx.deadLetter.findMany({ where: { id: selector.failureId, webhookId } })
        : await tx.deadLetter.findMany({ where: { webhookId, failedAt: { gte: selector.since }, replayedAt: null }, orderBy: { failedAt: "asc" } });
    if ("failureId" in selector && letters.length === 0) throw notFound("dead letter");
    const now = new Date();
    const deliveries = letters.map((l) => ({ id: newId("dlv"), accountId: l.accountId, webhookId: l.webhookId, eventId: l.eventId, nextAttemptAt: now }));
    if (deliveries.length === 0) return [];
    await tx.delivery.createMany({ data: deliveries });
    for (const [i, letter] of letters.entries()) {
      await tx.deadLetter.update({ where: { id: letter.id }, data: { replayedAt: now, replayDeliveryId: deliveries[i].id } });
    }
    await tx.$executeRaw`SELECT pg_notify(${WORK_CHANNEL}, 'delivery')`;
    return deliveries.map((d) => d.id);
  });
  await announceDeliveries(deliveryIds.map((id) => ({ id, webhookId })));
  return deliveryIds;
}
