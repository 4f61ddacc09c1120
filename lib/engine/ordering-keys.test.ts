// Ordering keys end to end: the embedded dispatcher against real Postgres and real receivers.
// Deliveries to one webhook that share a key go strictly in publish order; unkeyed ones stay parallel.
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { createDispatcher, type Dispatcher } from "@/lib/engine/dispatcher";
import { deliveryWork } from "@/lib/engine/delivery-work";
import { publishEvent } from "@/lib/events/publish";
import { api } from "@/test/api";
import { newAccount } from "@/test/fixtures";
import { eventually, startReceiver, type ReceivedRequest, type Receiver } from "@/test/receiver";

let key: string;
let accountId: string;
let receiver: Receiver | undefined;
const dispatchers: Dispatcher[] = [];

/** A long idle look: a key's next delivery must be picked up by the NOTIFY its predecessor's record sends, not by the timer. */
async function startDispatcher(options = {}) {
  const dispatcher = createDispatcher([deliveryWork], { maxIdleMs: 5000, ...options });
  await dispatcher.start();
  dispatchers.push(dispatcher);
  return dispatcher;
}

async function createWebhook(body: Record<string, unknown> = {}) {
  const res = await api.post("/api/webhooks", { url: receiver!.url, events: ["order.*"], ...body }, { key });
  expect(res.status).toBe(201);
  return res.body.data as { id: string; ordering: string };
}

const publish = (body: Record<string, unknown>) => api.post("/api/events", body, { key });
const bodyOf = (r: ReceivedRequest) => JSON.parse(r.body) as { data: { key?: string; n: number } };
const deliveryOf = (id: string) => db().delivery.findUniqueOrThrow({ where: { id } });

beforeAll(async () => {
  ({ key, account: { id: accountId } } = await newAccount());
});

afterEach(async () => {
  await Promise.all(dispatchers.splice(0).map((d) => d.stop()));
  await receiver?.close();
  receiver = undefined;
  await db().webhook.deleteMany();
  await db().event.deleteMany();
});

describe("ordering keys", () => {
  it("delivers 1 000 keyed events over 10 keys to a flaky receiver in publish order per key, each of them", async () => {
    // ~20 % of requests fail with 500, but no event fails more than twice (the policy allows five retries).
    const failures = new Map<string, number>();
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    receiver = await startReceiver((request) => {
      const id = request.headers["webhook-id"] as string;
      const failed = failures.get(id) ?? 0;
      if (failed < 2 && random() < 0.2) {
        failures.set(id, failed + 1);
        return 500;
      }
      return 200;
    });
    await startDispatcher();
    await createWebhook({ retry_policy: [1, 1, 1, 1, 1] });
    const keys = Array.from({ length: 10 }, (_, k) => `customer-${k}`);
    // Each round publishes one event per key at once (they share batched inserts); the rounds follow each other.
    for (let n = 0; n < 100; n++) {
      const results = await Promise.all(keys.map((k) => publish({ type: "order.updated", data: { key: k, n }, ordering_key: k })));
      expect(results.map((r) => r.status)).toEqual(keys.map(() => 202));
    }
    await eventually(async () => (await db().delivery.count({ where: { status: "succeeded" } })) === 1000, 55_000, 200);
    expect(receiver.requests.length).toBeGreaterThan(1000);
    expect(failures.size).toBeGreaterThan(100);

    // The receiver's log of successful deliveries, per key, is in publish order.
    const okIds = new Set<string>();
    const seen = new Map<string, number>();
    const delivered = new Map<string, number[]>(keys.map((k) => [k, []]));
    for (const r of receiver.requests) {
      const id = r.headers["webhook-id"] as string;
      seen.set(id, (seen.get(id) ?? 0) + 1);
      // The (failures + 1)-th request of an event is the one that succeeded.
      if (seen.get(id) === (failures.get(id) ?? 0) + 1) {
        okIds.add(id);
        const { data } = bodyOf(r);
        delivered.get(data.key!)!.push(data.n);
      }
    }
    expect(okIds.size).toBe(1000);
    for (const k of keys) expect(delivered.get(k)).toEqual(Array.from({ length: 100 }, (_, n) => n));
    // And no request of a key was sent while an earlier one of the same key had not succeeded.
    for (const k of keys) {
      const ns = receiver.requests.map(bodyOf).filter((b) => b.data.key === k).map((b) => b.data.n);
      expect(ns.every((n, i) => i === 0 || n >= ns[i - 1])).toBe(true);
    }
  }, 90_000);

  it("keeps publish order strict within one batched insert", async () => {
    receiver = await startReceiver(200);
    const webhook = await createWebhook();
    // 50 publishes in one turn of the event loop: they share the group-committed inserts.
    const results = await Promise.all(Array.from({ length: 50 }, (_, n) => publishEvent(accountId, { type: "order.created", data: { n }, orderingKey: "k" })));
    const rows = await db().delivery.findMany({ where: { webhookId: webhook.id }, orderBy: { orderSeq: "asc" }, select: { id: true } });
    expect(rows.map((r) => r.id)).toEqual(results.map((r) => r.deliveries[0].id));
    await startDispatcher();
    const requests = await receiver.waitFor(50, 20_000);
    expect(requests.map((r) => bodyOf(r).data.n)).toEqual(Array.from({ length: 50 }, (_, n) => n));
  }, 40_000);

  it("sends unkeyed events in parallel, but never two of one key at once", async () => {
    let inFlight = 0;
    let maxUnkeyed = 0;
    const inFlightByKey = new Map<string, number>();
    let maxPerKey = 0;
    receiver = await startReceiver(async (request) => {
      const k = bodyOf(request).data.key;
      if (k) inFlightByKey.set(k, (inFlightByKey.get(k) ?? 0) + 1);
      else inFlight++;
      maxUnkeyed = Math.max(maxUnkeyed, inFlight);
      maxPerKey = Math.max(maxPerKey, ...inFlightByKey.values(), 0);
      await new Promise((resolve) => setTimeout(resolve, 300));
      if (k) inFlightByKey.set(k, inFlightByKey.get(k)! - 1);
      else inFlight--;
      return 200;
    });
    await createWebhook();
    for (let n = 0; n < 8; n++) await publish({ type: "order.created", data: { n } });
    for (let n = 0; n < 5; n++) for (const k of ["a", "b"]) await publish({ type: "order.created", data: { key: k, n }, ordering_key: k });
    await startDispatcher();
    await receiver.waitFor(18, 20_000);
    expect(maxUnkeyed).toBeGreaterThan(1);
    expect(maxPerKey).toBe(1);
    for (const k of ["a", "b"]) {
      expect(receiver.requests.map(bodyOf).filter((b) => b.data.key === k).map((b) => b.data.n)).toEqual([0, 1, 2, 3, 4]);
    }
  }, 40_000);
});

