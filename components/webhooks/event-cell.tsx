import { Td } from "@/components/ui/table";

/** A table cell naming an event: its type over its id. */
export function EventCell({ type, id }: { type: string; id: string }) {
  return (
    <Td>
      <span className="block font-mono text-xs text-slate-800">{type}</span>
      <span className="block font-mono text-[11px] text-slate-400">{id}</span>
    </Td>
  );
}
