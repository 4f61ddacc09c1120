// One work source's state in the dispatcher: the items it leased and queued per group, the
// items running per group, and what it knows about the work left in the table — which decides
// whether the next claim is worth a round trip and which groups it asks for.
import type { GroupPaces } from "@/lib/engine/pacing";
import type { WorkSource } from "@/lib/engine/work-source";

interface Queued<T> {
  item: T;
  claimedAt: number;
}

/** What one claim asks a source for. */
export interface ClaimPlan {
  /** A fairness look: past every group this dispatcher serves, for work nobody announced. */
  fairness: boolean;
  /** Groups this dispatcher holds items of, or may have more of. */
  known: Set<string>;
  /** Groups left out: at their lease cap, or served (in a fairness look). */
  skip: string[];
  /** How many more each served or newly announced group may take. */
  byWebhook: Map<string, number>;
  /** Groups a NOTIFY named that this dispatcher holds nothing of: served first when the claim is cut short. */
  fresh: string[];
  /** Whether the claim also looks past the groups in `byWebhook`. */
  lookPast: boolean;
  /** How many items the groups can take in all. */
  room: number;
}

export class SourceQueue<T> {
  /** Leased items waiting for a slot, per group, oldest first. */
  private readonly waiting = new Map<string, Queued<T>[]>();
  /** Items running, per group. */
  private readonly running = new Map<string, number>();
  /** Groups whose last claim filled their room: more of theirs may be due. */
  private readonly mayHaveMore = new Set<string>();
  /** Groups a NOTIFY named since the last claim: looked up by themselves. */
  private readonly announced = new Set<string>();
  /** The last claim came back short: nothing else is claimable until something changes. */
  private claimedAll = false;
  /**
   * Groups this dispatcher does not serve may have due work: work was announced without naming
   * its groups (NOTIFY, timer, start) and no claim has looked past the served groups since, or
   * the last such look came back full. Otherwise a claim refills only the served groups.
   */
  othersMayWait = true;
  /** Items waiting in `waiting`, all groups together. */
  queued = 0;

  constructor(
    readonly source: WorkSource<T>,
    private readonly paces: GroupPaces,
    /** How many items a group new to this dispatcher may take in one claim. */
    private readonly newGroupCap: number,
  ) {}

  /** A NOTIFY named these groups as having new work. */
  announce(groups: string[]): void {
    for (const group of groups) this.announced.add(group);
  }

  runningIn(group: string): number {
    return this.running.get(group) ?? 0;
  }

  /** Leased in this dispatcher: running plus queued. */
  leasedIn(group: string): number {
    return this.runningIn(group) + (this.waiting.get(group)?.length ?? 0);
  }

  /** Whether a claim may find something: work was announced, or a served group is running low and may have more. */
  wantsClaim(): boolean {
    if (!this.claimedAll || this.othersMayWait || this.announced.size > 0) return true;
    for (const group of this.mayHaveMore) {
      if ((this.waiting.get(group)?.length ?? 0) <= this.paces.queueDepth(group) / 2 && this.leasedIn(group) < this.paces.leaseCap(group)) return true;
    }
    return false;
  }

  planClaim(fairness: boolean): ClaimPlan {
    const known = new Set([...this.running.keys(), ...this.waiting.keys(), ...this.mayHaveMore]);
    const skip: string[] = [];
    const byWebhook = new Map<string, number>();
    let room = this.newGroupCap; // what groups new to this dispatcher may take, in all
    for (const group of known) {
      const left = this.paces.leaseCap(group) - this.leasedIn(group);
      if (left <= 0 || fairness) skip.push(group);
      else {
        byWebhook.set(group, left);
        room += left;
      }
    }
    // Groups named by a NOTIFY and new to this dispatcher are looked up like the served ones.
    const fresh = fairness ? [] : [...this.announced].filter((group) => !known.has(group));
    for (const group of fresh) {
      byWebhook.set(group, this.newGroupCap);
      room += this.newGroupCap;
    }
    const lookPast = fairness || this.othersMayWait;
    if (!lookPast) room -= this.newGroupCap;
    return { fairness, known, skip, byWebhook, fresh, lookPast, room };
  }

  /**
   * The plan had no room (served groups at their caps, or the dispatcher full): they are
   * refilled once something drains. Fresh groups stay announced, so that the next claim
   * serves them before the served groups' older backlog.
   */
  holdOff(plan: ClaimPlan): void {
    for (const group of plan.skip) this.mayHaveMore.add(group);
    for (const group of this.announced) {
      if (!plan.known.has(group)) continue;
      this.mayHaveMore.add(group);
      this.announced.delete(group);
    }
    if (!plan.lookPast) this.claimedAll = true;
  }

  /** Before the claim's round trip: work announced while it runs is looked for next time. */
  beginClaim(plan: ClaimPlan): void {
    if (plan.lookPast) this.othersMayWait = false;
    if (!plan.fairness) this.announced.clear();
  }

  endClaim(plan: ClaimPlan, claimed: number, limit: number): void {
    if (!plan.fairness) this.claimedAll = claimed < limit;
    if (plan.lookPast && claimed >= limit) this.othersMayWait = true;
  }

  /** Queues the claimed items; returns those over their group's cap, to hand back. */
  accept(items: T[], plan: ClaimPlan, now: number): T[] {
    const counts = new Map<string, number>();
    const excess: T[] = [];
    for (const item of items) {
      const group = this.source.group(item);
      counts.set(group, (counts.get(group) ?? 0) + 1);
      const cap = plan.byWebhook.has(group) || plan.known.has(group) ? this.paces.leaseCap(group) : this.newGroupCap;
      if (this.leasedIn(group) >= cap) excess.push(item);
      else this.enqueue(group, item, now);
    }
    for (const group of plan.skip) this.mayHaveMore.add(group);
    for (const [group, room] of plan.byWebhook) {
      if ((counts.get(group) ?? 0) >= room) this.mayHaveMore.add(group);
      else this.mayHaveMore.delete(group);
    }
    for (const [group, n] of counts) if (!plan.known.has(group) && n >= this.newGroupCap) this.mayHaveMore.add(group);
    return excess;
  }

  private enqueue(group: string, item: T, now: number): void {
    let queue = this.waiting.get(group);
    if (!queue) this.waiting.set(group, (queue = []));
    queue.push({ item, claimedAt: now });
    this.queued++;
  }

  /**
   * Starts queued items through `start` while `mayStart(group)` allows; returns the items
   * queued longer than `maxQueuedMs` (their lease may run out), to hand back unrun.
   */
  startQueued(now: number, maxQueuedMs: number, mayStart: (group: string) => boolean, start: (item: T, group: string) => void): T[] {
    const stale: T[] = [];
    for (const [group, queue] of this.waiting) {
      while (queue.length > 0 && now - queue[0].claimedAt > maxQueuedMs) {
        stale.push(queue.shift()!.item);
        this.queued--;
      }
      while (queue.length > 0 && mayStart(group)) {
        start(queue.shift()!.item, group);
        this.queued--;
      }
      if (queue.length === 0) this.waiting.delete(group);
    }
    return stale;
  }

  started(group: string): void {
    this.running.set(group, this.runningIn(group) + 1);
  }

  finished(group: string): void {
    const left = (this.running.get(group) ?? 1) - 1;
    if (left === 0) this.running.delete(group);
    else this.running.set(group, left);
  }

  /** Empties the queues (on stop); returns their items, to hand back. */
  takeQueued(): T[] {
    const items = [...this.waiting.values()].flat().map((q) => q.item);
    this.waiting.clear();
    this.queued -= items.length;
    return items;
  }
}
