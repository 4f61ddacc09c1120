// Announcing work to Inngest (lib/engine/announce.ts) and the three places that do it: the
// publish route, replay, and re-enabling a webhook. No Inngest server can run here (NOTES.md),
// so only the network boundary, `inngest.send`, is mocked; everything else is real.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { announceToInngest } from "@/inngest/announce-to-inngest";
import { inngest } from "@/inngest/client";
import { resetConfig } from "@/lib/config";
import { db } from "@/lib/db/client";
import { announceDeliveries, announceInboundEvent } from "@/lib/engine/announce";
import { api } from "@/test/api";
import { newAccount } from "@/test/fixtures";

let key: string;

beforeAll(async () => {
  announceToInngest();
  ({ key } = await newAccount());
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  resetConfig();
});

function useEngine(engine: "embedded" | "inngest") {
  vi.stubEnv("DELIVERY_ENGINE", engine);
  resetConfig();
}

/** The Inngest server's event API, mocked: records what would have been sent. */
function mockInngestServer() {
  return vi.spyOn(inngest, "send").mockImplementation(async (payload) => ({ ids: (Array.isArray(payload) ? payload : [payload]).map((_, i) => `evt_${i}`) }));
}

const sentEvents = (send: ReturnType<typeof mockInngestServer>) =>
  send.mock.calls.flatMap(([payload]) => (Array.isArray(payload) ? payload : [payload])).map((e) => ({ name: e.name, data: e.data }));

async function createWebhook(body: Record<string, unknown> = {}) {
  const res = await api.post("/api/webhooks", { name: "announce", url: "http://127.0.0.1:9/hook", events: ["order.*"], ...body }, { key });
  expect(res.status).toBe(201);
  return res.body.data as { id: string };
}

describe("announcing work to Inngest", () => {
  it("sends nothing in embedded mode: the NOTIFY in the publishing transaction wakes the dispatcher", async () => {
    useEngine("embedded");
    const send = mockInngestServer();
    await announceDeliveries([{ id: "dlv_1", webhookId: "wh_1" }]);
    await announceInboundEvent({ id: "ie_1", integrationId: "int_1" });
    const webhook = await createWebhook();
    const res = await api.post("/api/events", { type: "order.created", data: {} }, { key });
    expect(res.status).toBe(202);
    expect(res.body.data.deliveries.map((d: { webhook_id: string }) => d.webhook_id)).toContain(webhook.id);
    expect(send).not.toHaveBeenCalled();
  });

  it("sends typed events in one batch in inngest mode (Inngest server mocked)", async () => {
    useEngine("inngest");
    const send = mockInngestServer();
    await announceDeliveries([
      { id: "dlv_1", webhookId: "wh_1" },
      { id: "dlv_2", webhookId: "wh_2" },
    ]);
    await announceInboundEvent({ id: "ie_1", integrationId: "int_1" });
    expect(send).toHaveBeenCalledTimes(2);
    expect(sentEvents(send)).toEqual([
      { name: "hookrelay/delivery.requested", data: { delivery_id: "dlv_1", webhook_id: "wh_1" } },
      { name: "hookrelay/delivery.requested", data: { delivery_id: "dlv_2", webhook_id: "wh_2" } },
      { name: "hookrelay/inbound.received", data: { inbound_event_id: "ie_1", integration_id: "int_1" } },
    ]);
  });

  it("does not fail a publish when Inngest cannot be reached: the event is stored and the sweeper announces it later", async () => {
    useEngine("inngest");
    const send = vi.spyOn(inngest, "send").mockRejectedValue(new Error("connect ECONNREFUSED"));
    const webhook = await createWebhook();
    const res = await api.post("/api/events", { type: "order.created", data: { n: 1 } }, { key });
    expect(res.status).toBe(202);
    expect(send).toHaveBeenCalled();
    const ids = (res.body.data.deliveries as { id: string; webhook_id: string }[]).filter((d) => d.webhook_id === webhook.id).map((d) => d.id);
    expect(await db().delivery.count({ where: { id: { in: ids }, status: "pending" } })).toBe(1);
  });

  it("the publish route announces the new deliveries, and a repeated event id announces nothing (Inngest server mocked)", async () => {
    useEngine("inngest");
    const { key: own } = await newAccount();
    const hook = await api.post("/api/webhooks", { name: "a", url: "http://127.0.0.1:9/hook", events: ["order.*"] }, { key: own });
    const send = mockInngestServer();
    const first = await api.post("/api/events", { id: "ord_announce_1", type: "order.created", data: {} }, { key: own });
    expect(first.status).toBe(202);
    const deliveryId = first.body.data.deliveries[0].id;
    expect(sentEvents(send)).toEqual([{ name: "hookrelay/delivery.requested", data: { delivery_id: deliveryId, webhook_id: hook.body.data.id } }]);

    const again = await api.post("/api/events", { id: "ord_announce_1", type: "order.created", data: {} }, { key: own });
    expect(again.body.data.duplicate).toBe(true);
    expect(send).toHaveBeenCalledTimes(1);
  });

  it("replaying a dead letter announces the new delivery (Inngest server mocked)", async () => {
    useEngine("inngest");
    const webhook = await createWebhook();
    const published = await api.post("/api/events", { type: "order.cancelled", data: {} }, { key });
    const dead = published.body.data.deliveries.find((d: { webhook_id: string }) => d.webhook_id === webhook.id);
    // Dead-letter it the way the core would have.
    const row = await db().delivery.update({ where: { id: dead.id }, data: { status: "dead", attempts: 1, nextAttemptAt: null } });
    const letter = await db().deadLetter.create({
      data: { id: `fail_${dead.id}`, accountId: row.accountId, webhookId: webhook.id, deliveryId: row.id, eventId: row.eventId, eventType: "order.cancelled", reason: "HTTP 500" },
    });

    const send = mockInngestServer();
    const replay = await api.post(`/api/webhooks/${webhook.id}/replay`, { failure_id: letter.id }, { key });
    expect(replay.status).toBe(200);
    const [newId] = replay.body.data.delivery_ids;
    expect(sentEvents(send)).toEqual([{ name: "hookrelay/delivery.requested", data: { delivery_id: newId, webhook_id: webhook.id } }]);
  });

  it("re-enabling a webhook announces its parked deliveries (Inngest server mocked)", async () => {
    useEngine("inngest");
    const { key: own } = await newAccount();
    const hook = await api.post("/api/webhooks", { name: "parked", url: "http://127.0.0.1:9/hook", events: ["order.*"] }, { key: own });
    const webhookId = hook.body.data.id;
    const send = mockInngestServer();
    const published = await api.post("/api/events", { type: "order.created", data: {} }, { key: own });
    const deliveryId = published.body.data.deliveries[0].id;
    expect((await api.patch(`/api/webhooks/${webhookId}`, { is_active: false }, { key: own })).status).toBe(200);
    send.mockClear();

    expect((await api.patch(`/api/webhooks/${webhookId}`, { is_active: true }, { key: own })).status).toBe(200);
    expect(sentEvents(send)).toEqual([{ name: "hookrelay/delivery.requested", data: { delivery_id: deliveryId, webhook_id: webhookId } }]);
  });
});
