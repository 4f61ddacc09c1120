"use client";
// The event browser: find one event by id, or filter the account's events and see each one's
// fan-out (how many deliveries, and how they fared).
import Link from "next/link";
import { useState } from "react";
import { useApiScope, useScopedHref } from "@/components/api-scope";
import type { EventSummary, EventType, Webhook } from "@/components/api-types";
import { formatDateTime, formatRelative } from "@/components/format";
import { useApiList, useApiQuery } from "@/components/use-api";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { Field, Input, Select } from "@/components/ui/field";
import { PageHeader } from "@/components/ui/page-header";
import { TableSkeleton } from "@/components/ui/skeleton";
import { Table, TableHead, Td, Tr } from "@/components/ui/table";
import { EventSearch } from "@/components/events/event-search";
import { EventStatusBadge, FanOut } from "@/components/events/event-status";
import { LoadMore } from "@/components/webhooks/load-more";

const COLUMNS = ["Event", "Status", "Deliveries", "Created"];
const COMPLETE_TYPE = /^[a-z0-9_]+(\.[a-z0-9_]+)+$/;

interface Filters {
  type: string;
  status: string;
  webhookId: string;
  since: string;
  until: string;
}

/** The list's query string; a half-typed type or time is left out until it is complete. */
function listPath(f: Filters): string {
  const params = new URLSearchParams({ limit: "25" });
  if (COMPLETE_TYPE.test(f.type.trim())) params.set("type", f.type.trim());
  if (f.status) params.set("status", f.status);
  if (f.webhookId) params.set("webhook_id", f.webhookId);
  for (const [name, local] of [["since", f.since], ["until", f.until]] as const) {
    const at = local ? new Date(local) : null;
    if (at && !Number.isNaN(at.getTime())) params.set(name, at.toISOString());
  }
  return `/api/events?${params}`;
}

function FilterBar({ filters, onChange }: { filters: Filters; onChange: (f: Filters) => void }) {
  const catalog = useApiQuery<EventType[]>("/api/event-types");
  const webhooks = useApiQuery<Webhook[]>("/api/webhooks?limit=100");
  const set = (key: keyof Filters) => (e: { target: { value: string } }) => onChange({ ...filters, [key]: e.target.value });
  return (
    <div className="flex flex-wrap gap-3 px-4 py-3 sm:px-5">
      <Field label="Type" className="w-56">
        {(p) => (
          <>
            <Input {...p} list="event-type-options" value={filters.type} onChange={set("type")} placeholder="All types" spellCheck={false} />
            <datalist id="event-type-options">{catalog.data?.map((t) => <option key={t.type} value={t.type} />)}</datalist>
          </>
        )}
      </Field>
      <Field label="Status" className="w-40">
        {(p) => (
          <Select {...p} value={filters.status} onChange={set("status")}>
            <option value="">All</option>
            <option value="delivered">Delivered</option>
            <option value="pending">Pending</option>
            <option value="failed">Failed</option>
          </Select>
        )}
      </Field>
      <Field label="Webhook" className="w-52">
        {(p) => (
          <Select {...p} value={filters.webhookId} onChange={set("webhookId")}>
            <option value="">All webhooks</option>
            {webhooks.data?.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </Select>
        )}
      </Field>
      <Field label="Since" className="w-56">
        {(p) => <Input {...p} type="datetime-local" value={filters.since} onChange={set("since")} />}
      </Field>
      <Field label="Until" className="w-56">
        {(p) => <Input {...p} type="datetime-local" value={filters.until} onChange={set("until")} />}
      </Field>
    </div>
  );
}

function EventRow({ event }: { event: EventSummary }) {
  const href = useScopedHref();
  return (
    <Tr className="hover:bg-slate-50">
      <Td>
        <Link href={href(`/events/${encodeURIComponent(event.id)}`)} className="block font-mono text-xs font-medium text-indigo-700 hover:underline">
          {event.type}
        </Link>
        <span className="block font-mono text-[11px] text-slate-400">{event.external_id ?? event.id}</span>
      </Td>
      <Td>
        <EventStatusBadge counts={event.deliveries} />
      </Td>
      <Td>
        <FanOut counts={event.deliveries} />
      </Td>
      <Td className="text-slate-500">
        <time dateTime={event.created_at} title={formatDateTime(event.created_at)}>
          {formatRelative(event.created_at)}
        </time>
      </Td>
    </Tr>
  );
}

export function EventsPage() {
  const { portal } = useApiScope();
  const [filters, setFilters] = useState<Filters>({ type: "", status: "", webhookId: "", since: "", until: "" });
  const events = useApiList<EventSummary>(listPath(filters), { refetchInterval: 5_000 });
  const rows = events.data?.pages.flatMap((p) => p.data) ?? [];
  const filtered = Object.values(filters).some(Boolean);
  return (
    <>
      <PageHeader title="Events" description="Every event published to this account, what it fanned out to, and how each delivery fared.">
        <div className="mt-4">
          <EventSearch />
        </div>
      </PageHeader>
      <Card>
        <FilterBar filters={filters} onChange={setFilters} />
        {events.isError ? (
          <ErrorState error={events.error} onRetry={() => events.refetch()} title="Could not load events" />
        ) : rows.length === 0 && !events.isPending ? (
          <EmptyState
            title={filtered ? "No events match these filters" : "No events yet"}
            description={filtered ? "Change the filters to see more." : portal ? "Events sent to your webhooks show here." : "Publish an event (POST /api/events) or send a test from a webhook."}
          />
        ) : (
          <Table label="Events">
            <TableHead columns={COLUMNS} />
            {events.isPending ? (
              <TableSkeleton columns={COLUMNS.length} />
            ) : (
              <tbody>
                {rows.map((e) => (
                  <EventRow key={e.id} event={e} />
                ))}
              </tbody>
            )}
          </Table>
        )}
        <LoadMore query={events} />
      </Card>
    </>
  );
}
