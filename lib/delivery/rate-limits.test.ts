// Rate limits, end to end: a webhook's rate_limit_per_hour postpones deliveries and every one
// goes out once the hour has passed; a receiver's 429 + Retry-After postpones the retry; the
// public API limits each API key to API_RATE_LIMIT_PER_MINUTE with 429 and Retry-After.
// (An integration's own limit on the inbound receiver: lib/inbound/receive-inbound.test.ts.)
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { db } from "@/lib/db/client";
import { createDispatcher, type Dispatcher } from "@/lib/engine/dispatcher";
import { rateLimitedUntil } from "@/lib/delivery/rate-limit";
import { deliveryWork } from "@/lib/engine/delivery-work";
import { resetRateLimits } from "@/lib/http/rate-limit";
import { api } from "@/test/api";
import { newAccount } from "@/test/fixtures";
import { eventually, startReceiver, type Receiver } from "@/test/receiver";

const HOUR_MS = 3_600_000;

let key: string;
let receiver: Receiver | undefined;
let dispatcher: Dispatcher | undefined;

beforeAll(async () => {
  ({ key } = await newAccount());
});

afterEach(async () => {
  await dispatcher?.stop();
  dispatcher = undefined;
  await receiver?.close();
  receiver = undefined;
  await db().webhook.deleteMany();
  delete process.env.API_RATE_LIMIT_PER_MINUTE;
  resetConfig();
  resetRateLimits();
});

async function startDispatcher() {
  dispatcher = createDispatcher([deliveryWork], { maxIdleMs: 100 });
  await dispatcher.start();
  return dispatcher;
}

/** An hour passes for the webhook: its attempts and its postponed deliveries move one hour into the past. */
async function anHourPasses(webhookId: string) {
  await db().$executeRaw`UPDATE attempts SET created_at = created_at - interval '1 hour' WHERE webhook_id = ${webhookId}`;
  await db().$executeRaw`UPDATE deliveries SET next_attempt_at = next_attempt_at - interval '1 hour' WHERE webhook_id = ${webhookId} AND status = 'pending'`;
}

describe("a webhook's rate_limit_per_hour", () => {
  it("counts an attempt once when it is both under way and already recorded", async () => {
    receiver = await startReceiver(200);
    const created = await api.post("/api/webhooks", { name: "limited", url: receiver.url, events: ["order.*"], rate_limit_per_hour: 2 }, { key });
    const webhookId = created.body.data.id as string;
    await api.post("/api/events", { type: "order.created", data: {} }, { key });
    await startDispatcher();
    const [recorded] = await eventually(async () => {
      const attempts = await db().attempt.findMany({ where: { webhookId } });
      return attempts.length === 1 ? attempts : undefined;
    });
    // The process still holds it as under way (its bookkeeping runs just after the commit).
    expect(await rateLimitedUntil(webhookId, 2, new Date(), new Map([[recorded.id, Date.now()]]))).toBeNull();
    // A second attempt under way reaches the limit of 2.
    const second = new Map([[recorded.id, Date.now()], ["att_under_way", Date.now()]]);
    expect(await rateLimitedUntil(webhookId, 2, new Date(), second)).toBeInstanceOf(Date);
  });

  it("delays deliveries beyond the limit to the next window and delivers every one of them, once", { timeout: 60_000 }, async () => {
    receiver = await startReceiver(200);
    const created = await api.post("/api/webhooks", { name: "limited", url: receiver.url, events: ["order.*"], rate_limit_per_hour: 2 }, { key });
    const webhookId = created.body.data.id as string;
    const eventIds: string[] = [];
    for (let i = 0; i < 5; i++) eventIds.push((await api.post("/api/events", { type: "order.created", data: { i } }, { key })).body.data.id);
    const d = await startDispatcher();

    const waiting = async (count: number) =>
      eventually(async () => {
        const pending = await db().delivery.findMany({ where: { webhookId, status: "pending" } });
        // Postponed to when the oldest attempt of the hour leaves the window: about an hour away.
        return pending.length === count && pending.every((p) => p.attempts === 0 && p.nextAttemptAt!.getTime() > Date.now() + HOUR_MS - 60_000) && pending;
      });

    await receiver.waitFor(2);
    await waiting(3);
    expect(receiver.requests).toHaveLength(2);

    await anHourPasses(webhookId);
    d.wake();
    await receiver.waitFor(4);
    await waiting(1);

    await anHourPasses(webhookId);
    d.wake();
    await receiver.waitFor(5);
    await eventually(async () => (await db().delivery.count({ where: { webhookId, status: "succeeded" } })) === 5);
    await new Promise((r) => setTimeout(r, 300));
    // Each event exactly once: postponing never dropped or repeated one.
    const seen = receiver.requests.map((r) => r.headers["webhook-id"]);
    expect(seen).toHaveLength(5);
    expect(new Set(seen)).toEqual(new Set(eventIds));
    expect(await db().deadLetter.count({ where: { webhookId } })).toBe(0);
  });
});

describe("a receiver's 429 with Retry-After", () => {
  it("postpones the retry to the Retry-After, beyond the policy's shorter delay", async () => {
    receiver = await startReceiver((_, i, res) => (i === 0 ? void res.writeHead(429, { "retry-after": "2" }).end() : 200));
    const created = await api.post("/api/webhooks", { name: "429", url: receiver.url, events: ["order.*"], retry_policy: [1] }, { key });
    await startDispatcher();
    const published = await api.post("/api/events", { type: "order.created", data: {} }, { key });
    const deliveryId = published.body.data.deliveries[0].id as string;
    const [first, second] = await receiver.waitFor(2, 10_000);
    expect(second.at - first.at).toBeGreaterThanOrEqual(1900);
    await eventually(async () => (await db().delivery.findUniqueOrThrow({ where: { id: deliveryId } })).status === "succeeded");
    const logs = await api.get(`/api/webhooks/${created.body.data.id}/logs`, { key });
    expect(logs.body.data.map((a: { response_code: number; error: string | null }) => [a.response_code, a.error])).toEqual([
      [200, null],
      [429, "http_status"],
    ]);
  });
});

describe("the public API's per-key rate limit", () => {
  it("answers 429 with Retry-After past API_RATE_LIMIT_PER_MINUTE, stores nothing, and leaves other keys alone", async () => {
    process.env.API_RATE_LIMIT_PER_MINUTE = "3";
    resetConfig();
    resetRateLimits();
    const { key: other } = await newAccount();
    for (let i = 0; i < 3; i++) expect((await api.get("/api/webhooks", { key })).status).toBe(200);

    const before = await db().event.count();
    const limited = await api.post("/api/events", { type: "order.created", data: {} }, { key });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ success: false, code: "rate_limited" });
    // 3 a minute: the next request is allowed in about 20 s.
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(20);
    expect(await db().event.count()).toBe(before);

    expect((await api.get("/api/webhooks", { key: other })).status).toBe(200);
  });

  it("refills over time: a key is served again once Retry-After has passed", async () => {
    process.env.API_RATE_LIMIT_PER_MINUTE = "60"; // one a second
    resetConfig();
    resetRateLimits();
    for (let i = 0; i < 60; i++) await api.get("/api/webhooks", { key });
    const limited = await api.get("/api/webhooks", { key });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    await new Promise((r) => setTimeout(r, 1100));
    expect((await api.get("/api/webhooks", { key })).status).toBe(200);
  });
});
