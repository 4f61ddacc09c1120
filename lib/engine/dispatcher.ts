// The embedded engine: an in-process dispatcher over the work tables. It leases due work in
// batches with `FOR UPDATE SKIP LOCKED` (several app instances can share one database), runs
// it under a global and a per-group (webhook) concurrency cap, wakes at once on a NOTIFY from a
// publish, and otherwise sleeps until the next retry is due. docs/engine.md tells the whole story.
import { newId } from "@/lib/db/ids";
import { NotificationListener } from "@/lib/db/listen";
import { FairnessClock, type LookPlan } from "@/lib/engine/fairness-clock";
import { GroupPaces, MIN_TIMER_MS, timerDelayMs } from "@/lib/engine/pacing";
import { SourceQueue } from "@/lib/engine/source-queue";
import { WakeTimer } from "@/lib/engine/wake-timer";
import { parseWorkNotice, WORK_CHANNEL } from "@/lib/engine/work-channel";
import type { WorkSource } from "@/lib/engine/work-source";
import { log } from "@/lib/log";

export type { ClaimRoom, WorkSource } from "@/lib/engine/work-source";

export interface DispatcherOptions {
  concurrency?: number;
  perGroupConcurrency?: number;
  /** Longest sleep between looks at the tables when nothing is announced (other instances, expired leases). */
  maxIdleMs?: number;
  owner?: string;
}

export interface Dispatcher {
  readonly owner: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Look for due work now. */
  wake(): void;
  inFlight(): number;
}

/** Items past their slot but not yet settled (attempts waiting to be recorded), per slot of `concurrency`: a bound on memory and on work lost in a crash. */
const UNSETTLED_PER_SLOT = 4;
/** A queued item older than this is handed back: its lease (the webhook's timeout + 30 s) must outlast the wait plus the attempt. */
const MAX_QUEUED_MS = 10_000;
/** After a failed claim (the database unreachable), look again after this. */
const RETRY_AFTER_ERROR_MS = 1_000;

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function createDispatcher(sources: WorkSource<any>[], options: DispatcherOptions = {}): Dispatcher {
  return new ClaimingDispatcher(sources, options);
}

class ClaimingDispatcher implements Dispatcher {
  readonly owner: string;
  private readonly concurrency: number;
  private readonly maxIdleMs: number;
  /** Leased in all: running plus at most as many queued. */
  private readonly leaseCap: number;
  /** A group new to this dispatcher may take this many in one claim. */
  private readonly newGroupCap: number;
  private readonly paces: GroupPaces;
  private readonly queues: SourceQueue<unknown>[];
  private readonly fairness: FairnessClock;
  private readonly timer = new WakeTimer();
  private listener?: NotificationListener;
  /** Items holding a slot. */
  private running = 0;
  /** Items started and not yet settled (some have left their slot and wait to be recorded). */
  private unsettled = 0;
  private stopped = true;
  /** A claim loop is under way; `claimAgain` asks it for another pass. */
  private claiming = false;
  private claimAgain = false;
  private claimLoopDone: Promise<void> = Promise.resolve();
  private readonly whenSettled = new Set<() => void>();

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  constructor(sources: WorkSource<any>[], options: DispatcherOptions) {
    this.owner = options.owner ?? `dispatcher_${newId("att").slice(4)}`;
    this.concurrency = options.concurrency ?? 128;
    const perGroup = options.perGroupConcurrency ?? 64;
    this.maxIdleMs = options.maxIdleMs ?? 2_000;
    this.leaseCap = 2 * this.concurrency;
    this.newGroupCap = 2 * perGroup;
    this.paces = new GroupPaces(perGroup);
    this.queues = sources.map((source) => new SourceQueue(source, this.paces, this.newGroupCap));
    this.fairness = new FairnessClock(this.maxIdleMs);
  }

  inFlight = () => this.running;

