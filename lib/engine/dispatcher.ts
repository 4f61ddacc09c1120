// The embedded engine: an in-process dispatcher over the Postgres tables. It leases due work
// with `FOR UPDATE SKIP LOCKED` (so several app instances can share one database), runs it
// under a global and a per-webhook concurrency cap, wakes at once on NOTIFY from a publish,
// and otherwise sleeps until the next retry is due. A lease whose holder died expires and the
// work is claimed again: delivery is at-least-once across crashes.
//
// Claims are batched: besides what it runs, the dispatcher keeps up to one more batch per
// group (webhook) leased and queued in memory, and a claim asks for no more of a group than
// that room (`ClaimRoom`). So a busy webhook's next deliveries start the moment a slot frees,
// without a database round trip per delivery, and nothing is claimed only to be handed back.
// A queued item that waited too long (its lease running out) is handed back instead of run.
// A publish's NOTIFY names the webhooks with new work, and those are looked up by themselves.
// Only a claim after an announcement that names none (a replay, a timer, the start) and, once
// in `maxIdleMs`, the periodic fairness look step through the whole queue for other groups' due
// work; the fairness looks in between read only what came due since the previous one, and the
// refills only the served and named groups' rows.
import { Client } from "pg";
import { databaseUrl } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { log } from "@/lib/log";
import { WORK_CHANNEL } from "@/lib/engine/work-channel";

/** How many items of each group a claim may take (sources that cannot honour it may take more; the excess is handed back). */
export interface ClaimRoom {
  /** Groups with work in this dispatcher: how many more of theirs it can take. */
  byWebhook: Map<string, number>;
  /** Any other group; 0: look only at the groups in `byWebhook`. */
  otherwise: number;
  /** Groups in `byWebhook` that this dispatcher holds nothing of (new work a NOTIFY named): a claim cut short by its limit serves them first. */
  fresh?: string[];
  /** Look past the groups in `byWebhook` only for work that came due within this many ms (unset: all due work). A source may look at more. */
  dueWithinMs?: number;
}

/** A kind of leased work the dispatcher drives: outbound deliveries, inbound events, … */
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
const FINISHING_PER_SLOT = 4;
/**
 * How much of a group is queued: about what it completes in this long, at its recent pace, so
 * a fast webhook is claimed for in large batches and a slow one does not hold many leases.
 */
const QUEUE_TARGET_MS = 200;
/** Bounds of a group's queue, in multiples of its concurrency. */
const QUEUE_MIN_FACTOR = 0.25;
const QUEUE_MAX_FACTOR = 4;
/**
 * A group whose items hold their slot longer than this each (a slow endpoint) runs fewer at
 * once, in proportion, down to SLOW_SLOTS_FACTOR of the per-group cap. Its answers arrive in
 * bursts as large as the number it runs, and each burst is work done at once — recording,
 * signing and sending the next ones — that other webhooks' deliveries wait behind. A slow
 * receiver is also the one that gains least from more parallel requests, and is often
 * overloaded.
 */
const SLOW_ITEM_MS = 50;
const SLOW_SLOTS_FACTOR = 0.25;
/** Groups whose pace is remembered; the oldest are forgotten beyond this. */
const PACE_MEMORY = 10_000;
/** A queued item older than this is handed back: its lease (the webhook's timeout + 30 s) must outlast the wait plus the attempt. */
const MAX_QUEUED_MS = 10_000;
/** Bounds of the pause before looking past busy groups for other groups' due work. */
const FAIRNESS_MIN_MS = 50;
const FAIRNESS_COST_FACTOR = 20;
/**
 * Most fairness looks read only the work that came due since the previous look (plus this
 * overlap, for a row committed late): retries of groups this dispatcher does not serve. A look
 * at all due work, which steps over every served group's backlog, comes once in `maxIdleMs` (or
 * less often when it is expensive): it finds what came due long ago yet nobody took, as the
 * idle timer does — a lease that expired, work another instance handed back.
 */
