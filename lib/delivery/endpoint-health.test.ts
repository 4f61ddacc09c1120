// Endpoint health through the real dispatcher and API: a webhook that keeps failing for
// AUTO_DISABLE_AFTER_DAYS is disabled with its reason visible, 410 Gone disables at once, and
// a success ends a failing streak.
import { afterEach, describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { db } from "@/lib/db/client";
import { createDispatcher, type Dispatcher } from "@/lib/engine/dispatcher";
import { deliveryWork } from "@/lib/engine/delivery-work";
import { api } from "@/test/api";
import { newAccount } from "@/test/fixtures";
import { eventually, startReceiver, type Receiver } from "@/test/receiver";

const DAY_MS = 24 * 3600 * 1000;

let receiver: Receiver | undefined;
let dispatcher: Dispatcher | undefined;

afterEach(async () => {
  await dispatcher?.stop();
  dispatcher = undefined;
  await receiver?.close();
  receiver = undefined;
  delete process.env.AUTO_DISABLE_AFTER_DAYS;
  resetConfig();
});

async function setUp(responder: Parameters<typeof startReceiver>[0], webhook: Record<string, unknown> = {}) {
  const { key } = await newAccount();
  receiver = await startReceiver(responder);
  const created = await api.post("/api/webhooks", { name: "health", url: receiver.url, events: ["order.*"], retry_policy: [1, 1, 1, 1, 1], ...webhook }, { key });
  expect(created.status).toBe(201);
  dispatcher = createDispatcher([deliveryWork], { maxIdleMs: 100 });
  await dispatcher.start();
  const id = created.body.data.id as string;
  return {
    key,
    id,
    publish: async (data: Record<string, unknown> = {}) => (await api.post("/api/events", { type: "order.created", data }, { key })).body.data.deliveries[0]?.id as string | undefined,
    read: async () => (await api.get(`/api/webhooks/${id}`, { key })).body.data,
    attempts: (deliveryId: string) => db().delivery.findUniqueOrThrow({ where: { id: deliveryId } }).then((d) => d.attempts),
  };
}

/** Moves the start of the webhook's failing streak into the past, as if it had been failing that long. */
const failingFor = (webhookId: string, ms: number) => db().webhook.update({ where: { id: webhookId }, data: { failingSince: new Date(Date.now() - ms) } });

describe("automatic disabling", () => {
  it("disables a webhook failing continuously for 5 days, with the reason in GET /api/webhooks/{id}; its deliveries are parked", async () => {
    const hook = await setUp(500);
    const deliveryId = (await hook.publish())!;
    await eventually(async () => (await hook.attempts(deliveryId)) >= 1);
    const first = await hook.read();
    expect(first).toMatchObject({ is_active: true, disabled_reason: null });
    expect(first.failing_since).not.toBeNull();

    await failingFor(hook.id, 5 * DAY_MS + 60_000);
    const disabled = await eventually(async () => {
      const webhook = await hook.read();
      return !webhook.is_active && webhook;
    });
    expect(disabled.disabled_reason).toMatch(/^failing continuously since \d{4}-\d\d-\d\dT/);
    expect(disabled.disabled_at).not.toBeNull();

    // Parked, not dropped: the delivery stays pending and nothing more is sent.
    const sent = receiver!.requests.length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver!.requests).toHaveLength(sent);
    expect(await db().delivery.findUniqueOrThrow({ where: { id: deliveryId } })).toMatchObject({ status: "pending", attempts: 2 });
    // A disabled webhook gets no new deliveries.
    expect(await hook.publish()).toBeUndefined();

    // Enabling it again clears the reason and the streak, and the parked delivery goes out.
    receiver!.respond(200);
    const enabled = await api.patch(`/api/webhooks/${hook.id}`, { is_active: true }, { key: hook.key });
    expect(enabled.body.data).toMatchObject({ is_active: true, disabled_reason: null, disabled_at: null, failing_since: null });
    await eventually(async () => (await db().delivery.findUniqueOrThrow({ where: { id: deliveryId } })).status === "succeeded");
  });

  it("does not disable a webhook whose failing streak is shorter than AUTO_DISABLE_AFTER_DAYS", async () => {
    const hook = await setUp(500);
    const deliveryId = (await hook.publish())!;
    await eventually(async () => (await hook.attempts(deliveryId)) >= 1);
    await failingFor(hook.id, 5 * DAY_MS - 3_600_000);
    await eventually(async () => (await hook.attempts(deliveryId)) >= 3, 10_000);
    expect(await hook.read()).toMatchObject({ is_active: true, disabled_reason: null });
  });

  it("honours AUTO_DISABLE_AFTER_DAYS", async () => {
    process.env.AUTO_DISABLE_AFTER_DAYS = "2";
    resetConfig();
    const hook = await setUp(503);
    const deliveryId = (await hook.publish())!;
    await eventually(async () => (await hook.attempts(deliveryId)) >= 1);
    await failingFor(hook.id, 2 * DAY_MS + 60_000);
    const disabled = await eventually(async () => {
      const webhook = await hook.read();
      return !webhook.is_active && webhook;
    });
    expect(disabled.disabled_reason).toMatch(/^failing continuously since /);
  });

  it("disables the webhook at once when it answers 410 Gone, and dead-letters the delivery", async () => {
    const hook = await setUp(410);
    const deliveryId = (await hook.publish())!;
    const delivery = await eventually(async () => {
      const d = await db().delivery.findUniqueOrThrow({ where: { id: deliveryId } });
      return d.status === "dead" && d;
    });
    expect(delivery.attempts).toBe(1);
    expect(await hook.read()).toMatchObject({ is_active: false, disabled_reason: "endpoint answered 410 Gone" });
    const dead = await api.get(`/api/webhooks/${hook.id}/replay`, { key: hook.key });
    expect(dead.body.data[0]).toMatchObject({ delivery_id: deliveryId, reason: "endpoint answered 410 Gone" });
    expect(receiver!.requests).toHaveLength(1);
  });
});

describe("the failing streak", () => {
  it("is reset by a success, so old failures never add up to a disable", async () => {
    const hook = await setUp((_, i) => (i === 0 ? 500 : 200));
    const deliveryId = (await hook.publish())!;
    await eventually(async () => (await hook.attempts(deliveryId)) >= 1);
    expect((await hook.read()).failing_since).not.toBeNull();
    await failingFor(hook.id, 4 * DAY_MS);
    await eventually(async () => (await db().delivery.findUniqueOrThrow({ where: { id: deliveryId } })).status === "succeeded");
    expect(await hook.read()).toMatchObject({ is_active: true, failing_since: null });

    // A new failure starts a new streak from now, not from four days ago.
    receiver!.respond(500);
    const next = (await hook.publish())!;
    await eventually(async () => (await hook.attempts(next)) >= 1);
    const webhook = await hook.read();
    expect(webhook.is_active).toBe(true);
    expect(Date.now() - Date.parse(webhook.failing_since)).toBeLessThan(60_000);
  });
});
