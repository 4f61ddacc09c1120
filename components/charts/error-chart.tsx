"use client";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Stats } from "@/components/api-types";
import { axisProps, ChartFrame, chartColors } from "@/components/charts/chart-frame";

const LABELS: Record<string, string> = { timeout: "Timeout", connection: "Connection", ssrf_blocked: "Blocked address" };

/** "http_503" → "HTTP 503", "timeout" → "Timeout". */
export const errorLabel = (code: string) => LABELS[code] ?? code.replace(/^http_/, "HTTP ");

export function ErrorBreakdownChart({ stats, loading }: { stats?: Stats; loading?: boolean }) {
  const data = (stats?.errors ?? []).map((e) => ({ ...e, label: errorLabel(e.code) }));
  return (
    <ChartFrame title="Errors" description="Failed attempts by cause" loading={loading} empty={!stats?.total}>
      {data.length === 0 ? (
        <div className="flex h-full items-center justify-center rounded border border-dashed border-emerald-200 bg-emerald-50/40 text-sm text-emerald-700">No failed attempts</div>
      ) : (
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
            <CartesianGrid stroke={chartColors.grid} vertical={false} />
            <XAxis dataKey="label" {...axisProps} interval={0} />
            <YAxis allowDecimals={false} {...axisProps} width={44} />
            <Tooltip />
            <Bar dataKey="count" name="Failed attempts" fill={chartColors.failed} isAnimationActive={false} maxBarSize={40} radius={[3, 3, 0, 0]} />
          </BarChart>
        </ResponsiveContainer>
      )}
    </ChartFrame>
  );
}
