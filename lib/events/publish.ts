// Publishing: store the event, fan it out to every active webhook of the account that
// subscribes to it (event patterns and payload filters), and create one delivery per match —
// all in one statement, so an accepted event always has its deliveries. The commit wakes the
// delivery engine (NOTIFY hookrelay_work).
import { z } from "zod";
import { db, sql } from "@/lib/db/client";
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

// The hot path of the publish API, in raw SQL on the shared pool (lib/db/client.ts `sql()`):
// one read of the account's webhooks, then one statement that stores the event, its
// deliveries and the NOTIFY atomically — two round trips instead of an interactive
// transaction's seven, each with Prisma's overhead. `ON CONFLICT DO NOTHING` makes a repeated
// publisher id a no-op (and waits for a concurrent insert of the same id to commit).
const ACCOUNT_WEBHOOKS = `SELECT id, events, filters FROM webhooks WHERE account_id = $1 AND is_active`;
const CHOSEN_WEBHOOKS = `SELECT id, events, filters FROM webhooks WHERE account_id = $1 AND id = ANY($2::text[])`;
const STORE_EVENT = `
  WITH event AS (
    INSERT INTO events (id, account_id, external_id, type, data, is_test, created_at)
    VALUES ($1, $2, $3, $4, $5::json, $6, $7::timestamptz AT TIME ZONE 'UTC')
    ON CONFLICT (account_id, external_id) DO NOTHING
    RETURNING id
  ), deliveries AS (
    INSERT INTO deliveries (id, account_id, webhook_id, event_id, next_attempt_at)
    SELECT d.id, $2, d.webhook_id, event.id, COALESCE($10::timestamptz AT TIME ZONE 'UTC', LOCALTIMESTAMP)
    FROM event, unnest($8::text[], $9::text[]) AS d(id, webhook_id)
    RETURNING id
  ), notified AS (
    SELECT pg_notify('${WORK_CHANNEL}', 'delivery') FROM event WHERE $11::boolean
  )
  SELECT (SELECT count(*) FROM event)::int AS created, (SELECT count(*) FROM deliveries)::int AS deliveries,
         (SELECT count(*) FROM notified)::int AS notified`;

export async function publishEvent(
  accountId: string,
  input: PublishEventInput,
  options: PublishOptions = {},
): Promise<PublishResult> {
  const json = JSON.stringify(input.data);
  if (Buffer.byteLength(json) > MAX_EVENT_BYTES) {
    throw new ApiError("payload_too_large", `event data is larger than ${MAX_EVENT_BYTES / 1024} KB`);
  }
  const pool = sql();
  const { rows: webhooks } = options.webhookIds
    ? await pool.query<{ id: string; events: string[]; filters: unknown }>({ name: "hookrelay_chosen_webhooks", text: CHOSEN_WEBHOOKS, values: [accountId, options.webhookIds] })
    : await pool.query<{ id: string; events: string[]; filters: unknown }>({ name: "hookrelay_account_webhooks", text: ACCOUNT_WEBHOOKS, values: [accountId] });
  const data = JSON.parse(json) as Prisma.JsonValue;
  const event: Event = { id: newId("evt"), accountId, externalId: input.id ?? null, type: input.type, data, isTest: options.isTest ?? false, createdAt: new Date() };
  const deliveries = webhooks
    .filter((w) => options.webhookIds !== undefined || webhookReceives(w, { type: event.type, data }))
    .map((w) => ({ id: newId("dlv"), webhookId: w.id }));
  const nextAttemptAt = options.callerAttempts ? new Date(Date.now() + CALLER_GRACE_MS).toISOString() : null;
  const { rows } = await pool.query<{ created: number }>({
    name: "hookrelay_store_event",
    text: STORE_EVENT,
    values: [
      event.id,
      accountId,
      event.externalId,
      event.type,
      json,
      event.isTest,
      event.createdAt.toISOString(),
      deliveries.map((d) => d.id),
      deliveries.map((d) => d.webhookId),
      nextAttemptAt,
      deliveries.length > 0 && !options.callerAttempts,
    ],
  });
  if (rows[0].created === 1) return { event, deliveries, duplicate: false };

  // The publisher's id was seen before: the original event and its deliveries.
  const existing = await db().event.findUnique({
    where: { accountId_externalId: { accountId, externalId: input.id! } },
    include: { deliveries: { select: { id: true, webhookId: true } } },
  });
  if (!existing) throw new Error(`event ${input.id} conflicted but cannot be read`);
  const { deliveries: existingDeliveries, ...original } = existing;
  return { event: original, deliveries: existingDeliveries, duplicate: true };
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
