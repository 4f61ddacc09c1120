export function EventChips({ events, max = 3 }: { events: string[]; max?: number }) {
  const shown = events.slice(0, max);
  return (
    <span className="flex flex-wrap gap-1">
      {shown.map((e) => (
        <span key={e} className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs text-slate-700">
          {e}
        </span>
      ))}
      {events.length > max && (
        <span className="rounded px-1 py-0.5 text-xs text-slate-500" title={events.slice(max).join(", ")}>
          +{events.length - max} more
        </span>
      )}
    </span>
  );
}
