import { cn } from "@/components/ui/cn";

/** A grey placeholder with the size of what is loading, so nothing moves when it arrives. */
export function Skeleton({ className }: { className?: string }) {
  return <div aria-hidden className={cn("animate-pulse rounded bg-slate-200/80", className)} />;
}

/** Skeleton rows for a table body: same row height as the real rows. */
export function TableSkeleton({ rows = 5, columns }: { rows?: number; columns: number }) {
  return (
    <tbody aria-hidden>
      {Array.from({ length: rows }, (_, r) => (
        <tr key={r} className="border-t border-slate-100">
          {Array.from({ length: columns }, (_, c) => (
            <td key={c} className="h-12 px-4">
              <Skeleton className={cn("h-4", c === 0 ? "w-32" : "w-20")} />
            </td>
          ))}
        </tr>
      ))}
    </tbody>
  );
}
