// The dispatcher's arithmetic, as pure functions of a group's recent pace (ms an item holds its
// slot): how many of its items run at once, how many wait leased in memory, and how long the
// dispatcher pauses between its looks for other groups' work. docs/engine.md explains the why.

/** A group whose items hold their slot longer than this each (a slow endpoint) runs fewer at once. */
export const SLOW_ITEM_MS = 50;
/** ...down to this share of the per-group cap. */
export const SLOW_SLOTS_FACTOR = 0.25;
/** A group's queue holds about what it completes in this long at its recent pace. */
export const QUEUE_TARGET_MS = 200;
/** Bounds of a group's queue, in multiples of its slots. */
export const QUEUE_MIN_FACTOR = 0.25;
export const QUEUE_MAX_FACTOR = 4;
/** Weight of the newest item in a group's pace (an exponential moving average). */
export const PACE_WEIGHT = 0.1;
/** The pause after a look past the served groups: this many times what the look cost, at least FAIRNESS_MIN_MS. */
export const FAIRNESS_COST_FACTOR = 20;
export const FAIRNESS_MIN_MS = 50;
/** A fairness look reads what came due since the previous one plus this overlap (a row committed late). */
export const LOOK_OVERLAP_MS = 100;
/** The dispatcher's timer never fires sooner than this. */
export const MIN_TIMER_MS = 5;

/** How many of a group's items may run at once: the cap, or fewer, in proportion, for a slow group. */
export function slotsFor(paceMs: number | undefined, perGroup: number): number {
  if (paceMs === undefined || paceMs <= SLOW_ITEM_MS) return perGroup;
  return Math.max(Math.ceil(SLOW_SLOTS_FACTOR * perGroup), Math.round((perGroup * SLOW_ITEM_MS) / paceMs));
}

/** How many of a group's items may wait leased in memory: about QUEUE_TARGET_MS of its work. */
export function queueDepthFor(paceMs: number | undefined, perGroup: number): number {
  const slots = slotsFor(paceMs, perGroup);
  const depth = paceMs === undefined ? slots : (slots * QUEUE_TARGET_MS) / Math.max(paceMs, 0.1);
  return Math.round(Math.min(QUEUE_MAX_FACTOR * slots, Math.max(QUEUE_MIN_FACTOR * slots, depth)));
}

/** How many of a group's items the dispatcher may hold leased: running plus queued. */
export const leaseCapFor = (paceMs: number | undefined, perGroup: number) => slotsFor(paceMs, perGroup) + queueDepthFor(paceMs, perGroup);

/** A group's pace after one more item held its slot `ms`. */
export const nextPace = (paceMs: number | undefined, ms: number) => (paceMs === undefined ? ms : paceMs * (1 - PACE_WEIGHT) + ms * PACE_WEIGHT);

/** The pause before the next fairness look, after one that cost `lookMs`. */
export const fairnessPauseMs = (lookMs: number) => Math.max(FAIRNESS_MIN_MS, FAIRNESS_COST_FACTOR * lookMs);

/** The pause before the next full look (at all due work), after one that cost `lookMs`: at least `maxIdleMs`. */
export const fullLookPauseMs = (lookMs: number, maxIdleMs: number) => Math.max(maxIdleMs, FAIRNESS_COST_FACTOR * lookMs);

/** The timer's delay for a look wanted in `ms`: never sooner than MIN_TIMER_MS nor later than `maxIdleMs`. */
export const timerDelayMs = (ms: number, maxIdleMs: number) => Math.max(MIN_TIMER_MS, Math.min(ms, maxIdleMs));

/** Groups whose pace is remembered; the oldest are forgotten beyond this. */
const PACE_MEMORY = 10_000;

/** Each group's recent pace, and the caps that follow from it. */
export class GroupPaces {
  private readonly paces = new Map<string, number>();

  constructor(private readonly perGroup: number) {}

  /** One of the group's items held its slot `ms`. */
  note(group: string, ms: number): void {
    const before = this.paces.get(group);
    if (before === undefined && this.paces.size >= PACE_MEMORY) this.paces.delete(this.paces.keys().next().value as string);
    this.paces.set(group, nextPace(before, ms));
  }

  slots(group: string): number {
    return slotsFor(this.paces.get(group), this.perGroup);
  }

  queueDepth(group: string): number {
    return queueDepthFor(this.paces.get(group), this.perGroup);
  }

  leaseCap(group: string): number {
    return leaseCapFor(this.paces.get(group), this.perGroup);
  }
}
