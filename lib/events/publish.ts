// Publishing: store the event, fan it out to every active webhook of the account that
// subscribes to it (event patterns and payload filters), and create one delivery per match —
// all in one transaction, so an accepted event always has its deliveries. The commit wakes
// the delivery engine (NOTIFY hookrelay_work).
import { z } from "zod";
import { db } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import type { Event, Prisma } from "@/lib/generated/prisma/client";
import { ApiError } from "@/lib/http/errors";
import { webhookReceives } from "@/lib/webhooks/event-patterns";

export const MAX_EVENT_BYTES = 256 * 1024;
export const WORK_CHANNEL = "hookrelay_work";
const CALLER_GRACE_MS = 60_000;

export const eventType = z
  .string()
  .min(3)
  .max(100)
  .regex(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/, "an event type is lowercase dotted words, like `order.created`");

export const publishEventInput = z
  .object({
    type: eventType.optional(),
    /** Seed 002 calls the type `event`; both are accepted. */
    event: eventType.optional(),
    data: z.record(z.string(), z.unknown()),
    id: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[\x21-\x7e]+$/, "an event id is printable ASCII without spaces")
      .optional(),
  })
  .refine((e) => e.type ?? e.event, { message: "`type` is required", path: ["type"] })
  .transform(({ type, event, data, id }) => ({ type: (type ?? event)!, data, id }))
  .meta({ id: "PublishEvent" });

export type PublishEventInput = z.output<typeof publishEventInput>;

export interface PublishOptions {
  isTest?: boolean;
  /** Deliver to exactly these webhooks of the account (active or not) instead of matching subscriptions. */
  webhookIds?: string[];
  /**
   * The caller attempts the deliveries itself right away (Send Test): they are created due a
   * minute from now, so the dispatcher only steps in if the caller dies before attempting.
   */
  callerAttempts?: boolean;
}

export interface PublishResult {
  event: Event;
  deliveries: { id: string; webhookId: string }[];
  /** True when an event with this id was already published: nothing new was created. */
  duplicate: boolean;
}

/** The id receivers see: the publisher's own when it gave one. */
export const publicEventId = (event: Pick<Event, "id" | "externalId">) => event.externalId ?? event.id;

export async function publishEvent(
  accountId: string,
  input: PublishEventInput,
  options: PublishOptions = {},
): Promise<PublishResult> {
  if (Buffer.byteLength(JSON.stringify(input.data)) > MAX_EVENT_BYTES) {
    throw new ApiError("payload_too_large", `event data is larger than ${MAX_EVENT_BYTES / 1024} KB`);
  }
  return db().$transaction(async (tx) => {
    if (input.id) {
      const existing = await tx.event.findUnique({
        where: { accountId_externalId: { accountId, externalId: input.id } },
        include: { deliveries: { select: { id: true, webhookId: true } } },
      });
      if (existing) {
        const { deliveries, ...event } = existing;
        return { event, deliveries, duplicate: true };
      }
    }
    const event = await tx.event.create({
      data: {
        id: newId("evt"),
        accountId,
        externalId: input.id ?? null,
        type: input.type,
        data: input.data as Prisma.InputJsonValue,
        isTest: options.isTest ?? false,
      },
    });
    const webhooks = await tx.webhook.findMany({
      where: { accountId, ...(options.webhookIds ? { id: { in: options.webhookIds } } : { isActive: true }) },
      select: { id: true, events: true, filters: true },
    });
    const deliveries = webhooks
      .filter((w) => options.webhookIds !== undefined || webhookReceives(w, { type: event.type, data: input.data }))
      .map((w) => ({
        id: newId("dlv"),
        accountId,
        webhookId: w.id,
        eventId: event.id,
        ...(options.callerAttempts ? { nextAttemptAt: new Date(Date.now() + CALLER_GRACE_MS) } : {}),
      }));
    if (deliveries.length > 0) await tx.delivery.createMany({ data: deliveries });
    if (deliveries.length > 0 && !options.callerAttempts) await tx.$executeRaw`SELECT pg_notify(${WORK_CHANNEL}, 'delivery')`;
    return { event, deliveries: deliveries.map(({ id, webhookId }) => ({ id, webhookId })), duplicate: false };
  });
}

/** A concurrent publish of the same id loses the insert race; it then sees the winner's event. */
export async function publishEventIdempotently(accountId: string, input: PublishEventInput, options?: PublishOptions) {
  try {
    return await publishEvent(accountId, input, options);
  } catch (error) {
    if ((error as { code?: string }).code === "P2002" && input.id) return publishEvent(accountId, input, options);
    throw error;
  }
}

export function toEventJson(event: Event) {
  return { id: publicEventId(event), type: event.type, data: event.data, created_at: event.createdAt.toISOString() };
}
