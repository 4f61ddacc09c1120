// The Inngest delivery function, run in-process by @inngest/test with real step semantics
// against the real database and a real local receiver. No Inngest server can run here
// (NOTES.md), so the engine stands in for it: sleeps are mocked steps that wait, on the real
// clock, until the delivery is due — what Inngest's `sleepUntil` would do.
import { InngestTestEngine } from "@inngest/test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { announceToInngest } from "@/inngest/announce-to-inngest";
import { inngest } from "@/inngest/client";
import { deliverWebhook } from "@/inngest/functions/deliver-webhook";
import { resetConfig } from "@/lib/config";
import { db } from "@/lib/db/client";
import { api } from "@/test/api";
import { newAccount } from "@/test/fixtures";
import { startReceiver, type Receiver } from "@/test/receiver";

let key: string;
let receiver: Receiver | undefined;

beforeAll(async () => {
  ({ key } = await newAccount());
});

afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

async function createWebhook(body: Record<string, unknown> = {}) {
  const res = await api.post("/api/webhooks", { name: "inngest test", url: receiver!.url, events: ["order.*"], ...body }, { key });
  expect(res.status).toBe(201);
  return res.body.data as { id: string };
}

/** Publishes through the real API (embedded mode in tests: nothing is announced, no dispatcher runs). */
async function publishOne(webhookId: string) {
  const res = await api.post("/api/events", { type: "order.created", data: { order_id: "o_1" } }, { key });
  expect(res.status).toBe(202);
  const delivery = (res.body.data.deliveries as { id: string; webhook_id: string }[]).find((d) => d.webhook_id === webhookId)!;
  return delivery.id;
}

/** A mocked `sleepUntil` step: waits until the delivery's next_attempt_at on the real clock. */
const sleepUntilDue = (deliveryId: string) => async () => {
  const { nextAttemptAt } = await db().delivery.findUniqueOrThrow({ where: { id: deliveryId } });
  const ms = (nextAttemptAt?.getTime() ?? 0) - Date.now();
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms + 20));
  return null;
};

/** A fresh engine per run: @inngest/test memoises mocked steps per engine instance. */
function engineFor(deliveryId: string, webhookId: string, sleeps: number[] = []) {
  return new InngestTestEngine({
    function: deliverWebhook,
    events: [{ name: "hookrelay/delivery.requested", data: { delivery_id: deliveryId, webhook_id: webhookId } }],
    steps: sleeps.map((n) => ({ id: `wait-${n}`, handler: sleepUntilDue(deliveryId) })),
  });
}

const stepIds = (ctx: { step: { run: { mock: { calls: unknown[][] } }; sleepUntil: { mock: { calls: unknown[][] } } } }) => ({
  runs: ctx.step.run.mock.calls.map((c) => c[0]),
  sleeps: ctx.step.sleepUntil.mock.calls.map((c) => c[0]),
});

