"use client";
import { useState } from "react";
import type { Stats, StatsWindow } from "@/components/api-types";
import { formatMs, formatPercent } from "@/components/format";
import { useApiQuery } from "@/components/use-api";
import { Card, CardHeader } from "@/components/ui/card";
import { ErrorState } from "@/components/ui/error-state";
import { ErrorBreakdownChart } from "@/components/charts/error-chart";
import { LatencyChart } from "@/components/charts/latency-chart";
import { SuccessRateChart } from "@/components/charts/success-rate-chart";
import { EventVolumeChart } from "@/components/charts/volume-chart";
import { WindowToggle } from "@/components/charts/window-toggle";

export function WebhookStats({ webhookId }: { webhookId: string }) {
  const [window, setWindow] = useState<StatsWindow>("1h");
  const stats = useApiQuery<Stats>(`/api/webhooks/${webhookId}/stats?window=${window}`, { refetchInterval: 5_000 });
  const s = stats.data;
  const loading = stats.isPending;
  return (
    <Card>
      <CardHeader
        title="Delivery health"
        description={s ? `${s.total} attempts · ${formatPercent(s.success_rate)} succeeded · avg ${formatMs(s.avg_response_ms)} · p95 ${formatMs(s.p95_response_ms)}` : "Loading…"}
        actions={<WindowToggle value={window} onChange={setWindow} />}
      />
      {stats.isError ? (
        <ErrorState error={stats.error} onRetry={() => stats.refetch()} title="Could not load stats" />
      ) : (
        <div className="grid grid-cols-1 gap-4 p-4 sm:p-5 lg:grid-cols-2">
          <SuccessRateChart stats={s} window={window} loading={loading} />
          <LatencyChart stats={s} window={window} loading={loading} />
          <EventVolumeChart stats={s} loading={loading} />
          <ErrorBreakdownChart stats={s} loading={loading} />
        </div>
      )}
    </Card>
  );
}
