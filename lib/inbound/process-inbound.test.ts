import { createHmac } from "node:crypto";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { announceToInngest } from "@/inngest/announce-to-inngest";
import { inngest } from "@/inngest/client";
import { resetConfig } from "@/lib/config";
import { db } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { createDispatcher, type Dispatcher } from "@/lib/engine/dispatcher";
import { encryptSecret } from "@/lib/webhooks/secret-box";
import { api } from "@/test/api";
import { newAccount } from "@/test/fixtures";
import { eventually } from "@/test/receiver";
import { claimDueInboundEvents, INBOUND_LEASE_SECONDS } from "@/lib/inbound/due-inbound-event";
import { inboundWork } from "@/lib/engine/inbound-work";
import { processInboundEvent, validateInboundPayload } from "@/lib/inbound/process-inbound";

interface Integration {
  id: string;
  source_system: string;
  user_id: string;
  webhook_secret: string;
}

let key: string;
let accountId: string;
let counter = 0;
const dispatchers: Dispatcher[] = [];

beforeAll(async () => {
  const created = await newAccount();
  key = created.key;
  accountId = created.account.id;
});

afterEach(async () => {
  await Promise.all(dispatchers.splice(0).map((d) => d.stop()));
});

async function createIntegration(body: Record<string, unknown> = {}, apiKey = key): Promise<Integration> {
  const res = await api.post("/api/integrations", { source_system: "pawoon", user_id: `merchant-${++counter}`, ...body }, { key: apiKey });
  expect(res.status).toBe(201);
  return res.body.data;
}

/** Receives `payload` through the real receiver, signed as seed 000 does; returns the internal id. */
async function receive(integration: Integration, payload: unknown): Promise<string> {
  const raw = typeof payload === "string" ? payload : JSON.stringify(payload);
  const signature = "sha256=" + createHmac("sha256", Buffer.from(integration.webhook_secret, "utf8")).update(raw).digest("hex");
  const res = await api.post(`/v1/integrations/webhooks/${integration.source_system}/${integration.user_id}`, undefined, {
    rawBody: raw,
    headers: { "content-type": "application/json", "x-webhook-signature": signature },
  });
  expect(res.status).toBe(200);
  return res.body.internal_id;
}

/** A webhook of the account subscribed to `events` (made directly: this file tests inbound, not webhook validation). */
async function subscribe(events: string[], account = accountId) {
  return db().webhook.create({
    data: { id: newId("wh"), accountId: account, name: "downstream", url: "https://example.com/downstream", events, secretCiphertext: encryptSecret("whsec_downstream-secret-123"), ipWhitelist: [] },
  });
}

const inbound = (id: string) => db().inboundEvent.findUniqueOrThrow({ where: { id } });
/** Simulates the passage of time: the event's retry becomes due now. */
const makeDue = (id: string) => db().$executeRaw`UPDATE inbound_events SET next_attempt_at = now() - interval '1 second' WHERE id = ${id}`;

/** Claims due inbound events the way the dispatcher does and processes the one with `id`. */
async function runDue(id: string) {
  const owner = `test_${++counter}`;
  const claimed = await inboundWork.claim(owner, 100, []);
  const mine = claimed.find((c) => c.id === id);
  for (const other of claimed.filter((c) => c.id !== id)) await inboundWork.release(other, owner);
  if (mine) await inboundWork.run(mine, owner);
  return Boolean(mine);
}

