"use client";
import Link from "next/link";
import { useApiScope, useScopedHref } from "@/components/api-scope";
import type { Webhook, WebhookHealth } from "@/components/api-types";
import { formatPercent, formatRelative } from "@/components/format";
import { useApiQuery } from "@/components/use-api";
import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { RelativeTime } from "@/components/ui/relative-time";
import { TableShell, Td, Tr } from "@/components/ui/table";
import { EventChips } from "@/components/webhooks/event-chips";
import { WebhookStatusBadge } from "@/components/webhooks/webhook-status-badge";

const COLUMNS = ["Name", "URL", "Events", "Status", "Success (24 h)", "Last delivery"];

function rateTone(rate: number | null) {
  if (rate === null) return "text-slate-400";
  if (rate >= 0.99) return "text-emerald-700";
  if (rate >= 0.9) return "text-amber-700";
  return "text-red-700";
}

/** The webhook's name, linking to its page. */
function WebhookLink({ webhook }: { webhook: Webhook }) {
  const href = useScopedHref();
  return (
    <Link href={href(`/webhooks/${webhook.id}`)} className="font-medium text-slate-900 hover:text-indigo-600 focus-visible:outline-2 focus-visible:outline-indigo-600">
      {webhook.name}
    </Link>
  );
}

/** On narrow screens the webhooks are cards instead of table rows. */
function WebhookCards({ webhooks, byId }: { webhooks: Webhook[] | undefined; byId: Map<string, WebhookHealth> }) {
  return (
    <ul aria-label="Webhooks" className="divide-y divide-slate-100 md:hidden">
      {!webhooks
        ? Array.from({ length: 3 }, (_, i) => (
            <li key={i} aria-hidden className="flex h-28 flex-col justify-center gap-2 px-4">
              <span className="h-4 w-40 animate-pulse rounded bg-slate-200" />
              <span className="h-3 w-56 animate-pulse rounded bg-slate-200" />
              <span className="h-3 w-32 animate-pulse rounded bg-slate-200" />
            </li>
          ))
        : webhooks.map((w) => {
            const h = byId.get(w.id);
            return (
              <li key={w.id} className="flex flex-col gap-2 px-4 py-3">
                <div className="flex items-start justify-between gap-3">
                  <WebhookLink webhook={w} />
                  <WebhookStatusBadge isActive={w.is_active} disabledReason={w.disabled_reason} failingSince={w.failing_since} failingStreak={h?.failing_streak} />
                </div>
                <span className="truncate font-mono text-xs text-slate-600">{w.url}</span>
                <EventChips events={w.events} />
                <span className="text-xs text-slate-500">
                  {h && h.total_24h > 0 ? (
                    <>
                      <span className={cn("font-medium", rateTone(h.success_rate_24h))}>{formatPercent(h.success_rate_24h)}</span> succeeded (24 h) ·{" "}
                    </>
                  ) : (
                    "No deliveries in 24 h · "
                  )}
                  last delivery {h?.last_attempt_at ? formatRelative(h.last_attempt_at) : "never"}
                </span>
              </li>
            );
          })}
    </ul>
  );
}

export function WebhookList() {
  const webhooks = useApiQuery<Webhook[]>("/api/webhooks?limit=100", { refetchInterval: 10_000 });
  const health = useApiQuery<WebhookHealth[]>("/api/stats/webhooks", { refetchInterval: 10_000 });
  const byId = new Map((health.data ?? []).map((h) => [h.webhook_id, h]));
  const { canManage } = useApiScope();
  const href = useScopedHref();
  const create = canManage ? (
    <ButtonLink href={href("/webhooks/new")} variant="primary">
      Create Webhook
    </ButtonLink>
  ) : undefined;

  return (
    <>
      <PageHeader title="Webhooks" description="Endpoints that receive your events, with their delivery health over the last 24 hours." actions={create} />
      <Card>
        <TableShell
          label="Webhooks"
          columns={COLUMNS}
          query={webhooks}
          skeletonRows={4}
          errorTitle="Could not load webhooks"
          empty={
            <EmptyState
              title="No webhooks yet"
              description={canManage ? "Create a webhook to start delivering events to an endpoint." : "No endpoint receives events yet."}
              action={create}
            />
          }
          narrow={<WebhookCards webhooks={webhooks.data} byId={byId} />}
        >
          {(w) => {
            const h = byId.get(w.id);
            return (
              <Tr key={w.id} className="hover:bg-slate-50/60">
                <Td className="max-w-64">
                  <WebhookLink webhook={w} />
                </Td>
                <Td className="max-w-72">
                  <span className="block truncate font-mono text-xs text-slate-600" title={w.url}>
                    {w.url}
                  </span>
                </Td>
                <Td>
                  <EventChips events={w.events} />
                </Td>
                <Td className="py-2">
                  <WebhookStatusBadge isActive={w.is_active} disabledReason={w.disabled_reason} failingSince={w.failing_since} failingStreak={h?.failing_streak} />
                </Td>
                <Td>
                  {health.isPending ? (
                    <span className="inline-block h-4 w-12 animate-pulse rounded bg-slate-200" />
                  ) : (
                    <span className={cn("font-medium tabular-nums", rateTone(h?.success_rate_24h ?? null))}>
                      {formatPercent(h?.success_rate_24h)}
                      {h && h.total_24h > 0 && <span className="ml-1 text-xs font-normal text-slate-400">of {h.total_24h}</span>}
                    </span>
                  )}
                </Td>
                <Td className="text-slate-500">{h?.last_attempt_at ? <RelativeTime iso={h.last_attempt_at} /> : "Never"}</Td>
              </Tr>
            );
          }}
        </TableShell>
      </Card>
    </>
  );
}
