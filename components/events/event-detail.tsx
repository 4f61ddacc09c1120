"use client";
// One event: its ids, the inbound event it was forwarded from, its deliveries and its payload.
import Link from "next/link";
import { useApiScope, useScopedHref } from "@/components/api-scope";
import type { EventDetail, EventSource } from "@/components/api-types";
import { formatDateTime, formatRelative } from "@/components/format";
import { useApiQuery } from "@/components/use-api";
import { Badge } from "@/components/ui/badge";
import { ButtonLink } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { PageHeader } from "@/components/ui/page-header";
import { Skeleton } from "@/components/ui/skeleton";
import { EventDeliveries } from "@/components/events/event-deliveries";
import { EventStatusBadge } from "@/components/events/event-status";

function IdRow({ label, value }: { label: string; value: string }) {
  return (
    <div className="flex min-w-0 items-center gap-2">
      <dt className="w-28 shrink-0 text-xs text-slate-500">{label}</dt>
      <dd className="min-w-0 truncate font-mono text-xs text-slate-800">{value}</dd>
      <CopyButton value={value} />
    </div>
  );
}

/** The operator's link to the integration; the portal names it only (integrations are operator pages). */
function IntegrationName({ source }: { source: EventSource }) {
  const { portal } = useApiScope();
  const name = source.integration_name ?? source.integration_id;
  if (portal)
    return (
      <>
        <span className="block font-medium text-slate-800">{name}</span>
        {source.integration_name && <span className="block font-mono text-xs text-slate-500">{source.integration_id}</span>}
      </>
    );
  return (
    <Link href={`/integrations?integration=${encodeURIComponent(source.integration_id)}`} className="font-medium text-indigo-700 hover:underline">
      {name}
    </Link>
  );
}

function SourceCard({ source }: { source: EventSource }) {
  return (
    <Card>
      <CardHeader title="Source" description="This event was forwarded from an event an integration received." />
      <dl className="grid gap-3 px-4 py-4 text-sm sm:grid-cols-3 sm:px-5">
        <div>
          <dt className="text-xs text-slate-500">Integration</dt>
          <dd className="mt-0.5">
            <IntegrationName source={source} />
          </dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">Inbound event</dt>
          <dd className="mt-0.5 font-mono text-xs text-slate-800">{source.inbound_event_id}</dd>
        </div>
        <div>
          <dt className="text-xs text-slate-500">Received</dt>
          <dd className="mt-0.5 text-slate-700">
            {source.inbound_event ? (
              <>
                {source.inbound_event.event} · {formatDateTime(source.inbound_event.received_at)} · {source.inbound_event.status}
              </>
            ) : (
              <span className="text-slate-400">no longer kept</span>
            )}
          </dd>
        </div>
      </dl>
    </Card>
  );
}

function NotFound({ id }: { id: string }) {
  const href = useScopedHref();
  return (
    <Card>
      <EmptyState
        title="Event not found"
        description={`No event with the id “${id}” in this account. It may be older than the retention period, or belong to another account.`}
        action={
          <ButtonLink href={href("/events")} variant="primary">
            Back to events
          </ButtonLink>
        }
      />
    </Card>
  );
}

export function EventDetailPage({ id }: { id: string }) {
  const href = useScopedHref();
  const event = useApiQuery<EventDetail>(`/api/events/${encodeURIComponent(id)}`, { refetchInterval: 2_000 });
  if (event.isPending) return <Skeleton className="h-64 w-full" />;
  if (event.isError) return event.error.status === 404 ? <NotFound id={id} /> : <ErrorState error={event.error} onRetry={() => event.refetch()} title="Could not load the event" />;
  const e = event.data;
  const deliveries = e.deliveries ?? [];
  const counts = {
    total: deliveries.length,
    succeeded: deliveries.filter((d) => d.status === "succeeded").length,
    pending: deliveries.filter((d) => d.status === "pending").length,
    dead: deliveries.filter((d) => d.status === "dead").length,
  };
  return (
    <>
      <Link href={href("/events")} className="mb-2 inline-block text-sm text-slate-500 hover:text-slate-800">
        ← Events
      </Link>
      <PageHeader
        title={<span className="font-mono">{e.type}</span>}
        description={`Published ${formatRelative(e.created_at)} (${formatDateTime(e.created_at)})`}
        actions={
          <>
            {e.is_test && <Badge tone="blue">Test event</Badge>}
            <EventStatusBadge counts={counts} />
          </>
        }
      >
        <dl className="mt-3 flex flex-col gap-1">
          <IdRow label="Hookrelay id" value={e.id} />
          {e.external_id && <IdRow label="Publisher id" value={e.external_id} />}
        </dl>
      </PageHeader>
      <div className="flex flex-col gap-6">
        {e.source && <SourceCard source={e.source} />}
        <Card>
          <CardHeader title="Deliveries" description="One per webhook the event was sent to. Open the attempts to see each request and response." />
          <EventDeliveries deliveries={deliveries} />
        </Card>
        <Card>
          <CardHeader title="Payload" description="The event's data as published; each webhook's signature profile wraps it in its envelope." />
          <pre tabIndex={0} aria-label="Event payload" className="m-4 max-h-96 overflow-auto rounded-md bg-slate-900 p-3 font-mono text-xs leading-relaxed text-slate-100 sm:mx-5">
            {JSON.stringify(e.data, null, 2)}
          </pre>
        </Card>
      </div>
    </>
  );
}
