"use client";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Stats, StatsWindow } from "@/components/api-types";
import { formatBucket } from "@/components/format";
import { axisProps, ChartFrame, chartColors } from "@/components/charts/chart-frame";

export function LatencyChart({ stats, window, loading }: { stats?: Stats; window: StatsWindow; loading?: boolean }) {
  const data = (stats?.series ?? []).map((p) => ({ label: formatBucket(p.bucket, window), p50: p.p50_response_ms ?? p.avg_response_ms, p95: p.p95_response_ms ?? null }));
  return (
    <ChartFrame title="Latency" description="p50 and p95 response time (ms)" loading={loading} empty={!stats?.total}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -8 }}>
          <CartesianGrid stroke={chartColors.grid} vertical={false} />
          <XAxis dataKey="label" {...axisProps} minTickGap={24} />
          <YAxis {...axisProps} width={48} />
          <Tooltip formatter={(v, name) => [`${v} ms`, name]} />
          <Legend iconType="plainline" wrapperStyle={{ fontSize: 12 }} />
          <Line type="monotone" dataKey="p50" name="p50" stroke={chartColors.p50} strokeWidth={2} dot={{ r: 2 }} isAnimationActive={false} />
          <Line type="monotone" dataKey="p95" name="p95" stroke={chartColors.p95} strokeWidth={2} dot={{ r: 2 }} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
