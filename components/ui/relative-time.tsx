import { formatDateTime, formatRelative } from "@/components/format";

/** A time as "3 min ago" with the exact date and time on hover; a grey `never` when there is none. */
export function RelativeTime({ iso, never = "—" }: { iso: string | null | undefined; never?: string }) {
  if (!iso) return <span className="text-slate-400">{never}</span>;
  return (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {formatRelative(iso)}
    </time>
  );
}