describe("deliver-webhook (Inngest function, run by @inngest/test)", () => {
  it("attempts, sleeps until the retry is due, attempts again and ends succeeded", async () => {
    receiver = await startReceiver((_, i) => (i === 0 ? 500 : 200));
    const webhook = await createWebhook({ retry_policy: [1] });
    const deliveryId = await publishOne(webhook.id);

    const { result, error, ctx } = await engineFor(deliveryId, webhook.id, [1]).execute();
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ deliveryId, state: "succeeded", attempted: true, responseCode: 200, rounds: 2 });
    expect(receiver.requests).toHaveLength(2);
    // The retry waited for the policy's delay (1 s) between the two requests.
    expect(receiver.requests[1].at - receiver.requests[0].at).toBeGreaterThanOrEqual(950);
    const { runs, sleeps } = stepIds(ctx as never);
    expect(new Set(runs)).toEqual(new Set(["attempt-1", "attempt-2"]));
    expect(new Set(sleeps)).toEqual(new Set(["wait-1"]));

    const delivery = await db().delivery.findUniqueOrThrow({ where: { id: deliveryId } });
    expect(delivery).toMatchObject({ status: "succeeded", attempts: 2, responseCode: 200, leaseOwner: null, nextAttemptAt: null });
    const attempts = await db().attempt.findMany({ where: { deliveryId }, orderBy: { attemptNumber: "asc" } });
    expect(attempts.map((a) => [a.attemptNumber, a.status, a.responseCode])).toEqual([
      [1, "failed", 500],
      [2, "succeeded", 200],
    ]);
  });

  it("dead-letters a delivery whose receiver keeps failing once the policy [1] is exhausted", async () => {
    receiver = await startReceiver(500);
    const webhook = await createWebhook({ retry_policy: [1] });
    const deliveryId = await publishOne(webhook.id);

    const { result, error } = await engineFor(deliveryId, webhook.id, [1]).execute();
    expect(error).toBeUndefined();
    expect(result).toMatchObject({ deliveryId, state: "dead", attempted: true, responseCode: 500, rounds: 2 });
    expect(receiver.requests).toHaveLength(2);
    expect(await db().delivery.findUniqueOrThrow({ where: { id: deliveryId } })).toMatchObject({ status: "dead", attempts: 2 });
    const letter = await db().deadLetter.findUniqueOrThrow({ where: { deliveryId } });
    expect(letter.reason).toContain("HTTP 500");
  });

  it("returns at once, without an HTTP request, for a delivery that is already final", async () => {
    receiver = await startReceiver(200);
    const webhook = await createWebhook();
    const deliveryId = await publishOne(webhook.id);
    expect((await engineFor(deliveryId, webhook.id).execute()).result).toMatchObject({ state: "succeeded", attempted: true });
    expect(receiver.requests).toHaveLength(1);

    // Announced again (a duplicate event, the sweeper): the run ends without sending.
    const { result, ctx } = await engineFor(deliveryId, webhook.id).execute();
    expect(result).toMatchObject({ deliveryId, state: "succeeded", attempted: false, rounds: 1 });
    expect(stepIds(ctx as never)).toEqual({ runs: ["attempt-1"], sleeps: [] });
    expect(receiver.requests).toHaveLength(1);
    expect(await db().attempt.count({ where: { deliveryId } })).toBe(1);
  });

  it("does not hasten a retry: a run started before the delivery is due sleeps until it is", async () => {
    receiver = await startReceiver((_, i) => (i === 0 ? 500 : 200));
    const webhook = await createWebhook({ retry_policy: [1] });
    const deliveryId = await publishOne(webhook.id);
    // A first run makes the first attempt; a second run for the same delivery (announced twice)
    // must not attempt before the policy's delay, however early it starts.
    const first = await engineFor(deliveryId, webhook.id).executeStep("attempt-1");
    expect(first.result).toMatchObject({ state: "pending", attempted: true });

    const { result, ctx } = await engineFor(deliveryId, webhook.id, [1]).execute();
    expect(result).toMatchObject({ state: "succeeded", attempted: true, rounds: 2 });
    const { runs, sleeps } = stepIds(ctx as never);
    expect(new Set(runs)).toEqual(new Set(["attempt-1", "attempt-2"]));
    expect(new Set(sleeps)).toEqual(new Set(["wait-1"]));
    expect(receiver.requests).toHaveLength(2);
    expect(receiver.requests[1].at - receiver.requests[0].at).toBeGreaterThanOrEqual(950);
  });

  it("leaves a delivery of a disabled webhook parked, without a request", async () => {
    receiver = await startReceiver(200);
    const webhook = await createWebhook();
    const deliveryId = await publishOne(webhook.id);
    await db().webhook.update({ where: { id: webhook.id }, data: { isActive: false } });

    const { result } = await engineFor(deliveryId, webhook.id).execute();
    expect(result).toMatchObject({ state: "parked", attempted: false });
    expect(receiver.requests).toHaveLength(0);
    expect(await db().delivery.findUniqueOrThrow({ where: { id: deliveryId } })).toMatchObject({ status: "pending", attempts: 0 });
  });

  it("honours the webhook's rate_limit_per_hour: postpones the attempt and sleeps until the hour allows it", async () => {
    receiver = await startReceiver(200);
    const webhook = await createWebhook({ rate_limit_per_hour: 1 });
    const first = await publishOne(webhook.id);
    expect((await engineFor(first, webhook.id).execute()).result).toMatchObject({ state: "succeeded" });

    const second = await publishOne(webhook.id);
    const { result } = await engineFor(second, webhook.id).executeStep("attempt-1");
    expect(result).toMatchObject({ state: "pending", attempted: false });
    const until = new Date((result as { nextAttemptAt: string }).nextAttemptAt).getTime();
    // One attempt in the last hour uses the allowance: the next goes an hour after it.
    expect(until).toBeGreaterThan(Date.now() + 59 * 60 * 1000);
    expect((await db().delivery.findUniqueOrThrow({ where: { id: second } })).nextAttemptAt?.getTime()).toBe(until);
    expect(receiver.requests).toHaveLength(1);
  });
});

describe("deliver-webhook and ordering keys", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    resetConfig();
  });

  it("does not attempt a delivery held back by an earlier one of its key; the earlier one's finish announces it", async () => {
    receiver = await startReceiver(200);
    const webhook = await createWebhook();
    const ids: string[] = [];
    for (let n = 0; n < 2; n++) {
      const res = await api.post("/api/events", { type: "order.created", data: { n }, ordering_key: "k" }, { key });
      ids.push((res.body.data.deliveries as { id: string; webhook_id: string }[]).find((d) => d.webhook_id === webhook.id)!.id);
    }
    // The second run starts first: it ends blocked, without a request or a sleep.
    const blocked = await engineFor(ids[1], webhook.id).execute();
    expect(blocked.result).toMatchObject({ deliveryId: ids[1], state: "blocked", attempted: false, rounds: 1 });
    expect(receiver.requests).toHaveLength(0);

    // The first one succeeds and announces the second (the Inngest server's event API is mocked).
    announceToInngest();
    vi.stubEnv("DELIVERY_ENGINE", "inngest");
    resetConfig();
    const send = vi.spyOn(inngest, "send").mockImplementation(async () => ({ ids: ["evt_0"] }));
    expect((await engineFor(ids[0], webhook.id).execute()).result).toMatchObject({ state: "succeeded", attempted: true });
    const announced = send.mock.calls.flatMap(([payload]) => (Array.isArray(payload) ? payload : [payload])).map((e) => e.data);
    expect(announced).toContainEqual(expect.objectContaining({ delivery_id: ids[1], webhook_id: webhook.id }));

    expect((await engineFor(ids[1], webhook.id).execute()).result).toMatchObject({ state: "succeeded", attempted: true });
    expect(receiver.requests.map((r) => JSON.parse(r.body).data.n)).toEqual([0, 1]);
  });
});
