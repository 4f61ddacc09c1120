// The sweeper, run by @inngest/test against the real database. Only `inngest.send` — the
// network call to the hosted Inngest server, which cannot exist here — is mocked.
import { InngestTestEngine } from "@inngest/test";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { inngest } from "@/inngest/client";
import { sweepDeliveries } from "@/inngest/functions/sweep-deliveries";
import { db } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { STRANDED_AFTER_MS } from "@/lib/engine/announce";
import { api } from "@/test/api";
import { newAccount } from "@/test/fixtures";

let key: string;
let accountId: string;

beforeAll(async () => {
  const created = await newAccount();
  key = created.key;
  accountId = created.account.id;
});

afterEach(() => {
  vi.restoreAllMocks();
});

function mockInngestServer() {
  return vi.spyOn(inngest, "send").mockImplementation(async (payload) => ({ ids: (Array.isArray(payload) ? payload : [payload]).map((_, i) => `evt_${i}`) }));
}

const sent = (send: ReturnType<typeof mockInngestServer>) =>
  send.mock.calls.flatMap(([payload]) => (Array.isArray(payload) ? payload : [payload])) as { name: string; id?: string; data: Record<string, string> }[];

async function createWebhook() {
  const res = await api.post("/api/webhooks", { name: "sweep", url: "http://127.0.0.1:9/hook", events: ["order.*"] }, { key });
  expect(res.status).toBe(201);
  return res.body.data.id as string;
}

/** A pending delivery of `webhookId` (published through the API; nothing drives it in this test). */
async function pendingDelivery(webhookId: string, row: { nextAttemptAt: Date; leaseExpiresAt?: Date | null; status?: "pending" | "succeeded" }) {
  const res = await api.post("/api/events", { type: "order.created", data: {} }, { key });
  const { id } = (res.body.data.deliveries as { id: string; webhook_id: string }[]).find((d) => d.webhook_id === webhookId)!;
  await db().delivery.update({ where: { id }, data: { leaseExpiresAt: null, status: "pending", ...row } });
  return id;
}

const ago = (ms: number) => new Date(Date.now() - ms);

describe("sweep-deliveries (cron, run by @inngest/test)", () => {
  it("re-announces due deliveries and inbound events no run drives, and nothing else (Inngest server mocked)", async () => {
    const active = await createWebhook();
    const disabled = await createWebhook();
    const stranded = await pendingDelivery(active, { nextAttemptAt: ago(10 * 60_000) });
    const justDue = await pendingDelivery(active, { nextAttemptAt: ago(5_000) });
    const leased = await pendingDelivery(active, { nextAttemptAt: ago(10 * 60_000), leaseExpiresAt: new Date(Date.now() + 60_000) });
    const staleLease = await pendingDelivery(active, { nextAttemptAt: ago(10 * 60_000), leaseExpiresAt: ago(60_000) });
    const future = await pendingDelivery(active, { nextAttemptAt: new Date(Date.now() + 3600_000) });
    const done = await pendingDelivery(active, { nextAttemptAt: ago(10 * 60_000), status: "succeeded" });
    const parked = await pendingDelivery(disabled, { nextAttemptAt: ago(10 * 60_000) });
    await db().webhook.update({ where: { id: disabled }, data: { isActive: false } });

    const integration = await db().integration.create({
      data: { id: newId("int"), accountId, sourceSystem: "pos", userId: "u_sweep", secretCiphertext: "unused" },
    });
    const inbound = (over: { nextAttemptAt: Date; status?: "pending" | "processed" }) =>
      db().inboundEvent.create({
        data: { id: newId("ie"), accountId, integrationId: integration.id, eventType: "transaction.created", dedupeKey: newId("ie"), payload: {}, ...over },
      });
    const strandedInbound = await inbound({ nextAttemptAt: ago(10 * 60_000) });
    await inbound({ nextAttemptAt: ago(10 * 60_000), status: "processed" });
    await inbound({ nextAttemptAt: ago(1_000) });

    const send = mockInngestServer();
    const { result, error } = await new InngestTestEngine({ function: sweepDeliveries }).execute();
    expect(error).toBeUndefined();
    expect(result).toEqual({ deliveries: 2, inboundEvents: 1 });

    const events = sent(send);
    const announced = events.filter((e) => e.name === "hookrelay/delivery.requested").map((e) => e.data.delivery_id);
    expect(new Set(announced)).toEqual(new Set([stranded, staleLease]));
    for (const id of [justDue, leased, future, done, parked]) expect(announced).not.toContain(id);
    expect(events.find((e) => e.data.delivery_id === stranded)).toMatchObject({ data: { webhook_id: active } });
    expect(events.filter((e) => e.name === "hookrelay/inbound.received").map((e) => e.data)).toEqual([
      { inbound_event_id: strandedInbound.id, integration_id: integration.id },
    ]);
    // Deterministic ids: Inngest drops a repeat of the same row, attempt count and hour.
    expect(events.every((e) => e.id?.startsWith("sweep-"))).toBe(true);
  });

  it("is quiet when nothing is stranded: a delivery is stranded only once overdue by the grace period", async () => {
    const webhook = await createWebhook();
    const send = mockInngestServer();
    await db().delivery.updateMany({ where: { status: "pending" }, data: { status: "succeeded" } });
    await db().inboundEvent.updateMany({ where: { status: "pending" }, data: { status: "processed" } });
    await pendingDelivery(webhook, { nextAttemptAt: ago(STRANDED_AFTER_MS - 10_000) });

    const { result } = await new InngestTestEngine({ function: sweepDeliveries }).execute();
    expect(result).toEqual({ deliveries: 0, inboundEvents: 0 });
    expect(sent(send)).toEqual([]);
  });
});
