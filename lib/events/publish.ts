// Publishing: store the event, fan it out to every active webhook of the account that
// subscribes to it (event patterns and payload filters), and create one delivery per match —
// all in one statement, so an accepted event always has its deliveries. The commit wakes the
// delivery engine (NOTIFY on lib/engine/work-channel.ts's channel).
import { z } from "zod";
import { batched } from "@/lib/db/batched";
import { db, sql } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { deliveryNotice, WORK_CHANNEL } from "@/lib/engine/work-channel";
import type { Event, Prisma } from "@/lib/generated/prisma/client";
import { ApiError } from "@/lib/http/errors";
import { webhookReceives } from "@/lib/webhooks/event-patterns";

export const MAX_EVENT_BYTES = 256 * 1024;
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
    ordering_key: z
      .string()
      .min(1)
      .max(128)
      .optional()
      .meta({ description: "Deliveries to one webhook with the same key are attempted strictly in publish order (docs/api.md, \"Ordering keys\")." }),
  })
  .refine((e) => e.type ?? e.event, { message: "`type` is required", path: ["type"] })
  .transform(({ type, event, data, id, ordering_key }) => ({ type: (type ?? event)!, data, id, orderingKey: ordering_key }))
  .meta({ id: "PublishEvent" });

export type PublishEventInput = Omit<z.output<typeof publishEventInput>, "id" | "orderingKey"> & { id?: string; orderingKey?: string };

export interface PublishOptions {
  isTest?: boolean;
  /** Deliver to exactly these webhooks of the account (active or not) instead of matching subscriptions. */
  webhookIds?: string[];
  /**
   * The caller attempts the deliveries itself right away (Send Test): they are created due a
   * minute from now, so the dispatcher only steps in if the caller dies before attempting.
   */
  callerAttempts?: boolean;
  /** The inbound event this one is forwarded from (its lineage, shown by the event browser). */
  source?: { integrationId: string; inboundEventId: string };
}

export interface PublishResult {
  event: Event;
  deliveries: { id: string; webhookId: string }[];
  /** True when an event with this id was already published: nothing new was created. */
  duplicate: boolean;
}

/** The id receivers see: the publisher's own when it gave one. */
export const publicEventId = (event: Pick<Event, "id" | "externalId">) => event.externalId ?? event.id;

// The publish hot path, raw SQL on the shared pool: one read of the account's webhooks, then
// one statement storing events, deliveries and the NOTIFY atomically, shared by concurrent
// publishes (group commit, lib/db/batched.ts). `ON CONFLICT DO NOTHING`: a repeated id is a no-op.
const ACCOUNTS_WEBHOOKS = `SELECT id, account_id AS "accountId", events, filters FROM webhooks WHERE account_id = ANY($1::text[]) AND is_active`;
const CHOSEN_WEBHOOKS = `SELECT id, events, filters FROM webhooks WHERE account_id = $1 AND id = ANY($2::text[])`;
// `ORDER BY d.ord`: rows reach the INSERT in publish order, so `order_seq` (a sequence default,
// taken per inserted row) is strict publish order even within one batch.
const STORE_EVENTS = `
  WITH input AS (
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[], $7::timestamptz[], $8::timestamptz[], $9::boolean[], $14::text[], $15::text[], $16::text[])
      AS i(id, account_id, external_id, type, data, is_test, created_at, next_attempt_at, notify, source_integration_id, source_inbound_event_id, ordering_key)
  ), event AS (
    INSERT INTO events (id, account_id, external_id, type, data, is_test, created_at, source_integration_id, source_inbound_event_id)
    SELECT id, account_id, external_id, type, data::json, is_test, created_at AT TIME ZONE 'UTC', source_integration_id, source_inbound_event_id FROM input
    ON CONFLICT (account_id, external_id) DO NOTHING
    RETURNING id
  ), deliveries AS (
    INSERT INTO deliveries (id, account_id, webhook_id, event_id, next_attempt_at, ordering_key)
    SELECT d.id, i.account_id, d.webhook_id, i.id, COALESCE(i.next_attempt_at AT TIME ZONE 'UTC', LOCALTIMESTAMP), i.ordering_key
    FROM unnest($10::text[], $11::text[], $12::text[]) WITH ORDINALITY AS d(id, webhook_id, event_id, ord)
    JOIN event ON event.id = d.event_id
    JOIN input i ON i.id = d.event_id
    ORDER BY d.ord
  ), notified AS (
    SELECT pg_notify('${WORK_CHANNEL}', $13) WHERE EXISTS (SELECT FROM event JOIN input USING (id) WHERE input.notify)
  )
  SELECT array_agg(id) AS created, (SELECT count(*) FROM notified)::int AS notified FROM event`;

