import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { disconnectDb, sql } from "@/lib/db/client";
import { attemptDelivery } from "@/lib/delivery/attempt-delivery";
import { publishEvent } from "@/lib/events/publish";
import { webhookStats, windows, type StatsWindow } from "@/lib/stats/webhook-stats";
import { deleteWebhook } from "@/lib/webhooks/webhooks";
import { api } from "@/test/api";
import { exactStats, expectStatsMatch } from "@/test/exact-stats";
import { newAccount } from "@/test/fixtures";
import { eventually, startReceiver, type Receiver } from "@/test/receiver";

const HOUR = 3_600_000;

// The receiver answers each delivery as its event data says: after `delay` ms, with `status`.
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver(async (request) => {
    const { delay, status } = (JSON.parse(request.body) as { data: { delay: number; status: number } }).data;
    await sleep(delay);
    return status;
  });
});

afterEach(() => {
  vi.useRealTimers();
});

afterAll(async () => {
  await receiver.close();
});

async function createWebhook(key: string, body: Record<string, unknown> = {}): Promise<string> {
  const res = await api.post("/api/webhooks", { name: "rollups", url: receiver.url, events: ["*"], retry_policy: [3600], ...body }, { key });
  expect(res.status).toBe(201);
  return res.body.data.id;
}

interface Attempt {
  delay: number;
  status: number;
  type?: string;
}

/**
 * Publishes one event per attempt to `webhookId` and attempts them all at once through the real
 * recording path (attemptDelivery → runAttempt → the batched RECORD_ATTEMPTS statement), with the
 * clock at `at` (only Date is faked: the receiver's delays and the batching timers are real).
 */
async function record(accountId: string, webhookId: string, at: Date | null, attempts: Attempt[], attempt = attemptDelivery) {
  if (at) {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(at);
  }
  try {
    const deliveryIds: string[] = [];
    for (const [i, a] of attempts.entries()) {
      const type = a.type ?? ["order.created", "order.updated", "payment.failed"][i % 3];
      const { deliveries } = await publishEvent(accountId, { type, data: { delay: a.delay, status: a.status }, id: undefined }, { webhookIds: [webhookId], callerAttempts: true });
      deliveryIds.push(deliveries[0].id);
    }
    const results = await Promise.all(deliveryIds.map((id) => attempt(id)));
    expect(results.every((r) => r !== null)).toBe(true);
  } finally {
    vi.useRealTimers();
  }
}

/** A spread of response times (exact below 128 ms, bucketed above) and outcomes. */
function mix(seed: number, count = 12): Attempt[] {
  const delays = [0, 3, 15, 40, 90, 135, 170, 240, 330];
  const statuses = [200, 200, 200, 503, 200, 500, 200, 200, 429];
  return Array.from({ length: count }, (_, i) => ({ delay: delays[(i * 7 + seed) % delays.length], status: statuses[(i * 5 + seed) % statuses.length] }));
}

async function expectRollupsMatchAttempts(scope: { webhookId?: string; accountId?: string }, window: StatsWindow, now: Date) {
  const stats = await webhookStats(scope, window, now);
  expect(stats.series).toHaveLength(windows[window].ms / windows[window].bucketMs);
  expectStatsMatch(stats, await exactStats(scope, stats.from, stats.to, windows[window].bucketMs));
  return stats;
}

