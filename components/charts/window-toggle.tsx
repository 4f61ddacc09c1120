"use client";
import type { StatsWindow } from "@/components/api-types";
import { Segmented } from "@/components/ui/segmented";

const OPTIONS = [
  { value: "1h", label: "1 h" },
  { value: "24h", label: "24 h" },
  { value: "7d", label: "7 d" },
] as const;

export function WindowToggle({ value, onChange }: { value: StatsWindow; onChange: (w: StatsWindow) => void }) {
  return <Segmented label="Time window" options={OPTIONS} value={value} onChange={onChange} />;
}
