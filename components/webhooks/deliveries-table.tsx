"use client";
import { useState } from "react";
import type { Delivery } from "@/components/api-types";
import { useApiList } from "@/components/use-api";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { FilterSelect } from "@/components/ui/field";
import { RelativeTime } from "@/components/ui/relative-time";
import { TableShell, Td, Tr } from "@/components/ui/table";
import { AttemptMarks, DeliveryStatusBadge, ResponseSummary } from "@/components/webhooks/attempt-status";
import { EventCell } from "@/components/webhooks/event-cell";
import { LoadMore } from "@/components/webhooks/load-more";

const COLUMNS = ["Status", "Event", "Attempts", "Last response", "Last attempt", "Next retry"];
const STATUSES = [
  { value: "pending", label: "Pending" },
  { value: "succeeded", label: "Succeeded" },
  { value: "dead", label: "Dead" },
];

/** One row per event sent to this webhook: how many attempts it took and when the next one is due. */
export function DeliveriesTable({ webhookId }: { webhookId: string }) {
  const [status, setStatus] = useState("");
  const params = new URLSearchParams({ limit: "25" });
  if (status) params.set("status", status);
  const deliveries = useApiList<Delivery>(`/api/webhooks/${webhookId}/deliveries?${params}`, { refetchInterval: 2_000 });
  return (
    <div>
      <div className="flex flex-wrap gap-3 px-4 py-3 sm:px-5">
        <FilterSelect label="Delivery status" className="w-44" value={status} onChange={setStatus} options={STATUSES} />
      </div>
      <TableShell
        label="Deliveries"
        columns={COLUMNS}
        query={deliveries}
        errorTitle="Could not load deliveries"
        empty={<EmptyState title={status ? "No deliveries with this status" : "No deliveries yet"} />}
      >
        {(d) => (
          <Tr key={d.id}>
            <Td>
              <div className="flex flex-wrap items-center gap-1.5">
                <DeliveryStatusBadge status={d.status} />
                <AttemptMarks attempt={d} />
                {d.blocked_by && (
                  <Badge tone="amber" title={`Ordering key ${d.ordering_key}: sent after ${d.blocked_by}, an earlier delivery of the same key`}>
                    waiting behind {d.blocked_by}
                  </Badge>
                )}
              </div>
            </Td>
            <EventCell type={d.event} id={d.event_id} />
            <Td className="tabular-nums">{d.attempts}</Td>
            <Td>{d.attempts ? <ResponseSummary code={d.response_code} error={d.last_error} /> : <span className="text-slate-400">—</span>}</Td>
            <Td className="text-slate-500">
              <RelativeTime iso={d.last_attempt_at} />
            </Td>
            <Td className="text-slate-500">
              <RelativeTime iso={d.next_attempt_at} />
            </Td>
          </Tr>
        )}
      </TableShell>
      <LoadMore query={deliveries} />
    </div>
  );
}
