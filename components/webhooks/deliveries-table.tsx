"use client";
import { useState } from "react";
import type { Delivery } from "@/components/api-types";
import { formatDateTime, formatRelative } from "@/components/format";
import { useApiList } from "@/components/use-api";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { Field, Select } from "@/components/ui/field";
import { TableSkeleton } from "@/components/ui/skeleton";
import { Table, Td, Th, Tr } from "@/components/ui/table";
import { AttemptMarks, DeliveryStatusBadge, ResponseSummary } from "@/components/webhooks/attempt-status";
import { LoadMore } from "@/components/webhooks/load-more";

const COLUMNS = ["Status", "Event", "Attempts", "Last response", "Last attempt", "Next retry"];

function When({ iso }: { iso: string | null }) {
  if (!iso) return <span className="text-slate-400">—</span>;
  return (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {formatRelative(iso)}
    </time>
  );
}

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
      {deliveries.isError ? (
        <ErrorState error={deliveries.error} onRetry={() => deliveries.refetch()} title="Could not load deliveries" />
      ) : rows.length === 0 && !deliveries.isPending ? (
        <EmptyState title={status ? "No deliveries with this status" : "No deliveries yet"} />
      ) : (
        <Table label="Deliveries">
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <Th key={c}>{c}</Th>
              ))}
            </tr>
          </thead>
          {deliveries.isPending ? (
            <TableSkeleton columns={COLUMNS.length} />
          ) : (
            <tbody>
              {rows.map((d) => (
                <Tr key={d.id}>
                  <Td>
                    <div className="flex flex-wrap items-center gap-1.5">
                      <DeliveryStatusBadge status={d.status} />
                      <AttemptMarks attempt={d} />
                    </div>
                  </Td>
                  <Td>
                    <span className="block font-mono text-xs text-slate-800">{d.event}</span>
                    <span className="block font-mono text-[11px] text-slate-400">{d.event_id}</span>
                  </Td>
                  <Td className="tabular-nums">{d.attempts}</Td>
                  <Td>{d.attempts ? <ResponseSummary code={d.response_code} error={d.last_error} /> : <span className="text-slate-400">—</span>}</Td>
                  <Td className="text-slate-500">
                    <When iso={d.last_attempt_at} />
                  </Td>
                  <Td className="text-slate-500">
                    <When iso={d.next_attempt_at} />
                  </Td>
                </Tr>
              ))}
            </tbody>
          )}
        </Table>
      )}
      <LoadMore query={deliveries} />
    </div>
  );
}
