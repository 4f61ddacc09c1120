"use client";
// One event's deliveries: per webhook its status, attempts and last response; open a delivery
// to list its attempts (each opens the attempt drawer); replay a dead one (when the scope may).
import Link from "next/link";
import { Fragment, useState } from "react";
import { useApiScope, useScopedHref } from "@/components/api-scope";
import type { Attempt, EventDelivery } from "@/components/api-types";
import { formatDateTime, formatMs, formatRelative } from "@/components/format";
import { useApiList, useApiMutation } from "@/components/use-api";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { InlineError } from "@/components/ui/error-state";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableHead, Td, Tr } from "@/components/ui/table";
import { AttemptDetails } from "@/components/webhooks/attempt-details";
import { AttemptStatusBadge, DeliveryStatusBadge, ResponseSummary } from "@/components/webhooks/attempt-status";
import { LoadMore } from "@/components/webhooks/load-more";

const COLUMNS = ["Webhook", "Status", "Attempts", "Last response", ""];

function DeliveryAttempts({ delivery, onOpen }: { delivery: EventDelivery; onOpen: (a: Attempt) => void }) {
  const attempts = useApiList<Attempt>(`/api/webhooks/${delivery.webhook_id}/logs?delivery_id=${encodeURIComponent(delivery.id)}&limit=50`, { refetchInterval: 2_000 });
  const rows = attempts.data?.pages.flatMap((p) => p.data) ?? [];
  if (attempts.isPending) return <Skeleton className="h-8 w-full" />;
  if (attempts.isError) return <InlineError error={attempts.error} />;
  if (rows.length === 0) return <p className="text-sm text-slate-500">No attempts yet.</p>;
  return (
    <ul aria-label={`Attempts of the delivery to ${delivery.webhook_name}`} className="flex flex-col divide-y divide-slate-100 rounded-md border border-slate-200 bg-white">
      {rows.map((a) => (
        <li key={a.id} className="flex flex-wrap items-center gap-x-4 gap-y-1 px-3 py-2 text-sm">
          <span className="w-8 tabular-nums text-slate-500">#{a.attempt}</span>
          <AttemptStatusBadge status={a.status} />
          <ResponseSummary code={a.response_code} error={a.error} />
          <span className="tabular-nums text-slate-500">{formatMs(a.response_time_ms)}</span>
          <time dateTime={a.created_at} title={formatDateTime(a.created_at)} className="text-slate-500">
            {formatRelative(a.created_at)}
          </time>
          <Button size="sm" variant="ghost" className="ml-auto" aria-label={`Details of attempt ${a.attempt} to ${delivery.webhook_name}`} onClick={() => onOpen(a)}>
            Details
          </Button>
        </li>
      ))}
      <LoadMore query={attempts} />
    </ul>
  );
}

function LastResponse({ d }: { d: EventDelivery }) {
  if (!d.last_response) return <span className="text-slate-400">—</span>;
  return (
    <span className="flex flex-wrap items-center gap-x-2">
      <ResponseSummary code={d.last_response.code} error={d.last_response.error} />
      <span className="tabular-nums text-slate-500">{formatMs(d.last_response.response_time_ms)}</span>
      <time dateTime={d.last_response.at} title={formatDateTime(d.last_response.at)} className="text-slate-400">
        {formatRelative(d.last_response.at)}
      </time>
    </span>
  );
}

function ReplayCell({ d, onReplay, busy }: { d: EventDelivery; onReplay: (d: EventDelivery) => void; busy: boolean }) {
  const { canManage } = useApiScope();
  if (!d.dead_letter) return null;
  if (d.dead_letter.replayed_at)
    return (
      <Badge tone="indigo" title={formatDateTime(d.dead_letter.replayed_at)}>
        Replayed {formatRelative(d.dead_letter.replayed_at)}
      </Badge>
    );
  // A view-only portal link sees that it is dead, and cannot replay it (the API would say 403).
  if (!canManage) return null;
  return (
    <Button size="sm" variant="primary" disabled={busy} onClick={() => onReplay(d)} aria-label={`Replay the delivery to ${d.webhook_name}`}>
      Replay
    </Button>
  );
}

export function EventDeliveries({ deliveries }: { deliveries: EventDelivery[] }) {
  const href = useScopedHref();
  const [openId, setOpenId] = useState<string | null>(null);
  const [attempt, setAttempt] = useState<Attempt | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const replay = useApiMutation((api, d: EventDelivery) => api.post<{ delivery_ids: string[] }>(`/api/webhooks/${d.webhook_id}/replay`, { failure_id: d.dead_letter!.id }), {
    onSuccess: (r, d) => setMessage(`Replayed to ${d.webhook_name}: a new delivery (${r.delivery_ids[0] ?? "none"}) is queued.`),
  });
  if (deliveries.length === 0) return <EmptyState title="No deliveries" description="No webhook of this account was subscribed to this event when it was published." />;
  return (
    <div>
      <div aria-live="polite" className="px-4 text-sm text-slate-600 sm:px-5">
        {replay.isError ? <InlineError error={replay.error} /> : message && <p className="py-2">{message}</p>}
      </div>
      <Table label="Deliveries">
        <TableHead columns={COLUMNS} />
        <tbody>
          {deliveries.map((d) => (
            <Fragment key={d.id}>
              <Tr>
                <Td>
                  <Link href={href(`/webhooks/${d.webhook_id}`)} className="block font-medium text-indigo-700 hover:underline">
                    {d.webhook_name}
                  </Link>
                  <span className="block max-w-72 truncate text-xs text-slate-400" title={d.webhook_url}>
                    {d.webhook_url}
                  </span>
                </Td>
                <Td>
                  <DeliveryStatusBadge status={d.status} />
                  {d.status === "pending" && d.next_attempt_at && <span className="mt-0.5 block text-xs text-slate-500">next {formatRelative(d.next_attempt_at)}</span>}
                  {d.blocked_by && (
                    <span className="mt-0.5 block text-xs text-amber-800" title={`Ordering key ${d.ordering_key}: sent after this earlier delivery of the same key`}>
                      waiting behind {d.blocked_by}
                    </span>
                  )}
                </Td>
                <Td>
                  <Button size="sm" variant="ghost" aria-expanded={openId === d.id} onClick={() => setOpenId(openId === d.id ? null : d.id)} aria-label={`Attempts to ${d.webhook_name}`}>
                    {d.attempts} {d.attempts === 1 ? "attempt" : "attempts"} {openId === d.id ? "▴" : "▾"}
                  </Button>
                </Td>
                <Td>
                  <LastResponse d={d} />
                </Td>
                <Td className="text-right">
                  <ReplayCell d={d} busy={replay.isPending} onReplay={(x) => (setMessage(null), replay.mutate(x))} />
                </Td>
              </Tr>
              {openId === d.id && (
                <tr>
                  <td colSpan={COLUMNS.length} className="bg-slate-50 px-4 py-3">
                    <DeliveryAttempts delivery={d} onOpen={setAttempt} />
                  </td>
                </tr>
              )}
            </Fragment>
          ))}
        </tbody>
      </Table>
      <AttemptDetails attempt={attempt} onClose={() => setAttempt(null)} />
    </div>
  );
}
