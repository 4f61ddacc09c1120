import type { ComponentProps, ReactNode } from "react";
import { cn } from "@/components/ui/cn";

/** A table that scrolls sideways inside its card on narrow screens instead of overflowing the page. */
export function Table({ children, label, className }: { children: ReactNode; label: string; className?: string }) {
  return (
    <div className={cn("relative overflow-x-auto", className)}>
      <table aria-label={label} className="w-full min-w-max border-collapse text-left text-sm">
        {children}
      </table>
    </div>
  );
}

export function Th({ className, ...props }: ComponentProps<"th">) {
  return <th scope="col" className={cn("h-10 bg-slate-50 px-4 text-xs font-semibold uppercase tracking-wide text-slate-500", className)} {...props} />;
}

/** The header row; an empty column name is an unlabelled action column, named for screen readers. */
export function TableHead({ columns, actionsLabel = "Actions" }: { columns: readonly string[]; actionsLabel?: string }) {
  return (
    <thead>
      <tr>
        {columns.map((c, i) => (
          <Th key={i}>{c || <span className="sr-only">{actionsLabel}</span>}</Th>
        ))}
      </tr>
    </thead>
  );
}

export function Td({ className, ...props }: ComponentProps<"td">) {
  return <td className={cn("h-12 px-4 align-middle text-slate-700", className)} {...props} />;
}

export function Tr({ className, ...props }: ComponentProps<"tr">) {
  return <tr className={cn("border-t border-slate-100", className)} {...props} />;
}
