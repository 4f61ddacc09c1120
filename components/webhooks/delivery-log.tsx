"use client";
import { useState } from "react";
import type { Attempt, EventType } from "@/components/api-types";
import { formatMs } from "@/components/format";
import { useApiList, useApiQuery } from "@/components/use-api";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Field, Select } from "@/components/ui/field";
import { RelativeTime } from "@/components/ui/relative-time";
import { TableShell, Td, Tr } from "@/components/ui/table";
import { AttemptDetails } from "@/components/webhooks/attempt-details";
import { AttemptStatusBadge, ResponseSummary } from "@/components/webhooks/attempt-status";
import { LoadMore } from "@/components/webhooks/load-more";

const COLUMNS = ["Status", "Event", "Response", "Time", "Attempt", "When", ""];

/** Every attempt, newest first, refreshed every 2 s so new ones appear on their own. */
export function DeliveryLog({ webhookId }: { webhookId: string }) {
  const [status, setStatus] = useState("");
  const [event, setEvent] = useState("");
  const [open, setOpen] = useState<Attempt | null>(null);
  const catalog = useApiQuery<EventType[]>("/api/event-types");
  const params = new URLSearchParams({ limit: "25" });
  if (status) params.set("status", status);
  if (event) params.set("event", event);
  const log = useApiList<Attempt>(`/api/webhooks/${webhookId}/logs?${params}`, { refetchInterval: 2_000 });
  const rows = log.data?.pages.flatMap((p) => p.data) ?? [];

  return (
    <div>
      <div className="flex flex-wrap gap-3 px-4 py-3 sm:px-5">
        <Field label="Status" className="w-40">
          {(p) => (
            <Select {...p} value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="">All</option>
              <option value="succeeded">Succeeded</option>
              <option value="failed">Failed</option>
            </Select>
          )}
        </Field>
        <Field label="Event" className="w-60">
          {(p) => (
            <Select {...p} value={event} onChange={(e) => setEvent(e.target.value)}>
              <option value="">All event types</option>
              {catalog.data?.map((t) => (
                <option key={t.type} value={t.type}>
                  {t.type}
                </option>
              ))}
            </Select>
          )}
        </Field>
      </div>
      <TableShell
        label="Delivery log"
        columns={COLUMNS}
        actionsLabel="Details"
        query={log}
        rows={rows}
        errorTitle="Could not load the delivery log"
        empty={
          <EmptyState
            title={status || event ? "No attempts match these filters" : "No deliveries yet"}
            description={status || event ? "Change the filters to see more." : "Send a test event or publish an event this webhook subscribes to."}
          />
        }
      >
        {(a) => (
          <Tr key={a.id} onClick={() => setOpen(a)} className="cursor-pointer hover:bg-slate-50">
            <Td>
              <AttemptStatusBadge status={a.status} />
            </Td>
            <Td>
              <span className="block font-mono text-xs text-slate-800">{a.event}</span>
              <span className="block font-mono text-[11px] text-slate-400">{a.event_id}</span>
            </Td>
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