const LOOK_OVERLAP_MS = 100;

interface Queued<T> {
  item: T;
  claimedAt: number;
}

interface SourceState<T> {
  source: WorkSource<T>;
  /** Leased items waiting for a slot, per group, oldest first. */
  queues: Map<string, Queued<T>[]>;
  /** Items running, per group. */
  running: Map<string, number>;
  /** Groups whose last claim filled their room: more of theirs may be due. */
  moreIn: Set<string>;
  /** The last claim came back short: nothing else is claimable until something changes. */
  exhausted: boolean;
  /**
   * Groups this dispatcher does not serve may have due work: something announced work without
   * naming the groups (NOTIFY, timer, start) and no claim has looked past the served groups
   * since, or the last look came back full. Otherwise a claim refills only the served groups:
   * the look past them steps over their due rows one by one (a busy webhook's whole backlog,
   * the largest cost of a single-endpoint run), and finds nothing nobody announced.
   */
  othersMayWait: boolean;
  /** Groups a NOTIFY named since the last claim: looked up by themselves, not by looking past the served groups. */
  announced: Set<string>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function createDispatcher(sources: WorkSource<any>[], options: DispatcherOptions = {}): Dispatcher {
  const owner = options.owner ?? `dispatcher_${newId("att").slice(4)}`;
  const concurrency = options.concurrency ?? 128;
  const perGroup = options.perGroupConcurrency ?? 64;
  const maxIdleMs = options.maxIdleMs ?? 2_000;
  /** A group's recent time per item in a slot (ms, moving average), for its slots and queue depth. */
  const pace = new Map<string, number>();
  /** How many of a group's items may run at once. */
  const slotsOf = (group: string) => {
    const ms = pace.get(group);
    if (ms === undefined || ms <= SLOW_ITEM_MS) return perGroup;
    return Math.max(Math.ceil(SLOW_SLOTS_FACTOR * perGroup), Math.round((perGroup * SLOW_ITEM_MS) / ms));
  };
  const queueDepth = (group: string) => {
    const ms = pace.get(group);
    const slots = slotsOf(group);
    const depth = ms === undefined ? slots : (slots * QUEUE_TARGET_MS) / Math.max(ms, 0.1);
    return Math.round(Math.min(QUEUE_MAX_FACTOR * slots, Math.max(QUEUE_MIN_FACTOR * slots, depth)));
  };
  /** Leased per group: running plus queued. */
  const groupLeaseCap = (group: string) => slotsOf(group) + queueDepth(group);
  /** A group new to this dispatcher may take this many in one claim. */
  const newGroupCap = 2 * perGroup;
  function notePace(group: string, ms: number) {
    const before = pace.get(group);
    if (before === undefined && pace.size >= PACE_MEMORY) pace.delete(pace.keys().next().value as string);
    pace.set(group, before === undefined ? ms : before * 0.9 + ms * 0.1);
  }
  /** Leased in all: running plus at most as many queued. */
  const leaseCap = 2 * concurrency;
  const states: SourceState<unknown>[] = sources.map((source) => ({ source, queues: new Map(), running: new Map(), moreIn: new Set(), exhausted: false, othersMayWait: true, announced: new Set() }));

  let inFlight = 0;
  let finishing = 0;
  let queued = 0;
  let stopped = true;
  let pumping = false;
  let again = false;
  /** The timer's claim should also look past every group this dispatcher already serves. */
  let fairnessDue = false;
  let fairnessDelayMs = FAIRNESS_MIN_MS;
  let lastFairnessAt = 0;
  let lastLookStartedAt = 0;
  let fullLookDelayMs = maxIdleMs;
  let lastFullLookAt = -Infinity;
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Infinity;
  let pumpDone: Promise<void> = Promise.resolve();
  let listener: Client | undefined;
  const idle = new Set<() => void>();

  /** Look again within `ms` (an earlier look already scheduled stands). */
  function schedule(ms: number, fairness = false) {
    if (stopped) return;
    const delay = Math.max(5, Math.min(ms, maxIdleMs));
    if (timer && timerAt <= Date.now() + delay) return;
    clearTimeout(timer);
    timerAt = Date.now() + delay;
    timer = setTimeout(() => {
      timer = undefined;
      timerAt = Infinity;
      if (!fairness) return wake();
      // The fairness claim itself looks past the served groups.
      fairnessDue = true;
      kick();
    }, delay);
  }

  function kick() {
    if (stopped) return;
    if (pumping) {
      again = true;
      return;
    }
    pumpDone = pump();
  }

  /** Work was announced: for the source named (a NOTIFY's payload), or for every source. */
  function wake(sourceName?: string) {
    const named = states.some((state) => state.source.name === sourceName);
    for (const state of states) if (!named || state.source.name === sourceName) state.othersMayWait = true;
    kick();
  }

  /** A NOTIFY's payload: a source's name, perhaps with the groups that have new work (`delivery:wh_1,wh_2`). */
  function announce(payload = "") {
    const [name, named = ""] = payload.split(":", 2);
    const groups = named.split(",").filter(Boolean);
    const state = states.find((s) => s.source.name === name);
    if (!state || groups.length === 0) return wake(name);
    for (const group of groups) state.announced.add(group);
    kick();
  }

  const leasedIn = <T>(state: SourceState<T>, group: string) => (state.running.get(group) ?? 0) + (state.queues.get(group)?.length ?? 0);

  function handBack<T>(state: SourceState<T>, items: T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    const { source } = state;
    const done = source.releaseMany ? source.releaseMany(items, owner) : Promise.all(items.map((item) => source.release(item, owner)));
    return done.then(
      () => {},
      (error: unknown) => log().warn({ err: error, source: source.name }, "could not hand back leased work; its lease will expire"),
    );
  }

  function launch<T>(state: SourceState<T>, item: T, group: string) {
    inFlight++;
    finishing++;
    state.running.set(group, (state.running.get(group) ?? 0) + 1);
    let holdsSlot = true;
    const startedAt = performance.now();
    const release = () => {
      if (!holdsSlot) return;
      holdsSlot = false;
      notePace(group, performance.now() - startedAt);
      inFlight--;
      const left = (state.running.get(group) ?? 1) - 1;
      if (left === 0) state.running.delete(group);
      else state.running.set(group, left);
      if (!stopped) {
        launchQueued();
        if (wantsClaim()) kick();
      }
    };
    state.source
      .run(item, owner, release)
      .catch((error) => log().error({ err: error, source: state.source.name }, "work item failed; its lease will expire and it will be retried"))
      .finally(() => {
        finishing--;
        release();
        // A finishing item no longer blocks new ones once it settles.
        if (!stopped && finishing === concurrency * FINISHING_PER_SLOT - 1) launchQueued();
        if (finishing === 0) for (const resolve of idle) resolve();
      });
  }

  /** Starts queued items while the global and per-group caps allow; hands back those queued too long. */
  function launchQueued() {
    const now = Date.now();
    for (const state of states) {
      const stale: unknown[] = [];
      for (const [group, queue] of state.queues) {
        while (queue.length > 0 && now - queue[0].claimedAt > MAX_QUEUED_MS) {
          stale.push(queue.shift()!.item);
          queued--;
        }
        while (queue.length > 0 && canStart() && (state.running.get(group) ?? 0) < slotsOf(group)) {
          launch(state, queue.shift()!.item, group);
          queued--;
        }
        if (queue.length === 0) state.queues.delete(group);
      }
      void handBack(state, stale);
    }
  }

  const canStart = () => inFlight < concurrency && finishing < concurrency * FINISHING_PER_SLOT;
  const claimLimit = () => leaseCap - inFlight - queued;

  function hungry<T>(state: SourceState<T>): boolean {
    if (!state.exhausted || state.othersMayWait || state.announced.size > 0) return true;
    for (const group of state.moreIn) if ((state.queues.get(group)?.length ?? 0) <= queueDepth(group) / 2 && leasedIn(state, group) < groupLeaseCap(group)) return true;
    return false;
  }

  const wantsClaim = () => !stopped && claimLimit() > 0 && (fairnessDue || states.some(hungry));

  /** Claims for `state`; false when there was no room to claim anything (no round trip). */
  async function claimInto<T>(state: SourceState<T>, fairness: boolean, dueWithinMs?: number): Promise<boolean> {
    const known = new Set([...state.running.keys(), ...state.queues.keys(), ...state.moreIn]);
    const skip: string[] = [];
    const byWebhook = new Map<string, number>();
    let room = newGroupCap; // what groups new to this dispatcher may take, in all
    for (const group of known) {
      const left = groupLeaseCap(group) - leasedIn(state, group);
      if (left <= 0 || fairness) skip.push(group);
      else {
        byWebhook.set(group, left);
        room += left;
      }
    }
    // Groups named by a NOTIFY and new to this dispatcher are looked up like the served ones.
    const announced = fairness ? [] : [...state.announced].filter((group) => !known.has(group));
    for (const group of announced) {
      byWebhook.set(group, newGroupCap);
      room += newGroupCap;
    }
    const lookPast = fairness || state.othersMayWait;
    if (!lookPast) room -= newGroupCap;
    // No more than the groups can take, so a claim does not read rows only to pass them over.
    const limit = Math.min(claimLimit(), room);
    if (limit <= 0) {
      // The served groups are at their caps, or the dispatcher is full: nothing to claim until
      // something drains. Served groups are refilled then, as after any claim that skipped
      // them. New groups a NOTIFY named stay announced, so that the next claim serves them
      // first, before the served groups' older backlog.
      for (const group of skip) state.moreIn.add(group);
      for (const group of state.announced) {
        if (!known.has(group)) continue;
        state.moreIn.add(group);
        state.announced.delete(group);
      }
      if (!lookPast) state.exhausted = true;
      return false;
    }
    // Cleared before the claim, so that work announced while it runs is looked for next time.
    if (lookPast) state.othersMayWait = false;
    if (!fairness) state.announced.clear();
    const items = await state.source.claim(owner, limit, skip, { byWebhook, otherwise: lookPast ? newGroupCap : 0, fresh: announced, dueWithinMs });
    if (!fairness) state.exhausted = items.length < limit;
    if (lookPast && items.length >= limit) state.othersMayWait = true;
    if (stopped) {
      await handBack(state, items);
      return true;
    }

    const counts = new Map<string, number>();
    const excess: T[] = [];
    const now = Date.now();
    for (const item of items) {
      const group = state.source.group(item);
      counts.set(group, (counts.get(group) ?? 0) + 1);
      if (leasedIn(state, group) >= (byWebhook.has(group) || known.has(group) ? groupLeaseCap(group) : newGroupCap)) {
        excess.push(item);
        continue;
      }
      let queue = state.queues.get(group);
      if (!queue) state.queues.set(group, (queue = []));
      queue.push({ item, claimedAt: now });
      queued++;
    }
    void handBack(state, excess);
    for (const group of skip) state.moreIn.add(group);
    for (const [group, room] of byWebhook) {
      if ((counts.get(group) ?? 0) >= room) state.moreIn.add(group);
      else state.moreIn.delete(group);
    }
    for (const [group, n] of counts) if (!known.has(group) && n >= newGroupCap) state.moreIn.add(group);
    launchQueued();
    return true;
  }

  async function pump() {
    pumping = true;
    try {
      do {
        again = false;
        const fairness = fairnessDue;
        fairnessDue = false;
        const lookStartedAt = performance.now();
        const fullLook = lookStartedAt - lastFullLookAt >= fullLookDelayMs;
        const dueWithinMs = fullLook ? undefined : lookStartedAt - lastLookStartedAt + LOOK_OVERLAP_MS;
        let claimed = false;
        let fairnessMs: number | undefined;
        for (const state of states) {
          if (claimLimit() > 0 && hungry(state)) claimed = (await claimInto(state, false)) || claimed;
          if (claimLimit() > 0 && fairness) {
            const started = performance.now();
            claimed = (await claimInto(state, true, dueWithinMs)) || claimed;
            fairnessMs = (fairnessMs ?? 0) + performance.now() - started;
          }
        }
        if (fairnessMs !== undefined) {
          // Paced by the whole pass: the cheap look at one source (inbound events) must not
          // reset the pause that an expensive one (deliveries behind a slow webhook's backlog) set.
          fairnessDelayMs = Math.max(FAIRNESS_MIN_MS, FAIRNESS_COST_FACTOR * fairnessMs);
          lastFairnessAt = Date.now();
          lastLookStartedAt = lookStartedAt;
          if (fullLook) {
            fullLookDelayMs = Math.max(maxIdleMs, FAIRNESS_COST_FACTOR * fairnessMs);
            lastFullLookAt = lookStartedAt;
          }
        }
        launchQueued();
        // Only a pass that reached the database goes round again by itself. A pass without a
        // round trip awaits nothing but settled promises: looping on it would never yield to
        // the event loop, and no answer, timer or NOTIFY could get through (a NOTIFY naming
        // groups at their caps once froze the engine this way until queued work went stale).
        if (!again && claimed && wantsClaim()) again = true;
      } while (again && !stopped);
      await scheduleNextLook();
    } catch (error) {
      log().warn({ err: error }, "dispatcher could not reach the database; retrying");
      schedule(1_000);
    } finally {
      pumping = false;
    }
  }

  /** Sleeps until the next item is due, or until a completion or NOTIFY says to look again. */
  async function scheduleNextLook() {
    if (stopped) return;
    // Busy: completions wake us for the groups at work. Now and then look past those groups
    // for other due work (a retry that came due, a row behind a busy webhook's backlog),
    // less often when that look is expensive (a long backlog to step over).
    if (finishing + queued > 0) {
      const fairnessIn = lastFairnessAt + fairnessDelayMs - Date.now();
      return fairnessIn <= maxIdleMs ? schedule(fairnessIn, true) : schedule(maxIdleMs);
    }
    const next = await Promise.all(states.map((s) => s.source.nextDueAt()));
    const soonest = Math.min(...next.filter((d): d is Date => d !== null).map((d) => d.getTime()));
    if (!Number.isFinite(soonest)) return schedule(maxIdleMs);
    // Due yet not claimed (it came due since the claim, or another dispatcher is taking it): look again shortly.
    schedule(soonest - Date.now());
  }

  async function listen() {
    if (stopped) return;
    const client = new Client({ connectionString: databaseUrl() });
    client.on("notification", (message) => announce(message.payload));
    client.on("error", () => {});
    client.on("end", () => {
      if (!stopped) setTimeout(() => void listen(), 1_000);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${WORK_CHANNEL}`);
      listener = client;
      wake();
    } catch {
      await client.end().catch(() => {});
    }
  }

  return {
    owner,
    inFlight: () => inFlight,
    wake,
    async start() {
      if (!stopped) return;
      stopped = false;
      await listen();
      wake();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await listener?.end().catch(() => {});
      listener = undefined;
      await pumpDone;
      // Queued work goes back at once, for another instance (or the next start) to take.
      for (const state of states) {
        const items = [...state.queues.values()].flat().map((q) => q.item);
        state.queues.clear();
        queued -= items.length;
        await handBack(state, items);
      }
      if (finishing > 0) await new Promise<void>((resolve) => idle.add(resolve));
    },
  };
}
