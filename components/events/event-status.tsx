// An event's outcome at a glance, from its delivery counts (the same rules as the `status` filter).
import type { EventDeliveryCounts } from "@/components/api-types";
import { Badge } from "@/components/ui/badge";

export function EventStatusBadge({ counts }: { counts: EventDeliveryCounts }) {
  if (counts.dead > 0)
    return (
      <Badge tone="red" dot>
        Failed
      </Badge>
    );
  if (counts.pending > 0)
    return (
      <Badge tone="amber" dot>
        Pending
      </Badge>
    );
  if (counts.total === 0) return <Badge tone="slate">No deliveries</Badge>;
  return (
    <Badge tone="green" dot>
      Delivered
    </Badge>
  );
}

/** "3 webhooks · 2 succeeded · 1 dead": only the parts that are not zero. */
export function FanOut({ counts }: { counts: EventDeliveryCounts }) {
  if (counts.total === 0) return <span className="text-slate-400">—</span>;
  const parts = [
    counts.succeeded > 0 && <span key="s" className="text-emerald-700">{counts.succeeded} succeeded</span>,
    counts.pending > 0 && <span key="p" className="text-amber-700">{counts.pending} pending</span>,
    counts.dead > 0 && <span key="d" className="text-red-700">{counts.dead} dead</span>,
  ].filter(Boolean);
  return (
    <span className="flex flex-wrap items-center gap-x-2 tabular-nums">
      <span className="font-medium text-slate-800">
        {counts.total} {counts.total === 1 ? "delivery" : "deliveries"}
      </span>
      {parts.map((p, i) => (
        <span key={i} className="flex items-center gap-2">
          <span aria-hidden className="text-slate-300">·</span>
          {p}
        </span>
      ))}
    </span>
  );
}