describe("processing", () => {
  it("marks a valid event processed after one attempt", async () => {
    const integration = await createIntegration();
    const id = await receive(integration, { event: "transaction.created", data: { transaction_id: "trx_1", total: 150000 } });
    const result = await processInboundEvent(id);
    expect(result).toMatchObject({ id, state: "processed", attempts: 1 });
    expect(await inbound(id)).toMatchObject({ status: "processed", attempts: 1, lastError: null, nextAttemptAt: null, leaseOwner: null });
    expect((await inbound(id)).processedAt).toBeInstanceOf(Date);
    // Final: a second run does nothing.
    expect(await processInboundEvent(id)).toBeNull();

    const read = await api.get(`/api/integrations/${integration.id}`, { key });
    expect(read.body.data.stats).toEqual({ received: 1, processed: 1, pending: 0, dead: 0 });
  });

  it.each([
    ["transaction.updated", { id: "trx_2" }],
    ["transaction.voided", { transaction_id: 991 }],
    ["invoice.paid", { invoice_id: "inv_1042" }],
    ["payment.received", { payment_id: "pay_789" }],
    ["payment.received", { id: "pay_790" }],
  ])("accepts a %s payload carrying its id", (event, data) => {
    expect(validateInboundPayload(event, { event, data })).toEqual(data);
  });

  it.each([
    ["transaction.created", { event: "transaction.created" }, "data"],
    ["transaction.created", { event: "transaction.created", data: [1, 2] }, "`data` must be a JSON object"],
    ["transaction.created", { event: "transaction.created", data: { total: 5 } }, "data.transaction_id"],
    ["invoice.paid", { event: "invoice.paid", data: { invoice_id: "" } }, "data.invoice_id"],
    ["payment.received", { event: "payment.received", data: { payment_id: { nested: 1 } } }, "data.payment_id"],
  ])("refuses a %s payload that lacks what it needs, saying what", (event, payload, mention) => {
    expect(() => validateInboundPayload(event, payload)).toThrow(mention);
  });

  it("retries an invalid payload after 1, 5 and 15 minutes, then dead-letters it", async () => {
    const integration = await createIntegration();
    const id = await receive(integration, { event: "transaction.created", data: { total: 5 } });

    for (const [attempt, delaySeconds] of [
      [1, 60],
      [2, 300],
      [3, 900],
    ]) {
      const before = Date.now();
      expect(await runDue(id)).toBe(true);
      const row = await inbound(id);
      expect(row).toMatchObject({ status: "pending", attempts: attempt, leaseOwner: null });
      expect(row.lastError).toContain("data.transaction_id");
      const delay = row.nextAttemptAt!.getTime() - before;
      expect(delay).toBeGreaterThanOrEqual(delaySeconds * 1000 - 1000);
      expect(delay).toBeLessThanOrEqual(delaySeconds * 1000 + 2000);
      // Not due yet: the dispatcher leaves it alone.
      expect(await runDue(id)).toBe(false);
      await makeDue(id);
    }

    expect(await runDue(id)).toBe(true);
    const dead = await inbound(id);
    expect(dead).toMatchObject({ status: "dead", attempts: 4, nextAttemptAt: null });
    expect(dead.deadAt).toBeInstanceOf(Date);
    expect(dead.lastError).toContain("retries exhausted after 4 attempts");

    const listed = await api.get(`/api/integrations/${integration.id}/events?status=dead`, { key });
    expect(listed.body.data).toHaveLength(1);
    expect(listed.body.data[0]).toMatchObject({ id, status: "dead", attempts: 4, next_attempt_at: null, dead_at: dead.deadAt!.toISOString() });
    expect(listed.body.data[0].last_error).toContain("data.transaction_id");
  });

  it("replays a dead event with a fresh retry budget; a payload that is still invalid fails again", async () => {
    const integration = await createIntegration();
    const id = await receive(integration, { event: "invoice.paid", data: { amount_paid: 1 } });
    await db().inboundEvent.update({ where: { id }, data: { status: "dead", attempts: 4, deadAt: new Date(), nextAttemptAt: null } });

    const replay = await api.post(`/api/integrations/${integration.id}/replay`, { event_id: id }, { key });
    expect(replay.status).toBe(200);
    expect(replay.body.data).toEqual({ replayed: 1, event_ids: [id] });
    const queued = await inbound(id);
    expect(queued).toMatchObject({ status: "pending", attempts: 0 });
    expect(queued.replayedAt).toBeInstanceOf(Date);
    expect(queued.nextAttemptAt!.getTime()).toBeLessThanOrEqual(Date.now());

    expect(await runDue(id)).toBe(true);
    expect(await inbound(id)).toMatchObject({ status: "pending", attempts: 1 });
  });

  it("replays every dead event since a time, or all dead events when given nothing", async () => {
    const integration = await createIntegration();
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await receive(integration, { event: "invoice.paid", data: { invoice_id: `inv_${i}` } }));
    const longAgo = new Date(Date.now() - 3 * 3600_000);
    await db().inboundEvent.update({ where: { id: ids[0] }, data: { status: "dead", deadAt: longAgo, nextAttemptAt: null } });
    await db().inboundEvent.updateMany({ where: { id: { in: [ids[1], ids[2]] } }, data: { status: "dead", deadAt: new Date(), nextAttemptAt: null } });

    const since = await api.post(`/api/integrations/${integration.id}/replay`, { since: new Date(Date.now() - 3600_000).toISOString() }, { key });
    expect(since.body.data.replayed).toBe(2);
    expect(since.body.data.event_ids.sort()).toEqual([ids[1], ids[2]].sort());

    const all = await api.post(`/api/integrations/${integration.id}/replay`, undefined, { key });
    expect(all.body.data).toEqual({ replayed: 1, event_ids: [ids[0]] });
    expect(await db().inboundEvent.count({ where: { id: { in: ids }, status: "pending" } })).toBe(3);
  });
});

