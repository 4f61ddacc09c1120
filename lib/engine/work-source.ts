// What the dispatcher drives: a kind of leased work in a table (outbound deliveries, inbound
// events), behind one interface. lib/engine/delivery-work.ts and inbound-work.ts implement it.
import type { ClaimRoom } from "@/lib/db/lease";

export type { ClaimRoom } from "@/lib/db/lease";

export interface WorkSource<T> {
  name: string;
  /** Lease up to `limit` due items to `owner`, skipping the given groups (at their cap), at most `room` per group. */
  claim(owner: string, limit: number, skipGroups: string[], room?: ClaimRoom): Promise<T[]>;
  /** Items of one group share a per-group concurrency cap (e.g. one webhook). */
  group(item: T): string;
  /**
   * Runs the item. The source may call `released()` once the item no longer needs its slot
   * (an attempt whose request was answered and only waits to be recorded): the group's next
   * item may start then. Settling the promise releases the slot too.
   */
  run(item: T, owner: string, released?: () => void): Promise<void>;
  /** Give a leased item back unrun, e.g. because its group is at its cap. */
  release(item: T, owner: string): Promise<void>;
  /** Give several leased items back in one round trip. */
  releaseMany?(items: T[], owner: string): Promise<void>;
  /** When the next item becomes due, so the dispatcher can sleep until then. */
  nextDueAt(): Promise<Date | null>;
}
