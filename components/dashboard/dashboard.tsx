"use client";
import Link from "next/link";
import { useState, type ReactNode } from "react";
import type { Stats, StatsWindow, WebhookHealth } from "@/components/api-types";
import { formatCount, formatMs, formatPercent, formatRelative } from "@/components/format";
import { useApiQuery } from "@/components/use-api";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { ErrorState } from "@/components/ui/error-state";
import { PageHeader } from "@/components/ui/page-header";
import { Skeleton } from "@/components/ui/skeleton";
import { ErrorBreakdownChart, errorLabel } from "@/components/charts/error-chart";
import { SuccessRateChart } from "@/components/charts/success-rate-chart";
import { EventVolumeChart, TimeVolumeChart } from "@/components/charts/volume-chart";
import { WindowToggle } from "@/components/charts/window-toggle";
import { WebhookStatusBadge } from "@/components/webhooks/webhook-status-badge";

const WINDOW_LABEL: Record<StatsWindow, string> = { "1h": "last hour", "24h": "last 24 hours", "7d": "last 7 days" };

function Stat({ label, value, sub, loading }: { label: string; value: ReactNode; sub?: ReactNode; loading: boolean }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-2">
        {loading ? <Skeleton className="h-8 w-24" /> : <span className="block h-8 text-2xl font-semibold tabular-nums text-slate-900">{value}</span>}
        <span className="mt-1 block h-4 text-xs text-slate-500">{loading ? null : sub}</span>
      </dd>
    </div>
  );
}

