"use client";
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Stats, StatsWindow } from "@/components/api-types";
import { formatBucket } from "@/components/format";
import { axisProps, ChartFrame, chartColors } from "@/components/charts/chart-frame";

export function SuccessRateChart({ stats, window, loading }: { stats?: Stats; window: StatsWindow; loading?: boolean }) {
  const data = (stats?.series ?? []).map((p) => {
    const total = p.succeeded + p.failed;
    return { label: formatBucket(p.bucket, window), rate: total ? Math.round((p.succeeded / total) * 1000) / 10 : null, total };
  });
  return (
    <ChartFrame title="Success rate" description="Share of attempts answered with 2xx" loading={loading} empty={!stats?.total}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid stroke={chartColors.grid} vertical={false} />
          <XAxis dataKey="label" {...axisProps} minTickGap={24} />
          <YAxis domain={[0, 100]} unit="%" {...axisProps} width={44} />
          <Tooltip formatter={(v) => [`${v}%`, "Success rate"]} />
          <Line type="monotone" dataKey="rate" name="Success rate" stroke={chartColors.primary} strokeWidth={2} dot={{ r: 2.5 }} isAnimationActive={false} connectNulls={false} />
        </LineChart>
      </ResponsiveContainer>
    </ChartFrame>
  );
}