describe("a dead keyed delivery", () => {
  /** Events 0, 1, 2 of key `k`; the receiver refuses event 1 until told otherwise. */
  async function deadInTheMiddle(ordering?: string) {
    receiver = await startReceiver((request) => (bodyOf(request).data.n === 1 ? 500 : 200));
    const webhook = await createWebhook({ retry_policy: [1], ...(ordering ? { ordering } : {}) });
    const ids: string[] = [];
    for (let n = 0; n < 3; n++) ids.push((await publish({ type: "order.created", data: { n }, ordering_key: "k" })).body.data.deliveries[0].id);
    return { webhook, ids };
  }

  it("skip_dead (the default): the next of its key goes on once it dead-letters; while it waits for its retry, the next is blocked_by it", async () => {
    const { webhook, ids } = await deadInTheMiddle();
    expect(webhook.ordering).toBe("skip_dead");
    await startDispatcher();
    await receiver!.waitFor(2);
    // Event 1 failed once and waits for its retry; event 2 waits behind it.
    const list = await api.get(`/api/webhooks/${webhook.id}/deliveries`, { key });
    const byId = new Map((list.body.data as { id: string; blocked_by: string | null; ordering_key: string }[]).map((d) => [d.id, d]));
    expect(byId.get(ids[2])).toMatchObject({ blocked_by: ids[1], ordering_key: "k" });
    expect(byId.get(ids[1])).toMatchObject({ blocked_by: null });
    expect(byId.get(ids[0])).toMatchObject({ blocked_by: null });

    await eventually(async () => (await deliveryOf(ids[2])).status === "succeeded", 10_000);
    expect((await deliveryOf(ids[1])).status).toBe("dead");
    expect(receiver!.requests.map((r) => bodyOf(r).data.n)).toEqual([0, 1, 1, 2]);
  }, 30_000);

  it("halt: the key stays blocked until the dead delivery is replayed and succeeds; the replay takes its place", async () => {
    const { webhook, ids } = await deadInTheMiddle("halt");
    expect(webhook.ordering).toBe("halt");
    await startDispatcher();
    await eventually(async () => (await deliveryOf(ids[1])).status === "dead", 10_000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await deliveryOf(ids[2])).status).toBe("pending");
    expect(receiver!.requests.map((r) => bodyOf(r).data.n)).toEqual([0, 1, 1]);
    const event = (await api.get(`/api/events/${(await deliveryOf(ids[2])).eventId}`, { key })).body.data;
    expect(event.deliveries[0]).toMatchObject({ id: ids[2], blocked_by: ids[1] });

    receiver!.respond(200);
    const [letter] = (await api.get(`/api/webhooks/${webhook.id}/replay`, { key })).body.data;
    const replay = await api.post(`/api/webhooks/${webhook.id}/replay`, { failure_id: letter.id }, { key });
    const replayId = replay.body.data.delivery_ids[0];
    await eventually(async () => (await deliveryOf(ids[2])).status === "succeeded", 10_000);
    expect((await deliveryOf(replayId)).status).toBe("succeeded");
    expect(receiver!.requests.map((r) => bodyOf(r).data.n)).toEqual([0, 1, 1, 1, 2]);
  }, 30_000);
});

describe("ordering input", () => {
  it("refuses a bad ordering_key or ordering with 422, and keeps another account's deliveries a 404", async () => {
    receiver = await startReceiver(200);
    for (const ordering_key of ["", "x".repeat(129), 7, null]) {
      const res = await publish({ type: "order.created", data: {}, ordering_key });
      expect(res.status, JSON.stringify(ordering_key)).toBe(422);
    }
    expect((await publish({ type: "order.created", data: {}, ordering_key: "x".repeat(128) })).status).toBe(202);
    expect((await api.post("/api/webhooks", { url: receiver.url, events: ["*"], ordering: "fifo" }, { key })).status).toBe(422);
    const webhook = await createWebhook();
    const patched = await api.patch(`/api/webhooks/${webhook.id}`, { ordering: "halt" }, { key });
    expect(patched.body.data.ordering).toBe("halt");
    expect((await api.put(`/api/webhooks/${webhook.id}`, { ordering: "later" }, { key })).status).toBe(422);
    expect((await api.patch(`/api/webhooks/${webhook.id}`, { ordering: null }, { key })).body.data.ordering).toBe("skip_dead");

    const other = await newAccount();
    expect((await api.get(`/api/webhooks/${webhook.id}/deliveries`, { key: other.key })).status).toBe(404);
  });
});