function EndpointList({
  title,
  description,
  rows,
  loading,
  metric,
  empty,
}: {
  title: string;
  description: string;
  rows: WebhookHealth[];
  loading: boolean;
  metric: (h: WebhookHealth) => ReactNode;
  empty: string;
}) {
  return (
    <Card>
      <CardHeader title={title} description={description} />
      {loading ? (
        <ul aria-hidden className="divide-y divide-slate-100">
          {Array.from({ length: 3 }, (_, i) => (
            <li key={i} className="flex h-14 items-center justify-between px-4 sm:px-5">
              <Skeleton className="h-4 w-40" />
              <Skeleton className="h-4 w-16" />
            </li>
          ))}
        </ul>
      ) : rows.length === 0 ? (
        <p className="px-5 py-8 text-center text-sm text-slate-500">{empty}</p>
      ) : (
        <ul className="divide-y divide-slate-100">
          {rows.map((h) => (
            <li key={h.webhook_id} className="flex min-h-14 items-center justify-between gap-4 px-4 py-2 sm:px-5">
              <div className="min-w-0">
                <Link href={`/webhooks/${h.webhook_id}`} className="block truncate text-sm font-medium text-slate-900 hover:text-indigo-600 focus-visible:outline-2 focus-visible:outline-indigo-600">
                  {h.name}
                </Link>
                <span className="block truncate font-mono text-xs text-slate-400">{h.url}</span>
              </div>
              <div className="flex shrink-0 items-center gap-3 text-right text-sm">{metric(h)}</div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

export function Dashboard() {
  const [window, setWindow] = useState<StatsWindow>("24h");
  const stats = useApiQuery<Stats>(`/api/stats?window=${window}`, { refetchInterval: 5_000 });
  const health = useApiQuery<WebhookHealth[]>("/api/stats/webhooks", { refetchInterval: 5_000 });
  const s = stats.data;
  const hs = health.data ?? [];
  const failing = hs.filter((h) => h.status === "failing").length;
  const disabled = hs.filter((h) => h.status === "disabled").length;
  const deadLetters = hs.reduce((n, h) => n + h.dead_letters, 0);
  const slowest = hs.filter((h) => h.p95_response_ms_24h !== null).sort((a, b) => (b.p95_response_ms_24h ?? 0) - (a.p95_response_ms_24h ?? 0)).slice(0, 5);
  const mostFailing = hs.filter((h) => h.failed_24h > 0 || h.failing_streak > 0).sort((a, b) => b.failed_24h - a.failed_24h || b.failing_streak - a.failing_streak).slice(0, 5);

  return (
    <>
      <PageHeader title="Dashboard" description="Delivery health across every webhook of this account." actions={<WindowToggle value={window} onChange={setWindow} />} />
      {stats.isError ? (
        <Card>
          <ErrorState error={stats.error} onRetry={() => stats.refetch()} title="Could not load stats" />
        </Card>
      ) : (
        <div className="flex flex-col gap-6">
          <dl className="grid grid-cols-2 gap-4 lg:grid-cols-4">
            <Stat label="Attempts" value={formatCount(s?.total ?? 0)} sub={WINDOW_LABEL[window]} loading={stats.isPending} />
            <Stat label="Success rate" value={formatPercent(s?.success_rate)} sub={s ? `${formatCount(s.succeeded)} succeeded` : null} loading={stats.isPending} />
            <Stat label="Failed attempts" value={formatCount(s?.failed ?? 0)} sub={s?.errors[0] ? `mostly ${errorLabel(s.errors[0].code)}` : "none"} loading={stats.isPending} />
            <Stat label="p95 latency" value={formatMs(s?.p95_response_ms)} sub={s ? `avg ${formatMs(s.avg_response_ms)}` : null} loading={stats.isPending} />
          </dl>

          <div className="flex flex-wrap items-center gap-x-6 gap-y-1 text-sm text-slate-600">
            {health.isPending ? (
              <Skeleton className="h-5 w-72" />
            ) : (
              <>
                <span>
                  <strong className="font-semibold text-slate-900">{hs.length}</strong> {hs.length === 1 ? "webhook" : "webhooks"}
                </span>
                <span>
                  <strong className="font-semibold text-red-700">{failing}</strong> failing
                </span>
                <span>
                  <strong className="font-semibold text-slate-900">{disabled}</strong> disabled
                </span>
                <span>
                  <strong className="font-semibold text-slate-900">{deadLetters}</strong> {deadLetters === 1 ? "dead letter" : "dead letters"} waiting
                </span>
              </>
            )}
          </div>

          {!health.isPending && hs.length === 0 ? (
            <Card>
              <EmptyState title="No webhooks yet" description="Create a webhook and publish events to see delivery health here." action={<Link href="/webhooks/new" className="text-sm font-medium text-indigo-600 hover:text-indigo-500">Create Webhook</Link>} />
            </Card>
          ) : null}

          <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
            <SuccessRateChart stats={s} window={window} loading={stats.isPending} />
            <TimeVolumeChart stats={s} window={window} loading={stats.isPending} />
            <EventVolumeChart stats={s} loading={stats.isPending} />
            <ErrorBreakdownChart stats={s} loading={stats.isPending} />
          </div>

          <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
            <EndpointList
              title="Most failing endpoints"
              description="Failed attempts in the last 24 hours"
              rows={mostFailing}
              loading={health.isPending}
              empty="No failures in the last 24 hours."
              metric={(h) => (
                <>
                  <WebhookStatusBadge isActive={h.is_active} disabledReason={null} failingSince={h.failing_since} />
                  <span className="w-24 tabular-nums text-slate-700">
                    <strong className="font-semibold text-red-700">{h.failed_24h}</strong> failed
                    <span className="block text-xs text-slate-400">{formatPercent(h.success_rate_24h)} ok</span>
                  </span>
                </>
              )}
            />
            <EndpointList
              title="Slowest endpoints"
              description="p95 response time in the last 24 hours"
              rows={slowest}
              loading={health.isPending}
              empty="No attempts in the last 24 hours."
              metric={(h) => (
                <span className="w-24 tabular-nums text-slate-700">
                  <strong className="font-semibold text-slate-900">{formatMs(h.p95_response_ms_24h)}</strong>
                  <span className="block text-xs text-slate-400">last {formatRelative(h.last_attempt_at)}</span>
                </span>
              )}
            />
          </div>
        </div>
      )}
    </>
  );
}
