"use client";
// Subscribe to exact event types, a whole group (`order.*`) or everything (`*`). A wildcard
// covers what is under it, so those boxes show checked and locked while it is on.
import type { EventType } from "@/components/api-types";
import { Checkbox } from "@/components/ui/field";
import { Skeleton } from "@/components/ui/skeleton";

function groupBy(catalog: EventType[]) {
  const groups = new Map<string, EventType[]>();
  for (const t of catalog) groups.set(t.group, [...(groups.get(t.group) ?? []), t]);
  return [...groups.entries()];
}

export function EventPicker({ catalog, value, onChange, describedBy }: { catalog: EventType[]; value: string[]; onChange: (events: string[]) => void; describedBy?: string }) {
  const all = value.includes("*");
  const set = new Set(value);
  const toggle = (pattern: string, on: boolean, group?: string) => {
    if (pattern === "*") return onChange(on ? ["*"] : []);
    let next = value.filter((v) => v !== pattern);
    if (on) {
      // Choosing a group replaces its single types: `order.*` already covers them.
      if (group && pattern.endsWith(".*")) next = next.filter((v) => !v.startsWith(`${group}.`));
      next.push(pattern);
    }
    onChange(next);
  };
  return (
    <div className="flex flex-col gap-4" aria-describedby={describedBy}>
      <div className="rounded-md border border-slate-200 bg-slate-50 px-3 py-2.5">
        <Checkbox label={<span className="font-medium">All events (*)</span>} description="Every current and future event type." checked={all} onChange={(e) => toggle("*", e.target.checked)} />
      </div>
      <div className="grid grid-cols-1 items-start gap-3 sm:grid-cols-2 xl:grid-cols-3">
        {groupBy(catalog).map(([group, types]) => {
          const wildcard = `${group}.*`;
          const groupOn = all || set.has(wildcard);
          return (
            <fieldset key={group} className="rounded-md border border-slate-200 px-3 pb-3 pt-1">
              <legend className="px-1 text-xs font-semibold uppercase tracking-wide text-slate-500">{group}</legend>
              <Checkbox
                label={`All ${group} events (${wildcard})`}
                checked={groupOn}
                disabled={all}
                onChange={(e) => toggle(wildcard, e.target.checked, group)}
                className="mb-2 font-medium"
              />
              <div className="flex flex-col gap-1.5 border-l border-slate-200 pl-3">
                {types.map((t) => (
                  <Checkbox
                    key={t.type}
                    label={<span className="font-mono text-[13px]">{t.type}</span>}
                    title={t.description}
                    checked={groupOn || set.has(t.type)}
                    disabled={groupOn}
                    onChange={(e) => toggle(t.type, e.target.checked)}
                  />
                ))}
              </div>
            </fieldset>
          );
        })}
      </div>
    </div>
  );
}

export function EventPickerSkeleton() {
  return (
    <div className="flex flex-col gap-4" aria-hidden>
      <Skeleton className="h-14 w-full" />
      <div className="grid grid-cols-1 items-start gap-3 sm:grid-cols-2 xl:grid-cols-3">
        {Array.from({ length: 6 }, (_, i) => (
          <Skeleton key={i} className="h-36 w-full" />
        ))}
      </div>
    </div>
  );
}
