"use client";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Stats, StatsWindow } from "@/components/api-types";
import { formatBucket } from "@/components/format";
import { axisProps, ChartFrame, chartColors } from "@/components/charts/chart-frame";

/** Attempts by event type, succeeded and failed stacked. */
export function EventVolumeChart({ stats, loading }: { stats?: Stats; loading?: boolean }) {
  const data = stats?.events ?? [];
  return (
    <ChartFrame title="Volume by event type" description="Attempts per event type" loading={loading} empty={!data.length}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 12, bottom: 0, left: 8 }}>
          <CartesianGrid stroke={chartColors.grid} horizontal={false} />
          <XAxis type="number" allowDecimals={false} {...axisProps} />
          <YAxis type="category" dataKey="event" {...axisProps} width={120} />
          <Tooltip />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar dataKey="succeeded" name="Succeeded" stackId="a" fill={chartColors.succeeded} isAnimationActive={false} maxBarSize={18} />
          <Bar dataKey="failed" name="Failed" stackId="a" fill={chartColors.failed} isAnimationActive={false} maxBarSize={18} />
        </BarChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}

/** Attempts over time, succeeded and failed stacked. */
export function TimeVolumeChart({ stats, window, loading }: { stats?: Stats; window: StatsWindow; loading?: boolean }) {
  const data = (stats?.series ?? []).map((p) => ({ label: formatBucket(p.bucket, window), succeeded: p.succeeded, failed: p.failed }));
  return (
    <ChartFrame title="Deliveries over time" description="Attempts per interval" loading={loading} empty={!stats?.total}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid stroke={chartColors.grid} vertical={false} />
          <XAxis dataKey="label" {...axisProps} minTickGap={24} />
          <YAxis allowDecimals={false} {...axisProps} width={44} />
          <Tooltip />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          <Bar dataKey="succeeded" name="Succeeded" stackId="a" fill={chartColors.succeeded} isAnimationActive={false} />
          <Bar dataKey="failed" name="Failed" stackId="a" fill={chartColors.failed} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
