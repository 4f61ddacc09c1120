"use client";
import { useState } from "react";
import type { Attempt, EventType } from "@/components/api-types";
import { formatMs } from "@/components/format";
import { useApiList, useApiQuery } from "@/components/use-api";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { FilterSelect } from "@/components/ui/field";
import { RelativeTime } from "@/components/ui/relative-time";
import { TableShell, Td, Tr } from "@/components/ui/table";
import { AttemptDetails } from "@/components/webhooks/attempt-details";
import { AttemptMarks, AttemptStatusBadge, ResponseSummary } from "@/components/webhooks/attempt-status";
import { EventCell } from "@/components/webhooks/event-cell";
import { LoadMore } from "@/components/webhooks/load-more";

const COLUMNS = ["Status", "Event", "Response", "Time", "Attempt", "When", ""];
const STATUSES = [
  { value: "succeeded", label: "Succeeded" },
  { value: "failed", label: "Failed" },
];

/** Every attempt, newest first, refreshed every 2 s so new ones appear on their own. */
export function DeliveryLog({ webhookId }: { webhookId: string }) {
  const [status, setStatus] = useState("");
  const [event, setEvent] = useState("");
  const [open, setOpen] = useState<Attempt | null>(null);
  // Set from a replay's "Replay of …" link: only the attempts of that (original) delivery.
  const [deliveryId, setDeliveryId] = useState("");
  const catalog = useApiQuery<EventType[]>("/api/event-types");
  const eventTypes = (catalog.data ?? []).map((t) => ({ value: t.type, label: t.type }));
  const params = new URLSearchParams({ limit: "25" });
  if (status) params.set("status", status);
  if (event) params.set("event", event);
  if (deliveryId) params.set("delivery_id", deliveryId);
  const log = useApiList<Attempt>(`/api/webhooks/${webhookId}/logs?${params}`, { refetchInterval: 2_000 });

  return (
    <div>
      <div className="flex flex-wrap gap-3 px-4 py-3 sm:px-5">
        <FilterSelect label="Status" className="w-40" value={status} onChange={setStatus} options={STATUSES} />
        <FilterSelect label="Event" className="w-60" value={event} onChange={setEvent} options={eventTypes} allLabel="All event types" />
        {deliveryId && (
          <div className="flex items-end gap-2">
            <span className="pb-2 text-sm text-slate-600">
              Attempts of delivery <span className="font-mono text-xs">{deliveryId}</span>
            </span>
            <Button size="sm" variant="ghost" className="mb-0.5" onClick={() => setDeliveryId("")}>
              Show all deliveries
            </Button>
          </div>
        )}
      </div>
      <TableShell
        label="Delivery log"
        columns={COLUMNS}
        actionsLabel="Details"
        query={log}
        errorTitle="Could not load the delivery log"
        empty={
          <EmptyState
            title={status || event || deliveryId ? "No attempts match these filters" : "No deliveries yet"}
            description={status || event || deliveryId ? "Change the filters to see more." : "Send a test event or publish an event this webhook subscribes to."}
          />
        }
      >
        {(a) => (
          <Tr key={a.id} onClick={() => setOpen(a)} className="cursor-pointer hover:bg-slate-50">
            <Td>
              <div className="flex flex-wrap items-center gap-1.5">
                <AttemptStatusBadge status={a.status} />
                <AttemptMarks attempt={a} onOrigin={setDeliveryId} />
              </div>
            </Td>
            <EventCell type={a.event} id={a.event_id} />
            <Td>
              <ResponseSummary code={a.response_code} error={a.error} />
            </Td>
            <Td className="tabular-nums">{formatMs(a.response_time_ms)}</Td>
            <Td className="tabular-nums">#{a.attempt}</Td>
            <Td className="text-slate-500">
              <RelativeTime iso={a.created_at} />
            </Td>
            <Td className="text-right">
              <Button
                size="sm"
                variant="ghost"
                aria-label={`Details of attempt ${a.attempt} for ${a.event} ${a.event_id}`}
                onClick={(e) => {
                  e.stopPropagation();
                  setOpen(a);
                }}
              >
                Details
              </Button>
            </Td>
          </Tr>
        )}
      </TableShell>
      <LoadMore query={log} />
      <AttemptDetails attempt={open} onClose={() => setOpen(null)} />
    </div>
  );
}
