// The event browser: an account's events newest first with their fan-out counts, and one
// event in full with each delivery, its webhook, its last response and the inbound event it
// was forwarded from. How the list stays fast at 10 M events: docs/event-browser.md.
import { z } from "zod";
import { db } from "@/lib/db/client";
import { Prisma } from "@/lib/generated/prisma/client";
import { ApiError, notFound } from "@/lib/http/errors";
import { isoDateTime } from "@/lib/http/storable-input";

export const EVENT_STATUSES = ["delivered", "pending", "failed"] as const;
export type EventStatusFilter = (typeof EVENT_STATUSES)[number];

export const eventsQuery = z.object({
  type: z.string().min(1).max(100).optional(),
  status: z.enum(EVENT_STATUSES).optional(),
  webhook_id: z.string().min(1).max(100).optional(),
  since: isoDateTime.optional(),
  until: isoDateTime.optional(),
  cursor: z.string().max(300).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export interface EventFilters {
  type?: string;
  /** `delivered`: every delivery succeeded (and there is one); `pending`: any pending; `failed`: any dead. */
  status?: EventStatusFilter;
  /** Only events with a delivery to this webhook; `status` then looks at that webhook's deliveries only. */
  webhookId?: string;
  /** Inclusive lower bound of `created_at`. */
  since?: Date;
  /** Exclusive upper bound of `created_at`. */
  until?: Date;
}

export interface EventPage {
  limit: number;
  cursor?: string;
}

export interface EventSummary {
  id: string;
  externalId: string | null;
  type: string;
  createdAt: Date;
  deliveries: { total: number; succeeded: number; pending: number; dead: number };
}

/** The opaque cursor: the last item's (created_at, id), the keyset the list is ordered by. */
export function encodeCursor(event: { createdAt: Date; id: string }): string {
  return Buffer.from(`${event.createdAt.getTime()}.${event.id}`).toString("base64url");
}

export function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const match = /^(\d{1,15})\.(.{1,200})$/s.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!match) throw new ApiError("validation_error", "invalid query parameters", [{ path: "cursor", message: "unknown cursor: use a next_cursor this list returned" }]);
  return { createdAt: new Date(Number(match[1])), id: match[2] };
}

/** The `status` condition on event `e`, limited to one webhook's deliveries when the filter names one. */
function statusCondition(status: EventStatusFilter, webhookId?: string): Prisma.Sql {
  const ofWebhook = (alias: string) => (webhookId ? Prisma.sql` AND ${Prisma.raw(alias)}.webhook_id = ${webhookId}` : Prisma.empty);
  // Dead letters, not dead deliveries: their (account_id, event_id) index answers both a
  // dense and a sparse "failed" fast; probing deliveries took seconds when few had died.
  if (status === "failed") return Prisma.sql`EXISTS (SELECT 1 FROM dead_letters l WHERE l.account_id = e.account_id AND l.event_id = e.id${ofWebhook("l")})`;
  if (status === "pending") return Prisma.sql`EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.status = 'pending'${ofWebhook("d")})`;
  return Prisma.sql`EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id${ofWebhook("d")})
    AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.status <> 'succeeded'${ofWebhook("d")})`;
}

function eventConditions(accountId: string, filters: EventFilters, cursor?: { createdAt: Date; id: string }): Prisma.Sql[] {
  const where = [Prisma.sql`e.account_id = ${accountId}`];
  if (filters.type) where.push(Prisma.sql`e.type = ${filters.type}`);
  if (filters.since) where.push(Prisma.sql`e.created_at >= ${filters.since}`);
  if (filters.until) where.push(Prisma.sql`e.created_at < ${filters.until}`);
  if (cursor) where.push(Prisma.sql`(e.created_at, e.id) < (${cursor.createdAt}, ${cursor.id})`);
  if (filters.webhookId) where.push(Prisma.sql`EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.webhook_id = ${filters.webhookId})`);
  if (filters.status) where.push(statusCondition(filters.status, filters.webhookId));
  return where;
}

type SummaryRow = { id: string; external_id: string | null; type: string; created_at: Date; total: number; succeeded: number; pending: number; dead: number };

/** The list's statement (exported for EXPLAIN in the notes of docs/event-browser.md). */
export function eventsListSql(accountId: string, filters: EventFilters, limit: number, cursor?: { createdAt: Date; id: string }): Prisma.Sql {
  return Prisma.sql`
    SELECT p.id, p.external_id, p.type, p.created_at, c.total, c.succeeded, c.pending, c.dead
    FROM (
      SELECT e.id, e.external_id, e.type, e.created_at FROM events e
      WHERE ${Prisma.join(eventConditions(accountId, filters, cursor), " AND ")}
      ORDER BY e.created_at DESC, e.id DESC
      LIMIT ${limit}
    ) p
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS total,
             (count(*) FILTER (WHERE d.status = 'succeeded'))::int AS succeeded,
             (count(*) FILTER (WHERE d.status = 'pending'))::int AS pending,
             (count(*) FILTER (WHERE d.status = 'dead'))::int AS dead
      FROM deliveries d WHERE d.event_id = p.id
    ) c
    ORDER BY p.created_at DESC, p.id DESC`;
}

/**
 * One page of the account's events, newest first. Raw SQL: a keyset on (created_at, id) that
 * the index walks backwards, and the delivery counts computed for the page's events only.
 */
export async function listEvents(accountId: string, filters: EventFilters, page: EventPage) {
  if (filters.since && filters.until && filters.since >= filters.until) {
    throw new ApiError("validation_error", "invalid query parameters", [{ path: "until", message: "`until` must be after `since`" }]);
  }
  const cursor = page.cursor ? decodeCursor(page.cursor) : undefined;
  const rows = await db().$queryRaw<SummaryRow[]>(eventsListSql(accountId, filters, page.limit + 1, cursor));
  const more = rows.length > page.limit;
  const items: EventSummary[] = rows.slice(0, page.limit).map((r) => ({
    id: r.id,
    externalId: r.external_id,
    type: r.type,
    createdAt: r.created_at,
    deliveries: { total: r.total, succeeded: r.succeeded, pending: r.pending, dead: r.dead },
  }));
  return { items, nextCursor: more ? encodeCursor(items[items.length - 1]) : null };
}

/** The API's filters, checked against the account (another account's webhook is not found). */
export async function eventFiltersFrom(accountId: string, query: z.output<typeof eventsQuery>): Promise<EventFilters> {
  if (query.webhook_id) {
    const webhook = await db().webhook.findFirst({ where: { id: query.webhook_id, accountId }, select: { id: true } });
    if (!webhook) throw notFound("webhook");
  }
  return {
    type: query.type,
    status: query.status,
    webhookId: query.webhook_id,
    since: query.since ? new Date(query.since) : undefined,
    until: query.until ? new Date(query.until) : undefined,
  };
}

export function toEventSummaryJson(e: EventSummary) {
  return { id: e.id, external_id: e.externalId, type: e.type, created_at: e.createdAt.toISOString(), deliveries: e.deliveries };
}
