"use client";
import Link from "next/link";
import { useState } from "react";
import type { InboundEvent, Integration } from "@/components/api-types";
import { useApiList, useApiMutation } from "@/components/use-api";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { InlineError } from "@/components/ui/error-state";
import { FilterSelect } from "@/components/ui/field";
import { RelativeTime } from "@/components/ui/relative-time";
import { TableShell, Td, Tr } from "@/components/ui/table";
import { EventCell } from "@/components/webhooks/event-cell";
import { LoadMore } from "@/components/webhooks/load-more";

const COLUMNS = ["Status", "Event", "Attempts", "Received", "Error", ""];
const STATUSES = [
  { value: "pending", label: "Pending" },
  { value: "processed", label: "Processed" },
  { value: "dead", label: "Dead" },
];

function StatusBadge({ status }: { status: InboundEvent["status"] }) {
  const tone = status === "processed" ? "green" : status === "dead" ? "red" : "amber";
  const label = status === "processed" ? "Processed" : status === "dead" ? "Dead" : "Pending";
  return (
    <Badge tone={tone} dot>
      {label}
    </Badge>
  );
}

/** What an integration received, newest first, with replay for the dead ones. */
export function InboundEvents({ integration }: { integration: Integration }) {
  const [status, setStatus] = useState("");
  const [open, setOpen] = useState<InboundEvent | null>(null);
  const params = new URLSearchParams({ limit: "25" });
  if (status) params.set("status", status);
  const events = useApiList<InboundEvent>(`/api/integrations/${integration.id}/events?${params}`, { refetchInterval: 3_000 });
  const replay = useApiMutation((api, eventId: string) => api.post(`/api/integrations/${integration.id}/replay`, { event_id: eventId }));

  return (
    <Card>
      <CardHeader title={`Received by ${integration.name ?? `${integration.source_system} / ${integration.user_id}`}`} description="Inbound events are stored once per id and processed with retries (1 min, 5 min, 15 min)." />
      <div className="flex flex-wrap gap-3 px-4 py-3 sm:px-5">
        <FilterSelect label="Inbound status" className="w-44" value={status} onChange={setStatus} options={STATUSES} />
        {replay.isError && <InlineError error={replay.error} />}
      </div>
      <TableShell
        label="Received events"
        columns={COLUMNS}
        query={events}
        skeletonRows={3}
        errorTitle="Could not load received events"
        empty={<EmptyState title="Nothing received yet" description="Events appear here as soon as the source system posts to the receive URL." />}
      >
        {(e) => (
          <Tr key={e.id}>
            <Td>
              <StatusBadge status={e.status} />
            </Td>
            <EventCell type={e.event} id={e.id}>
              {e.outbound_events?.map((o) => (
                <Link key={o.id} href={`/events/${encodeURIComponent(o.id)}`} className="block font-mono text-[11px] text-indigo-700 hover:underline">
                  → published {o.type} ({o.id})
                </Link>
              ))}
            </EventCell>
            <Td className="tabular-nums">{e.attempts}</Td>
            <Td className="text-slate-500">
              <RelativeTime iso={e.received_at} />
            </Td>
            <Td className="max-w-64">
              <span className="block truncate text-red-700" title={e.last_error ?? undefined}>
                {e.last_error ?? ""}
              </span>
            </Td>
            <Td className="text-right">
              <div className="flex justify-end gap-1">
                <Button size="sm" variant="ghost" onClick={() => setOpen(open?.id === e.id ? null : e)} aria-expanded={open?.id === e.id}>
                  Payload
                </Button>
                {e.status === "dead" && (
                  <Button size="sm" onClick={() => replay.mutate(e.id)} disabled={replay.isPending}>
                    Replay
                  </Button>
                )}
              </div>
            </Td>
          </Tr>
        )}
      </TableShell>
      {open && (
        <div className="border-t border-slate-100 px-4 py-3 sm:px-5">
          <p className="mb-2 text-xs font-semibold uppercase tracking-wide text-slate-500">Payload of {open.id}</p>
          <pre tabIndex={0} className="max-h-72 overflow-auto rounded-md bg-slate-900 p-3 font-mono text-xs text-slate-100">
            {JSON.stringify(open.payload, null, 2)}
          </pre>
        </div>
      )}
      <LoadMore query={events} />
    </Card>
  );
}
