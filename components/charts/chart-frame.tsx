import type { ReactNode } from "react";

/** A fixed-height chart slot: the same size while loading, empty or drawn, so nothing jumps. */
export function ChartFrame({ title, description, empty, loading, children }: { title: string; description?: string; empty?: boolean; loading?: boolean; children: ReactNode }) {
  return (
    <figure className="flex min-w-0 flex-col gap-2 rounded-lg border border-slate-200 bg-white p-4">
      <figcaption>
        <span className="block text-sm font-semibold text-slate-900">{title}</span>
        {description && <span className="block text-xs text-slate-500">{description}</span>}
      </figcaption>
      <div className="relative h-52 w-full">
        {loading ? (
          <div aria-hidden className="h-full w-full animate-pulse rounded bg-slate-100" />
        ) : empty ? (
          <div className="flex h-full items-center justify-center rounded border border-dashed border-slate-200 text-sm text-slate-400">No attempts in this window</div>
        ) : (
          children
        )}
      </div>
    </figure>
  );
}

export const chartColors = {
  primary: "#6366f1",
  succeeded: "#10b981",
  failed: "#ef4444",
  p50: "#6366f1",
  p95: "#f59e0b",
  grid: "#e2e8f0",
  axis: "#64748b",
};

export const axisProps = { stroke: chartColors.axis, fontSize: 11, tickLine: false, axisLine: false } as const;
