// Prefixed, time-ordered ids (`wh_01J…`): readable in logs, and sortable, so keyset
// pagination can page on the id alone.
import { randomFillSync } from "node:crypto";
import { monotonicFactory } from "ulid";

// ulid's default randomness calls crypto.getRandomValues once per character (16 calls an id),
// ~4 % of a publish's CPU; the same bytes come from a pool refilled 4 KB at a time.
const pool = new Uint8Array(4096);
let used = pool.length;
function pooledRandom(): number {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  return pool[used++] / 256;
}

const ulid = monotonicFactory(pooledRandom);

export type IdPrefix = "acct" | "usr" | "pwt" | "key" | "wh" | "evt" | "dlv" | "att" | "fail" | "int" | "ie";

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${ulid().toLowerCase()}`;
}