  wake = () => this.wakeUp();

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.listener = new NotificationListener(WORK_CHANNEL, (payload) => this.onNotice(payload), () => this.wakeUp());
    await this.listener.connect();
    this.wakeUp();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer.clear();
    await this.listener?.close();
    this.listener = undefined;
    await this.claimLoopDone;
    // Queued work goes back at once, for another instance (or the next start) to take.
    for (const queue of this.queues) await this.handBack(queue, queue.takeQueued());
    if (this.unsettled > 0) await new Promise<void>((resolve) => this.whenSettled.add(resolve));
  }

  /** Work was announced without naming its groups: for the source named, or for every source. */
  private wakeUp(sourceName?: string): void {
    const named = this.queues.some((queue) => queue.source.name === sourceName);
    for (const queue of this.queues) if (!named || queue.source.name === sourceName) queue.othersMayWait = true;
    this.claimMore();
  }

  /** A NOTIFY: a source's name, perhaps with the groups that have new work (`delivery:wh_1,wh_2`). */
  private onNotice(payload: string | undefined): void {
    const { source, groups } = parseWorkNotice(payload);
    const queue = this.queues.find((q) => q.source.name === source);
    if (!queue || groups.length === 0) return this.wakeUp(source);
    queue.announce(groups);
    this.claimMore();
  }

  /** Runs the claim loop, or asks the running one for another pass. */
  private claimMore(): void {
    if (this.stopped) return;
    if (this.claiming) {
      this.claimAgain = true;
      return;
    }
    this.claimLoopDone = this.claimLoop();
  }

  private queuedItems(): number {
    let queued = 0;
    for (const queue of this.queues) queued += queue.queued;
    return queued;
  }

  private claimLimit = () => this.leaseCap - this.running - this.queuedItems();

  private canStart = () => this.running < this.concurrency && this.unsettled < this.concurrency * UNSETTLED_PER_SLOT;

  private wantsClaim = () => !this.stopped && this.claimLimit() > 0 && (this.fairness.requested || this.queues.some((queue) => queue.wantsClaim()));

  private async claimLoop(): Promise<void> {
    this.claiming = true;
    try {
      do {
        this.claimAgain = false;
        const claimed = await this.claimPass();
        this.startQueued();
        // Only a pass that reached the database goes round again by itself: one without a round
        // trip never yields to the event loop, and no answer, timer or NOTIFY could get through.
        if (!this.claimAgain && claimed && this.wantsClaim()) this.claimAgain = true;
      } while (this.claimAgain && !this.stopped);
      await this.scheduleNextLook();
    } catch (error) {
      log().warn({ err: error }, "dispatcher could not reach the database; retrying");
      this.lookIn(RETRY_AFTER_ERROR_MS);
    } finally {
      this.claiming = false;
    }
  }

  /** One claim per source that wants one, plus a fairness look if the timer asked; true if any reached the database. */
  private async claimPass(): Promise<boolean> {
    const fairness = this.fairness.takeRequest();
    const look = this.fairness.plan(performance.now());
    let claimed = false;
    let lookCostMs: number | undefined;
    for (const queue of this.queues) {
      if (this.claimLimit() > 0 && queue.wantsClaim()) claimed = (await this.claimFor(queue, false)) || claimed;
      if (this.claimLimit() > 0 && fairness) {
        const startedAt = performance.now();
        claimed = (await this.claimFor(queue, true, look)) || claimed;
        lookCostMs = (lookCostMs ?? 0) + performance.now() - startedAt;
      }
    }
    // Paced by the whole pass: a cheap look at one source must not cut the pause an expensive one set.
    if (lookCostMs !== undefined) this.fairness.record(look, lookCostMs);
    return claimed;
  }

  /** Claims for one source and queues what came back; false when there was no room (no round trip). */
  private async claimFor(queue: SourceQueue<unknown>, fairness: boolean, look?: LookPlan): Promise<boolean> {
    const plan = queue.planClaim(fairness);
    // No more than the groups can take, so a claim does not read rows only to pass them over.
    const limit = Math.min(this.claimLimit(), plan.room);
    if (limit <= 0) {
      queue.holdOff(plan);
      return false;
    }
    queue.beginClaim(plan);
    const room = { byWebhook: plan.byWebhook, otherwise: plan.lookPast ? this.newGroupCap : 0, fresh: plan.fresh, dueWithinMs: look?.dueWithinMs };
    const items = await queue.source.claim(this.owner, limit, plan.skip, room);
    queue.endClaim(plan, items.length, limit);
    if (this.stopped) {
      await this.handBack(queue, items);
      return true;
    }
    void this.handBack(queue, queue.accept(items, plan, Date.now()));
    this.startQueued();
    return true;
  }

  /** Starts queued items while the global and per-group caps allow; hands back those queued too long. */
  private startQueued(): void {
    const now = Date.now();
    for (const queue of this.queues) {
      const mayStart = (group: string) => this.canStart() && queue.runningIn(group) < this.paces.slots(group);
      const stale = queue.startQueued(now, MAX_QUEUED_MS, mayStart, (item, group) => this.run(queue, item, group));
      void this.handBack(queue, stale);
    }
  }

  private run<T>(queue: SourceQueue<T>, item: T, group: string): void {
    this.running++;
    this.unsettled++;
    queue.started(group);
    const startedAt = performance.now();
    let holdsSlot = true;
    const freeSlot = () => {
      if (!holdsSlot) return;
      holdsSlot = false;
      this.paces.note(group, performance.now() - startedAt);
      this.running--;
      queue.finished(group);
      if (this.stopped) return;
      this.startQueued();
      if (this.wantsClaim()) this.claimMore();
    };
    queue.source
      .run(item, this.owner, freeSlot)
      .catch((error) => log().error({ err: error, source: queue.source.name }, "work item failed; its lease will expire and it will be retried"))
      .finally(() => this.settled(freeSlot));
  }

  private settled(freeSlot: () => void): void {
    this.unsettled--;
    freeSlot();
    // An item that settles no longer holds back new ones (the cap on unsettled items).
    if (!this.stopped && this.unsettled === this.concurrency * UNSETTLED_PER_SLOT - 1) this.startQueued();
    if (this.unsettled === 0) for (const resolve of this.whenSettled) resolve();
  }

  private handBack<T>(queue: SourceQueue<T>, items: T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    const { source } = queue;
    const done = source.releaseMany ? source.releaseMany(items, this.owner) : Promise.all(items.map((item) => source.release(item, this.owner)));
    return done.then(
      () => {},
      (error: unknown) => log().warn({ err: error, source: source.name }, "could not hand back leased work; its lease will expire"),
    );
  }

  /** Sleeps until the next item is due, or until a completion or NOTIFY says to look again. */
  private async scheduleNextLook(): Promise<void> {
    if (this.stopped) return;
    // Busy: completions wake us for the groups at work; the fairness timer looks past them now
    // and then, for a retry that came due or a row behind a busy group's backlog.
    if (this.busy()) return this.lookIn(this.fairness.nextLookIn(), true);
    const next = await Promise.all(this.queues.map((queue) => queue.source.nextDueAt()));
    const soonest = Math.min(...next.filter((d): d is Date => d !== null).map((d) => d.getTime()));
    if (!Number.isFinite(soonest)) return this.lookIn(this.maxIdleMs);
    // Due yet not claimed (it came due since the claim, or another dispatcher is taking it): look again shortly.
    this.lookIn(soonest - Date.now());
  }

  /** Looks again within `ms` (an earlier look already scheduled stands); a fairness look looks past the served groups. */
  private lookIn(ms: number, fairness = false): void {
    if (this.stopped) return;
    this.timer.set(timerDelayMs(ms, this.maxIdleMs), () => (fairness ? this.fairnessTimerFired() : this.wakeUp()));
  }

  /**
   * Busy, the timer fires at least every `maxIdleMs`, yet looks past the served groups only once
   * the fairness pause is over: an expensive look is not repeated sooner than its pause says.
   * Idle by now, it looks everywhere, as the idle timer would.
   */
  private fairnessTimerFired(): void {
    if (!this.busy()) return this.wakeUp();
    const pauseLeft = this.fairness.nextLookIn();
    if (pauseLeft > MIN_TIMER_MS) return this.lookIn(pauseLeft, true);
    this.fairness.requested = true;
    this.claimMore();
  }

  private busy = () => this.unsettled + this.queuedItems() > 0;
}
