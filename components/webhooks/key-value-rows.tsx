"use client";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/field";

export interface KeyValueRow {
  key: string;
  value: string;
}

/** Rows of key → value inputs (payload filters, custom headers) with add and remove. */
export function KeyValueRows({
  rows,
  onChange,
  keyLabel,
  valueLabel,
  keyPlaceholder,
  valuePlaceholder,
  addLabel,
  describedBy,
}: {
  rows: KeyValueRow[];
  onChange: (rows: KeyValueRow[]) => void;
  keyLabel: string;
  valueLabel: string;
  keyPlaceholder?: string;
  valuePlaceholder?: string;
  addLabel: string;
  describedBy?: string;
}) {
  const update = (i: number, patch: Partial<KeyValueRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <div className="flex flex-col gap-2">
      {rows.map((row, i) => (
        <div key={i} className="flex flex-col gap-2 sm:flex-row sm:items-center">
          <Input aria-label={`${keyLabel} ${i + 1}`} aria-describedby={describedBy} placeholder={keyPlaceholder} value={row.key} onChange={(e) => update(i, { key: e.target.value })} className="font-mono sm:w-1/2" />
          <Input aria-label={`${valueLabel} ${i + 1}`} aria-describedby={describedBy} placeholder={valuePlaceholder} value={row.value} onChange={(e) => update(i, { value: e.target.value })} className="font-mono sm:flex-1" />
          <Button size="sm" variant="ghost" aria-label={`Remove ${addLabel.replace(/^Add /, "")} ${i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
            Remove
          </Button>
        </div>
      ))}
      <div>
        <Button size="sm" onClick={() => onChange([...rows, { key: "", value: "" }])}>
          {addLabel}
        </Button>
      </div>
    </div>
  );
}