describe("forward_as", () => {
  it("publishes the processed event, once, to the account's webhooks subscribed to its type", async () => {
    const { account, key: own } = await newAccount();
    const webhook = await subscribe(["transaction.*"], account.id);
    const unrelated = await subscribe(["invoice.*"], account.id);
    const integration = await createIntegration({ forward_as: "pos" }, own);
    const id = await receive(integration, { event: "transaction.created", data: { transaction_id: "trx_fwd", total: 150000 } });

    expect(await processInboundEvent(id)).toMatchObject({ state: "processed" });
    const event = await db().event.findUniqueOrThrow({ where: { accountId_externalId: { accountId: account.id, externalId: `inbound_${id}` } }, include: { deliveries: true } });
    expect(event.type).toBe("transaction.created");
    expect(event.data).toEqual({
      transaction_id: "trx_fwd",
      total: 150000,
      _source: { source_system: "pawoon", user_id: integration.user_id, integration_id: integration.id, forward_as: "pos" },
    });
    expect(event.deliveries.map((d) => d.webhookId)).toEqual([webhook.id]);
    expect(event.deliveries.map((d) => d.webhookId)).not.toContain(unrelated.id);

    // Processing it again (a crash after publishing, a replay) publishes nothing new.
    await db().inboundEvent.update({ where: { id }, data: { status: "pending", nextAttemptAt: new Date() } });
    expect(await processInboundEvent(id)).toMatchObject({ state: "processed" });
    expect(await db().event.count({ where: { accountId: account.id } })).toBe(1);
    expect(await db().delivery.count({ where: { accountId: account.id } })).toBe(1);
  });

  it("publishes nothing when forward_as is not set", async () => {
    const { account, key: own } = await newAccount();
    await subscribe(["*"], account.id);
    const integration = await createIntegration({}, own);
    const id = await receive(integration, { event: "payment.received", data: { payment_id: "pay_1" } });
    expect(await processInboundEvent(id)).toMatchObject({ state: "processed" });
    expect(await db().event.count({ where: { accountId: account.id } })).toBe(0);
  });

  it("retries when publishing fails, and forwards once the database accepts events again", async () => {
    const { account, key: own } = await newAccount();
    await subscribe(["payment.*"], account.id);
    const integration = await createIntegration({ forward_as: "payments" }, own);
    const id = await receive(integration, { event: "payment.received", data: { payment_id: "pay_2" } });

    // A real failure of the outbound side: the events table refuses inserts for a while.
    await db().$executeRawUnsafe(`CREATE FUNCTION refuse_events() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'events are read-only for maintenance'; END $$`);
    await db().$executeRawUnsafe(`CREATE TRIGGER refuse_events BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION refuse_events()`);
    try {
      expect(await runDue(id)).toBe(true);
    } finally {
      await db().$executeRawUnsafe(`DROP TRIGGER refuse_events ON events`);
      await db().$executeRawUnsafe(`DROP FUNCTION refuse_events()`);
    }
    const failed = await inbound(id);
    expect(failed).toMatchObject({ status: "pending", attempts: 1 });
    expect(failed.lastError).toContain("read-only for maintenance");

    await makeDue(id);
    expect(await runDue(id)).toBe(true);
    expect(await inbound(id)).toMatchObject({ status: "processed", attempts: 2, lastError: null });
    expect(await db().event.count({ where: { accountId: account.id, externalId: `inbound_${id}` } })).toBe(1);
  });

  it("dead-letters an event too large to forward; after forwarding is turned off a replay processes it", async () => {
    const { account, key: own } = await newAccount();
    await subscribe(["transaction.*"], account.id);
    const integration = await createIntegration({ forward_as: "pos" }, own);
    // Fits the receiver's 256 KB, but not once `_source` is added to `data`.
    const shell = JSON.stringify({ event: "transaction.created", data: { transaction_id: "trx_huge", blob: "" } });
    const raw = shell.replace('"blob":""', `"blob":"${"x".repeat(256 * 1024 - Buffer.byteLength(shell))}"`);
    const id = await receive(integration, raw);

    for (let i = 0; i < 4; i++) {
      await makeDue(id);
      expect(await runDue(id)).toBe(true);
    }
    const dead = await inbound(id);
    expect(dead.status).toBe("dead");
    expect(dead.lastError).toContain("forwarding as an outbound event failed: event data is larger than 256 KB");
    expect(await db().event.count({ where: { accountId: account.id } })).toBe(0);

    await api.patch(`/api/integrations/${integration.id}`, { forward_as: null }, { key: own });
    const replay = await api.post(`/api/integrations/${integration.id}/replay`, { event_id: id }, { key: own });
    expect(replay.body.data.event_ids).toEqual([id]);
    expect(await runDue(id)).toBe(true);
    expect(await inbound(id)).toMatchObject({ status: "processed", attempts: 1, lastError: null });
  });
});

