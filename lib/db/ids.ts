// Prefixed, time-ordered ids (`wh_01J…`): readable in logs, and sortable, so keyset
// pagination can page on the id alone.
import { monotonicFactory } from "ulid";

const ulid = monotonicFactory();

export type IdPrefix = "acct" | "usr" | "key" | "wh" | "evt" | "dlv" | "att" | "fail" | "int" | "ie";

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${ulid().toLowerCase()}`;
}
