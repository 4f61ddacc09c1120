import type { ReactNode } from "react";
import { Td } from "@/components/ui/table";

/** A table cell naming an event: its type over its id, and what else the row says of it below. */
export function EventCell({ type, id, children }: { type: string; id: string; children?: ReactNode }) {
  return (
    <Td>
      <span className="block font-mono text-xs text-slate-800">{type}</span>
      <span className="block font-mono text-[11px] text-slate-400">{id}</span>
      {children}
    </Td>
  );
}