describe("the inbound work source", () => {
  it("leases each due event to one claimer, skips saturated integrations and gives back what it releases", async () => {
    const a = await createIntegration();
    const b = await createIntegration();
    const fromA = await receive(a, { event: "invoice.paid", data: { invoice_id: "a1" } });
    const fromB = await receive(b, { event: "invoice.paid", data: { invoice_id: "b1" } });

    const skipped = await claimDueInboundEvents("owner-x", 100, [a.id]);
    expect(skipped.map((e) => e.id)).toContain(fromB);
    expect(skipped.map((e) => e.id)).not.toContain(fromA);
    expect(skipped.find((e) => e.id === fromB)).toMatchObject({ integrationId: b.id, eventType: "invoice.paid", attempts: 0, sourceSystem: "pawoon", userId: b.user_id, forwardAs: null });
    expect(skipped.find((e) => e.id === fromB)!.payload).toEqual({ event: "invoice.paid", data: { invoice_id: "b1" } });
    expect(inboundWork.group(skipped.find((e) => e.id === fromB)!)).toBe(b.id);

    const [first, second] = await Promise.all([claimDueInboundEvents("owner-y", 100), claimDueInboundEvents("owner-z", 100)]);
    const claimedNow = [...first, ...second].map((e) => e.id);
    expect(claimedNow).toContain(fromA);
    expect(claimedNow).not.toContain(fromB); // still leased to owner-x
    expect(new Set(claimedNow).size).toBe(claimedNow.length);

    const row = await inbound(fromB);
    expect(row.leaseOwner).toBe("owner-x");
    expect(row.leaseExpiresAt!.getTime() - Date.now()).toBeGreaterThan((INBOUND_LEASE_SECONDS - 5) * 1000);
    // A lease holder that is not the owner cannot process it.
    expect(await processInboundEvent(fromB)).toBeNull();

    await inboundWork.release(skipped.find((e) => e.id === fromB)!, "owner-x");
    expect((await inbound(fromB)).leaseOwner).toBeNull();
    for (const e of first) await inboundWork.release(e, "owner-y");
    for (const e of second) await inboundWork.release(e, "owner-z");
  });

  it("reclaims an event whose lease expired (its processor died)", async () => {
    const integration = await createIntegration();
    const id = await receive(integration, { event: "invoice.paid", data: { invoice_id: "crash" } });
    const claimed = await claimDueInboundEvents("doomed", 100);
    expect(claimed.map((e) => e.id)).toContain(id);
    await db().$executeRaw`UPDATE inbound_events SET lease_expires_at = now() - interval '1 second' WHERE id = ${id}`;
    expect(await runDue(id)).toBe(true);
    expect(await inbound(id)).toMatchObject({ status: "processed", attempts: 1 });
  });

  it("reports when the next retry is due", async () => {
    const integration = await createIntegration();
    const id = await receive(integration, { event: "invoice.paid", data: { invoice_id: "later" } });
    // Park everything else so only this event counts.
    await db().inboundEvent.updateMany({ where: { status: "pending", id: { not: id } }, data: { status: "processed" } });
    const at = new Date(Date.now() + 120_000);
    await db().inboundEvent.update({ where: { id }, data: { nextAttemptAt: at } });
    expect((await inboundWork.nextDueAt())?.getTime()).toBe(at.getTime());
    await db().inboundEvent.update({ where: { id }, data: { status: "processed" } });
    expect(await inboundWork.nextDueAt()).toBeNull();
  });

  it("is processed by the embedded dispatcher as soon as it is received (the receiver's NOTIFY wakes it)", async () => {
    const dispatcher = createDispatcher([inboundWork], { maxIdleMs: 60_000 });
    await dispatcher.start();
    dispatchers.push(dispatcher);
    await new Promise((r) => setTimeout(r, 200)); // let the first look at the tables finish
    const integration = await createIntegration();
    const id = await receive(integration, { event: "transaction.voided", data: { transaction_id: "trx_v" } });
    await eventually(async () => (await inbound(id)).status === "processed", 5_000);
  });
});

