"use client";
import { useState } from "react";
import type { Attempt, EventType } from "@/components/api-types";
import { formatDateTime, formatMs, formatRelative } from "@/components/format";
import { useApiList, useApiQuery } from "@/components/use-api";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { Field, Select } from "@/components/ui/field";
import { TableSkeleton } from "@/components/ui/skeleton";
import { Table, TableHead, Td, Tr } from "@/components/ui/table";
import { AttemptDetails } from "@/components/webhooks/attempt-details";
import { AttemptMarks, AttemptStatusBadge, ResponseSummary } from "@/components/webhooks/attempt-status";
import { LoadMore } from "@/components/webhooks/load-more";

const COLUMNS = ["Status", "Event", "Response", "Time", "Attempt", "When", ""];

/** Every attempt, newest first, refreshed every 2 s so new ones appear on their own. */
export function DeliveryLog({ webhookId }: { webhookId: string }) {
  const [status, setStatus] = useState("");
  const [event, setEvent] = useState("");
  const [open, setOpen] = useState<Attempt | null>(null);
  // Set from a replay's "Replay of …" link: only the attempts of that (original) delivery.
  const [deliveryId, setDeliveryId] = useState("");
  const catalog = useApiQuery<EventType[]>("/api/event-types");
  const params = new URLSearchParams({ limit: "25" });
  if (status) params.set("status", status);
  if (event) params.set("event", event);
  if (deliveryId) params.set("delivery_id", deliveryId);
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
      {log.isError ? (
        <ErrorState error={log.error} onRetry={() => log.refetch()} title="Could not load the delivery log" />
      ) : rows.length === 0 && !log.isPending ? (
        <EmptyState
          title={status || event || deliveryId ? "No attempts match these filters" : "No deliveries yet"}
          description={status || event || deliveryId ? "Change the filters to see more." : "Send a test event or publish an event this webhook subscribes to."}
        />
      ) : (
        <Table label="Delivery log">
          <TableHead columns={COLUMNS} actionsLabel="Details" />
          {log.isPending ? (
            <TableSkeleton columns={COLUMNS.length} />
          ) : (
            <tbody>
              {rows.map((a) => (
                <Tr key={a.id} onClick={() => setOpen(a)} className="cursor-pointer hover:bg-slate-50">
                  <Td>
                    <div className="flex flex-wrap items-center gap-1.5">
                      <AttemptStatusBadge status={a.status} />
                      <AttemptMarks attempt={a} onOrigin={setDeliveryId} />
                    </div>
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
                    <time dateTime={a.created_at} title={formatDateTime(a.created_at)}>
                      {formatRelative(a.created_at)}
                    </time>
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
              ))}
            </tbody>
          )}
        </Table>
      )}
      <LoadMore query={log} />
      <AttemptDetails attempt={open} onClose={() => setOpen(null)} />
    </div>
  );
}