describe("stats from the hourly rollups", () => {
  let accountId: string;
  let otherAccountId: string;
  let first: string;
  let second: string;
  let other: string;
  const now = new Date();

  beforeAll(async () => {
    const a = await newAccount();
    const b = await newAccount();
    accountId = a.account.id;
    otherAccountId = b.account.id;
    first = await createWebhook(a.key);
    // Times out after 200 ms: its slow attempts fail with `timeout` and no response code.
    second = await createWebhook(a.key, { timeout_ms: 200 });
    other = await createWebhook(b.key);

    const hour = Math.floor(now.getTime() / HOUR) * HOUR;
    const dayStart = hour + HOUR - 24 * HOUR;
    const weekEnd = Math.ceil(now.getTime() / (4 * HOUR)) * 4 * HOUR;
    const weekStart = weekEnd - 7 * 24 * HOUR;
    // Either side of hour boundaries and of both windows' first hour, oldest first (a failing
    // streak must never span the 5 days that disable a webhook).
    const moments = [
      weekStart - 1,
      weekStart,
      hour - 5 * 24 * HOUR + 17 * 60_000,
      dayStart - 1,
      dayStart,
      hour - 3 * HOUR - 10,
      hour - 3 * HOUR,
      hour - 3 * HOUR + 30 * 60_000,
      hour - HOUR + 59 * 60_000 + 59_999,
      now.getTime() - 1000,
    ];
    for (const [i, at] of moments.entries()) {
      await record(accountId, first, new Date(at), mix(i));
      await record(accountId, second, new Date(at), mix(i + 3, 8));
      await record(otherAccountId, other, new Date(at), mix(i + 5, 4));
    }
  }, 120_000);

  it("counts, success rate and average exactly, and percentiles within 1/128, per webhook", async () => {
    const day = await expectRollupsMatchAttempts({ webhookId: first }, "24h", now);
    const week = await expectRollupsMatchAttempts({ webhookId: first }, "7d", now);
    // The moments before each window's first hour are left out; the rest are in.
    expect(day.total).toBe(6 * 12);
    expect(week.total).toBe(9 * 12);
    expect(day.series).toHaveLength(24);
    // Some response times were above 128 ms, so the percentiles did come from wider buckets.
    expect(week.p95_response_ms).toBeGreaterThan(128);
  });

  it("reports timeouts and HTTP errors in the breakdown, and events by type", async () => {
    const week = await expectRollupsMatchAttempts({ webhookId: second }, "7d", now);
    expect(week.errors.map((e) => e.code)).toContain("timeout");
    expect(week.errors.map((e) => e.code)).toContain("http_503");
    expect(week.events.map((e) => e.event).sort()).toEqual(["order.created", "order.updated", "payment.failed"]);
  });

  it("adds up every webhook of the account, and only of that account", async () => {
    const week = await expectRollupsMatchAttempts({ accountId }, "7d", now);
    await expectRollupsMatchAttempts({ accountId }, "24h", now);
    expect(week.total).toBe(9 * 12 + 9 * 8);
    expect((await expectRollupsMatchAttempts({ accountId: otherAccountId }, "7d", now)).total).toBe(9 * 4);
  });

  it("places an attempt in the hour of its timestamp: the last millisecond of an hour is not the next hour", async () => {
    const { rows } = await sql().query<{ hour: Date; n: number }>(
      `SELECT hour AT TIME ZONE 'UTC' AS hour, sum(n)::int AS n FROM attempt_rollups WHERE webhook_id = $1 GROUP BY 1`,
      [first],
    );
    const hour = Math.floor(now.getTime() / HOUR) * HOUR;
    const byHour = new Map(rows.map((r) => [r.hour.getTime(), r.n]));
    expect(byHour.get(hour - 4 * HOUR)).toBe(12); // hour - 3 h - 10 ms
    expect(byHour.get(hour - 3 * HOUR)).toBe(24); // hour - 3 h and hour - 2.5 h
    expect(byHour.get(hour - HOUR)).toBe(12); // hour - 1 ms
  });

  it("agrees with the exact 1 h window over the last hour", async () => {
    const hourly = await webhookStats({ webhookId: first }, "24h", now);
    const exact = await webhookStats({ webhookId: first }, "1h", new Date(Math.floor(now.getTime() / HOUR) * HOUR + HOUR));
    const last = hourly.series.at(-1)!;
    expect(last.succeeded + last.failed).toBe(exact.total);
  });

  it("goes with its webhook when the webhook is deleted, as do the attempts", async () => {
    const count = async (webhookId: string) => {
      const { rows } = await sql().query<{ n: number }>(
        `SELECT (SELECT count(*) FROM attempt_rollups WHERE webhook_id = $1) + (SELECT count(*) FROM response_time_rollups WHERE webhook_id = $1)
              + (SELECT count(*) FROM attempts WHERE webhook_id = $1) AS n`,
        [webhookId],
      );
      return Number(rows[0].n);
    };
    expect(await count(other)).toBeGreaterThan(0);
    await deleteWebhook(otherAccountId, other);
    expect(await count(other)).toBe(0);
    expect(await count(first)).toBeGreaterThan(0);
    expect((await webhookStats({ accountId: otherAccountId }, "7d", now)).total).toBe(0);
  });
});

describe("recording concurrently", () => {
  it("adds up batches written at the same time by several writers, without a deadlock", async () => {
    const { account, key } = await newAccount();
    const webhookIds = [await createWebhook(key), await createWebhook(key)];
    // Separate copies of the recording module, as in separate processes: each batches its own
    // attempts and writes them on its own connection, into the same hot rollup rows.
    const writers: (typeof attemptDelivery)[] = [];
    for (let i = 0; i < 3; i++) {
      vi.resetModules();
      writers.push((await import("@/lib/delivery/attempt-delivery")).attemptDelivery);
    }
    const deadlocks = async () => {
      // A backend reports its statistics (deadlocks among them) when it exits.
      await disconnectDb();
      await eventually(async () => {
        const { rows } = await sql().query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()`);
        return rows[0].n === 0;
      });
      await sql().query("SELECT pg_stat_clear_snapshot()");
      const { rows } = await sql().query<{ deadlocks: string }>(`SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()`);
      return Number(rows[0].deadlocks);
    };
    const before = await deadlocks();

    const attempts = (seed: number) => Array.from({ length: 120 }, (_, i) => ({ delay: (i * 13 + seed) % 40, status: i % 9 === 0 ? 500 : 200 }));
    await Promise.all(writers.flatMap((writer, w) => webhookIds.map((id, i) => record(account.id, id, null, attempts(w * 2 + i), writer))));

    expect(await deadlocks()).toBe(before);
    const { rows } = await sql().query<{ attempts: number; sum_ms: number; tallied: number; timed: number; timed_ms: number }>(
      `SELECT (SELECT count(*) FROM attempts WHERE account_id = $1)::int AS attempts,
              (SELECT sum(response_time_ms) FROM attempts WHERE account_id = $1)::float8 AS sum_ms,
              (SELECT sum(n) FROM attempt_rollups WHERE account_id = $1)::int AS tallied,
              (SELECT sum(n) FROM response_time_rollups WHERE account_id = $1)::int AS timed,
              (SELECT sum(sum_ms) FROM response_time_rollups WHERE account_id = $1)::float8 AS timed_ms`,
      [account.id],
    );
    const { attempts: stored, sum_ms, tallied, timed, timed_ms } = rows[0];
    expect({ stored, tallied, timed, timed_ms }).toEqual({ stored: 720, tallied: 720, timed: 720, timed_ms: sum_ms });
    await expectRollupsMatchAttempts({ accountId: account.id }, "24h", new Date());
  }, 60_000);
});
