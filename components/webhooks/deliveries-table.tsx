"use client";
import { useState } from "react";
import type { Delivery } from "@/components/api-types";
import { useApiList } from "@/components/use-api";
import { EmptyState } from "@/components/ui/empty-state";
import { Field, Select } from "@/components/ui/field";
import { RelativeTime } from "@/components/ui/relative-time";
import { TableShell, Td, Tr } from "@/components/ui/table";
import { DeliveryStatusBadge, ResponseSummary } from "@/components/webhooks/attempt-status";
import { LoadMore } from "@/components/webhooks/load-more";

const COLUMNS = ["Status", "Event", "Attempts", "Last response", "Last attempt", "Next retry"];

/** One row per event sent to this webhook: how many attempts it took and when the next one is due. */
export function DeliveriesTable({ webhookId }: { webhookId: string }) {
  const [status, setStatus] = useState("");
  const params = new URLSearchParams({ limit: "25" });
  if (status) params.set("status", status);
  const deliveries = useApiList<Delivery>(`/api/webhooks/${webhookId}/deliveries?${params}`, { refetchInterval: 2_000 });
  const rows = deliveries.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <div>
      <div className="flex flex-wrap gap-3 px-4 py-3 sm:px-5">
        <Field label="Delivery status" className="w-44">
          {(p) => (
            <Select {...p} value={status} onChange={(e) => setStatus(e.target.value)}>
              <option value="">All</option>
              <option value="pending">Pending</option>
              <option value="succeeded">Succeeded</option>
              <option value="dead">Dead</option>
            </Select>
          )}
        </Field>
      </div>
      <TableShell
        label="Deliveries"
        columns={COLUMNS}
        query={deliveries}
        rows={rows}
        errorTitle="Could not load deliveries"
        empty={<EmptyState title={status ? "No deliveries with this status" : "No deliveries yet"} />}
      >
        {(d) => (
          <Tr key={d.id}>
            <Td>
              <DeliveryStatusBadge status={d.status} />
            </Td>
            <Td>
              <span className="block font-mono text-xs text-slate-800">{d.event}</span>
              <span className="block font-mono text-[11px] text-slate-400">{d.event_id}</span>
            </Td>
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