type CandidateWebhook = { id: string; events: string[]; filters: unknown };

/** The account's active webhooks; the reads of concurrent publishes share one statement. */
const activeWebhooksOf = batched(
  async (accountIds: string[]) => {
    const { rows } = await sql().query<CandidateWebhook & { accountId: string }>({
      name: "hookrelay_accounts_webhooks",
      text: ACCOUNTS_WEBHOOKS,
      values: [[...new Set(accountIds)]],
    });
    const byAccount = new Map<string, CandidateWebhook[]>();
    for (const webhook of rows) {
      if (!byAccount.has(webhook.accountId)) byAccount.set(webhook.accountId, []);
      byAccount.get(webhook.accountId)!.push(webhook);
    }
    return accountIds.map((id) => byAccount.get(id) ?? []);
  },
  { maxBatch: 100 },
);

interface NewEvent {
  event: Event;
  json: string;
  deliveries: { id: string; webhookId: string }[];
  nextAttemptAt: string | null;
  /** Wake the delivery engine (it has deliveries the dispatcher is to attempt). */
  notify: boolean;
  orderingKey: string | null;
}

/** Stores the event and its deliveries with the next batch; false when its publisher id was already taken. */
const storeEvent = batched(
  async (batch: NewEvent[]) => {
    const { rows } = await sql().query<{ created: string[] | null }>({
      name: "hookrelay_store_events",
      text: STORE_EVENTS,
      values: [
        batch.map((n) => n.event.id),
        batch.map((n) => n.event.accountId),
        batch.map((n) => n.event.externalId),
        batch.map((n) => n.event.type),
        batch.map((n) => n.json),
        batch.map((n) => n.event.isTest),
        batch.map((n) => n.event.createdAt.toISOString()),
        batch.map((n) => n.nextAttemptAt),
        batch.map((n) => n.notify),
        batch.flatMap((n) => n.deliveries.map((d) => d.id)),
        batch.flatMap((n) => n.deliveries.map((d) => d.webhookId)),
        batch.flatMap((n) => n.deliveries.map(() => n.event.id)),
        deliveryNotice(batch.flatMap((n) => (n.notify ? n.deliveries.map((d) => d.webhookId) : []))),
        batch.map((n) => n.event.sourceIntegrationId),
        batch.map((n) => n.event.sourceInboundEventId),
        batch.map((n) => n.orderingKey),
      ],
    });
    const created = new Set(rows[0].created);
    return batch.map((n) => created.has(n.event.id));
  },
  { maxBatch: 100, keyOf: (n) => `${n.event.accountId}|${n.event.externalId ?? n.event.id}` },
);

export async function publishEvent(
  accountId: string,
  input: PublishEventInput,
  options: PublishOptions = {},
): Promise<PublishResult> {
  const json = JSON.stringify(input.data);
  if (Buffer.byteLength(json) > MAX_EVENT_BYTES) {
    throw new ApiError("payload_too_large", `event data is larger than ${MAX_EVENT_BYTES / 1024} KB`);
  }
  const webhooks = options.webhookIds
    ? (await sql().query<CandidateWebhook>({ name: "hookrelay_chosen_webhooks", text: CHOSEN_WEBHOOKS, values: [accountId, options.webhookIds] })).rows
    : await activeWebhooksOf(accountId);
  const data = JSON.parse(json) as Prisma.JsonValue;
  const event: Event = {
    id: newId("evt"),
    accountId,
    externalId: input.id ?? null,
    type: input.type,
    data,
    isTest: options.isTest ?? false,
    createdAt: new Date(),
    sourceIntegrationId: options.source?.integrationId ?? null,
    sourceInboundEventId: options.source?.inboundEventId ?? null,
  };
  const deliveries = webhooks
    .filter((w) => options.webhookIds !== undefined || webhookReceives(w, { type: event.type, data }))
    .map((w) => ({ id: newId("dlv"), webhookId: w.id }));
  const nextAttemptAt = options.callerAttempts ? new Date(Date.now() + CALLER_GRACE_MS).toISOString() : null;
  const created = await storeEvent({ event, json, deliveries, nextAttemptAt, notify: deliveries.length > 0 && !options.callerAttempts, orderingKey: input.orderingKey ?? null });
  if (created) return { event, deliveries, duplicate: false };

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

export type EventJson = ReturnType<typeof toEventJson>;
