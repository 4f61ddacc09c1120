// The embedded engine: an in-process dispatcher over the Postgres tables. It leases due work
// with `FOR UPDATE SKIP LOCKED` (so several app instances can share one database), runs it
// under a global and a per-webhook concurrency cap, wakes at once on NOTIFY from a publish,
// and otherwise sleeps until the next retry is due. A lease whose holder died expires and the
// work is claimed again: delivery is at-least-once across crashes.
import { Client } from "pg";
import { databaseUrl } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { log } from "@/lib/log";
import { WORK_CHANNEL } from "@/lib/events/publish";

/** A kind of leased work the dispatcher drives: outbound deliveries, inbound events, … */
export interface WorkSource<T> {
  name: string;
  /** Lease up to `limit` due items to `owner`, skipping the given groups (at their cap). */
  claim(owner: string, limit: number, skipGroups: string[]): Promise<T[]>;
  /** Items of one group share a per-group concurrency cap (e.g. one webhook). */
  group(item: T): string;
  run(item: T, owner: string): Promise<void>;
  /** Give a leased item back unrun, e.g. because its group is at its cap. */
  release(item: T, owner: string): Promise<void>;
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

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function createDispatcher(sources: WorkSource<any>[], options: DispatcherOptions = {}): Dispatcher {
  const owner = options.owner ?? `dispatcher_${newId("att").slice(4)}`;
  const concurrency = options.concurrency ?? 64;
  const perGroup = options.perGroupConcurrency ?? 16;
  const maxIdleMs = options.maxIdleMs ?? 2_000;
  const running = new Map<string, number>(); // group → in flight
  let inFlight = 0;
  let stopped = true;
  let pumping = false;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let listener: Client | undefined;
  const idle = new Set<() => void>();

  const groupKey = (source: WorkSource<unknown>, group: string) => `${source.name}:${group}`;

  function schedule(ms: number) {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(wake, Math.max(5, Math.min(ms, maxIdleMs)));
  }

  function wake() {
    if (stopped) return;
    if (pumping) {
      again = true;
      return;
    }
    void pump();
  }

  function launch<T>(source: WorkSource<T>, item: T, key: string) {
    inFlight++;
    running.set(key, (running.get(key) ?? 0) + 1);
    source
      .run(item, owner)
      .catch((error) => log().error({ err: error, source: source.name }, "work item failed; its lease will expire and it will be retried"))
      .finally(() => {
        inFlight--;
        const left = (running.get(key) ?? 1) - 1;
        if (left === 0) running.delete(key);
        else running.set(key, left);
        if (inFlight === 0) for (const resolve of idle) resolve();
        wake();
      });
  }

  async function pumpSource<T>(source: WorkSource<T>): Promise<boolean> {
    const free = concurrency - inFlight;
    if (free <= 0) return false;
    const saturated = [...running.entries()].filter(([k, n]) => n >= perGroup && k.startsWith(`${source.name}:`)).map(([k]) => k.slice(source.name.length + 1));
    const items = await source.claim(owner, free, saturated);
    for (const item of items) {
      const key = groupKey(source as WorkSource<unknown>, source.group(item));
      if ((running.get(key) ?? 0) >= perGroup || stopped) await source.release(item, owner);
      else launch(source, item, key);
    }
    return items.length === free;
  }

  async function pump() {
    pumping = true;
    try {
      do {
        again = false;
        let full = false;
        for (const source of sources) full = (await pumpSource(source)) || full;
        if (full) again = true;
      } while (again && !stopped && inFlight < concurrency);
      const next = await Promise.all(sources.map((s) => s.nextDueAt()));
      const soonest = Math.min(...next.filter((d): d is Date => d !== null).map((d) => d.getTime()));
      schedule(Number.isFinite(soonest) ? soonest - Date.now() : maxIdleMs);
    } catch (error) {
      log().warn({ err: error }, "dispatcher could not reach the database; retrying");
      schedule(1_000);
    } finally {
      pumping = false;
    }
  }

  async function listen() {
    if (stopped) return;
    const client = new Client({ connectionString: databaseUrl() });
    client.on("notification", () => wake());
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
      if (inFlight > 0) await new Promise<void>((resolve) => idle.add(resolve));
    },
  };
}
