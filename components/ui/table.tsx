import type { ComponentProps, ReactNode } from "react";
import { cn } from "@/components/ui/cn";
import { ErrorState } from "@/components/ui/error-state";
import { TableSkeleton } from "@/components/ui/skeleton";

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

/** What TableShell reads of a TanStack query: its state, and rows or (a paginated list) pages of rows. */
interface RowsQuery<T> {
  data: readonly T[] | { pages: { data: T[] }[] } | undefined;
  isPending: boolean;
  isError: boolean;
  error: unknown;
  refetch: () => unknown;
}

const rowsOf = <T,>(data: RowsQuery<T>["data"]): readonly T[] | undefined => (data && "pages" in data ? data.pages.flatMap((p) => p.data) : data);

/**
 * A list's table with its states: the error with a retry, `empty` when there are no rows, and
 * skeleton rows while loading. `narrow`, when given, stands in for the table on small screens.
 */
export function TableShell<T>({
  label,
  columns,
  actionsLabel,
  query,
  errorTitle,
  empty,
  skeletonRows,
  narrow,
  children,
}: {
  label: string;
  columns: readonly string[];
  actionsLabel?: string;
  query: RowsQuery<T>;
  errorTitle: string;
  empty: ReactNode;
  skeletonRows?: number;
  narrow?: ReactNode;
  children: (row: T) => ReactNode;
}) {
  const rows = rowsOf(query.data);
  if (query.isError) return <ErrorState error={query.error} onRetry={() => query.refetch()} title={errorTitle} />;
  if (!query.isPending && !rows?.length) return empty;
  const table = (
    <Table label={label} className={narrow ? "hidden md:block" : undefined}>
      <TableHead columns={columns} actionsLabel={actionsLabel} />
      {query.isPending || !rows ? <TableSkeleton columns={columns.length} rows={skeletonRows} /> : <tbody>{rows.map((row) => children(row))}</tbody>}
    </Table>
  );
  return narrow ? (
    <>
      {narrow}
      {table}
    </>
  ) : (
    table
  );
}
