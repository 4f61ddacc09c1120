// Which events a webhook receives: exact types (`order.created`), a group wildcard
// (`order.*`) or everything (`*`), plus optional payload filters (dotted path → value, all
// must match).
import { eventGroups, findEventType } from "@/lib/events/catalog";

export function isValidEventPattern(pattern: string): boolean {
  if (pattern === "*") return true;
  if (pattern.endsWith(".*")) return eventGroups.includes(pattern.slice(0, -2));
  return findEventType(pattern) !== undefined;
}

export function matchesEventPattern(pattern: string, type: string): boolean {
  if (pattern === "*") return true;
  if (pattern.endsWith(".*")) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

export type Filters = Record<string, string | number | boolean | null>;

function valueAt(data: unknown, path: string): unknown {
  let current = data;
  for (const key of path.split(".")) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export function matchesFilters(filters: Filters | null | undefined, data: unknown): boolean {
  if (!filters) return true;
  return Object.entries(filters).every(([path, expected]) => valueAt(data, path) === expected);
}

export function webhookReceives(webhook: { events: string[]; filters: unknown }, event: { type: string; data: unknown }): boolean {
  return webhook.events.some((p) => matchesEventPattern(p, event.type)) && matchesFilters(webhook.filters as Filters | null, event.data);
}
