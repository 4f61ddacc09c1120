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

export type DeadLetterJson = ReturnType<typeof toDeadLetterJson>;

const dryRun = z.boolean().optional().meta({ description: "true: answer with what would be replayed (count and the first 20) and change nothing." });

export const replayInput = z
  .union([z.strictObject({ failure_id: z.string().min(1).max(100), dry_run: dryRun }), z.strictObject({ since: isoDateTime, dry_run: dryRun })], {
    error: "send `failure_id` (one dead letter) or `since` (an ISO time: all dead letters since then), and optionally `dry_run`",
  })
  .meta({ id: "Replay" });

export type ReplaySelector = { failureId: string } | { since: Date };

/** How many dead letters a replay preview lists. */
export const PREVIEW_ITEMS = 20;

type Reader = Pick<ReturnType<typeof db>, "deadLetter">;

/** The dead letters a replay selects: one by id (even if replayed before), or the unreplayed ones since a time, oldest first. */
function selectedLetters(webhookId: string, selector: ReplaySelector) {
  return "failureId" in selector ? { id: selector.failureId, webhookId } : { webhookId, failedAt: { gte: selector.since }, replayedAt: null };
}

async function findSelected(tx: Reader, webhookId: string, selector: ReplaySelector, take?: number) {
  const letters = await tx.deadLetter.findMany({
    where: selectedLetters(webhookId, selector),
    include: { delivery: { select: { orderingKey: true, orderSeq: true, event: { select: { id: true, externalId: true } } } } },
    orderBy: [{ failedAt: "asc" }, { id: "asc" }],
    take,
  });
  if ("failureId" in selector && letters.length === 0) throw notFound("dead letter");
  return letters;
}

/** The answer of a replay with `dry_run: true`, for the OpenAPI document. */
export const replayPreviewJson = z
  .object({
    dry_run: z.literal(true),
    count: z.number().int(),
    items: z.array(
      z.object({ dead_letter_id: z.string(), delivery_id: z.string().optional(), event: z.string(), event_id: z.string().optional(), failed_at: z.string().nullable(), reason: z.string().nullable() }),
    ),
  })
  .meta({ id: "ReplayPreview", description: "What would be replayed: the count and the first 20, oldest first. Nothing changed." });

/** What a replay would queue, changing nothing: the count and the first PREVIEW_ITEMS, oldest first. */
export async function previewReplay(webhookId: string, selector: ReplaySelector) {
  const [items, count] = await Promise.all([findSelected(db(), webhookId, selector, PREVIEW_ITEMS), db().deadLetter.count({ where: selectedLetters(webhookId, selector) })]);
  return {
    dry_run: true,
    count,
    items: items.map((d) => ({
      dead_letter_id: d.id,
      delivery_id: d.deliveryId,
      event: d.eventType,
      event_id: d.delivery.event.externalId ?? d.delivery.event.id,
      failed_at: d.failedAt.toISOString(),
      reason: d.reason,
    })),
  };
}

/**
 * Queues the selected dead letters of the webhook again; returns the new delivery ids. Each new
 * delivery remembers the dead one it replays (`replay_of`), which receivers see as the
 * `webhook-replay` header. A keyed replay keeps its original's ordering key and place
 * (`order_seq`): later deliveries of the key wait behind it.
 */
export async function replayDeadLetters(webhookId: string, selector: ReplaySelector): Promise<string[]> {
  const deliveryIds = await db().$transaction(async (tx) => {
    const letters = await findSelected(tx, webhookId, selector);
    const now = new Date();
    // A keyed replay takes its original's place in the key's order (docs/api.md, "Ordering keys").
    const deliveries = letters.map((l) => ({
      id: newId("dlv"),
      accountId: l.accountId,
      webhookId: l.webhookId,
      eventId: l.eventId,
      nextAttemptAt: now,
      replayOf: l.deliveryId,
      ...(l.delivery.orderingKey === null ? {} : { orderingKey: l.delivery.orderingKey, orderSeq: l.delivery.orderSeq }),
    }));
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

export const toReplayJson = (deliveryIds: string[]) => ({ replayed: deliveryIds.length, delivery_ids: deliveryIds });

export type ReplayJson = ReturnType<typeof toReplayJson>;