describe("in Inngest mode", () => {
  it("announces a received event, the deliveries of a forwarded one and a replay to Inngest", async () => {
    const { account, key: own } = await newAccount();
    await subscribe(["invoice.*"], account.id);
    const integration = await createIntegration({ forward_as: "books" }, own);
    process.env.DELIVERY_ENGINE = "inngest";
    resetConfig();
    announceToInngest();
    const send = vi.spyOn(inngest, "send").mockResolvedValue({ ids: [] });
    try {
      const id = await receive(integration, { event: "invoice.paid", data: { invoice_id: "inv_inngest" } });
      const sent = () => send.mock.calls.flatMap(([events]) => (Array.isArray(events) ? events : [events])) as { name: string; data: Record<string, string> }[];
      expect(sent()).toEqual([expect.objectContaining({ name: "hookrelay/inbound.received", data: { inbound_event_id: id, integration_id: integration.id } })]);

      expect(await processInboundEvent(id)).toMatchObject({ state: "processed" });
      const delivery = await db().delivery.findFirstOrThrow({ where: { accountId: account.id } });
      expect(sent()[1]).toMatchObject({ name: "hookrelay/delivery.requested", data: { delivery_id: delivery.id } });

      await db().inboundEvent.update({ where: { id }, data: { status: "dead", deadAt: new Date() } });
      await api.post(`/api/integrations/${integration.id}/replay`, {}, { key: own });
      expect(sent()[2]).toMatchObject({ name: "hookrelay/inbound.received", data: { inbound_event_id: id } });
      expect(sent()).toHaveLength(3);
    } finally {
      send.mockRestore();
      delete process.env.DELIVERY_ENGINE;
      resetConfig();
    }
  });
});
