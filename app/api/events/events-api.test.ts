import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import type { DeliveryStatus } from "@/lib/generated/prisma/client";
import { processInboundEvent } from "@/lib/inbound/process-inbound";
import { encryptSecret } from "@/lib/webhooks/secret-box";
import { api } from "@/test/api";
import { newAccount } from "@/test/fixtures";

interface Summary {
  id: string;
  external_id: string | null;
  type: string;
  created_at: string;
  deliveries: { total: number; succeeded: number; pending: number; dead: number };
}

/** A webhook of the account (made directly: this file tests the event browser, not webhook validation). */
async function webhookOf(accountId: string, name: string, events = ["*"]) {
  return db().webhook.create({
    data: { id: newId("wh"), accountId, name, url: `https://example.com/${name}`, events, secretCiphertext: encryptSecret("whsec_browser-secret-123"), ipWhitelist: [] },
  });
}

async function publish(key: string, type: string, id?: string) {
  const res = await api.post("/api/events", { type, data: { n: 1 }, ...(id ? { id } : {}) }, { key });
  expect(res.status).toBe(202);
  const event = await db().event.findFirstOrThrow({ where: { OR: [{ id: res.body.data.id }, { externalId: res.body.data.id }] } });
  return { id: event.id, deliveries: res.body.data.deliveries as { id: string; webhook_id: string }[] };
}

/** Moves a delivery to `status` as the engine would leave it (a dead one gets its dead letter). */
async function settle(deliveryId: string, status: DeliveryStatus) {
  const d = await db().delivery.update({ where: { id: deliveryId }, data: { status, attempts: 1, nextAttemptAt: status === "pending" ? new Date() : null, responseCode: status === "succeeded" ? 200 : 500 }, include: { event: true } });
  if (status === "dead") {
    await db().deadLetter.create({ data: { id: newId("fail"), accountId: d.accountId, webhookId: d.webhookId, deliveryId: d.id, eventId: d.eventId, eventType: d.event.type, reason: "http 500" } });
  }
}

async function listIds(key: string, query = "") {
  const res = await api.get(`/api/events${query}`, { key });
  expect(res.status).toBe(200);
  return (res.body.data as Summary[]).map((e) => e.id);
}

/** An account with webhooks A and B and three events: delivered to both, pending at B, dead at A. */
async function threeEvents() {
  const { account, key } = await newAccount();
  const a = await webhookOf(account.id, "a", ["order.*"]);
  const b = await webhookOf(account.id, "b", ["order.*"]);
  const delivered = await publish(key, "order.created", `ord-${newId("evt")}`);
  const pending = await publish(key, "order.updated");
  const failed = await publish(key, "order.created");
  const at = (e: { deliveries: { id: string; webhook_id: string }[] }, w: { id: string }) => e.deliveries.find((d) => d.webhook_id === w.id)!.id;
  await settle(at(delivered, a), "succeeded");
  await settle(at(delivered, b), "succeeded");
  await settle(at(pending, a), "succeeded");
  await settle(at(failed, a), "dead");
  await settle(at(failed, b), "succeeded");
  return { account, key, a, b, delivered, pending, failed };
}

describe("GET /api/events", () => {
  it("lists the account's events newest first with their fan-out counts", async () => {
    const { key, delivered, pending, failed } = await threeEvents();
    const res = await api.get("/api/events", { key });
    expect(res.status).toBe(200);
    expect(res.body.next_cursor).toBeNull();
    const items = res.body.data as Summary[];
    expect(items.map((e) => e.id)).toEqual([failed.id, pending.id, delivered.id]);
    expect(items[0]).toMatchObject({ type: "order.created", external_id: null, deliveries: { total: 2, succeeded: 1, pending: 0, dead: 1 } });
    expect(items[1].deliveries).toEqual({ total: 2, succeeded: 1, pending: 1, dead: 0 });
    expect(items[2].external_id).toMatch(/^ord-/);
    expect(items[2].deliveries).toEqual({ total: 2, succeeded: 2, pending: 0, dead: 0 });
  });

  it("filters by status: delivered (all succeeded), pending (any pending), failed (any dead)", async () => {
    const { key, delivered, pending, failed } = await threeEvents();
    // An event no webhook subscribes to has no deliveries: it is none of the three.
    expect((await publish(key, "customer.created")).deliveries).toEqual([]);
    expect(await listIds(key, "?status=delivered")).toEqual([delivered.id]);
    expect(await listIds(key, "?status=pending")).toEqual([pending.id]);
    expect(await listIds(key, "?status=failed")).toEqual([failed.id]);
  });

  it("with a webhook_id, lists the events sent to it and judges their status by its deliveries alone", async () => {
    const { account, key, a, b, delivered, pending, failed } = await threeEvents();
    const c = await webhookOf(account.id, "c", ["customer.*"]);
    const toC = await publish(key, "customer.created");
    expect(await listIds(key, `?webhook_id=${c.id}`)).toEqual([toC.id]);
    expect(await listIds(key, `?webhook_id=${a.id}`)).toEqual([failed.id, pending.id, delivered.id]);
    expect(await listIds(key, `?webhook_id=${b.id}&status=delivered`)).toEqual([failed.id, delivered.id]);
    expect(await listIds(key, `?webhook_id=${a.id}&status=delivered`)).toEqual([pending.id, delivered.id]);
    expect(await listIds(key, `?webhook_id=${b.id}&status=failed`)).toEqual([]);
    expect(await listIds(key, `?webhook_id=${b.id}&status=pending`)).toEqual([pending.id]);
  });

  it("filters by type and by time: since inclusive, until exclusive", async () => {
    const { key, delivered, pending, failed } = await threeEvents();
    expect(await listIds(key, "?type=order.created")).toEqual([failed.id, delivered.id]);
    const times = ["2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"];
    for (const [i, e] of [delivered, pending, failed].entries()) await db().event.update({ where: { id: e.id }, data: { createdAt: new Date(times[i]) } });
    expect(await listIds(key, `?since=${times[1]}`)).toEqual([failed.id, pending.id]);
    expect(await listIds(key, `?until=${times[1]}`)).toEqual([delivered.id]);
    expect(await listIds(key, `?since=2026-01-01T12:00:00Z&until=2026-01-02T12:00:00%2B00:00`)).toEqual([pending.id]);
    expect(await listIds(key, `?since=${times[0]}&type=order.updated`)).toEqual([pending.id]);
  });

  it("pages with a keyset cursor: every event once, in order, even when several share a created_at", async () => {
    const { account, key } = await newAccount();
    await webhookOf(account.id, "a");
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await publish(key, "order.created")).id);
    // Three of them in the same millisecond: the id breaks the tie.
    await db().event.updateMany({ where: { id: { in: ids.slice(2, 5) } }, data: { createdAt: new Date("2026-03-01T10:00:00.000Z") } });
    const expected = (await db().event.findMany({ where: { accountId: account.id }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] })).map((e) => e.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: { status: number; body: { data: Summary[]; next_cursor: string | null } } = await api.get(`/api/events?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { key });
      expect(res.status).toBe(200);
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...(res.body.data as Summary[]).map((e) => e.id));
      cursor = res.body.next_cursor;
      pages += 1;
    } while (cursor);
    expect(seen).toEqual(expected);
    expect(pages).toBe(4);
  });

  it.each([
    ["an unknown status", "?status=dead", "status"],
    ["a limit of 0", "?limit=0", "limit"],
    ["a limit over 100", "?limit=101", "limit"],
    ["a since that is not a time", "?since=yesterday", "since"],
    ["an until before since", "?since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z", "until"],
    ["a made-up cursor", "?cursor=bm90LWEtY3Vyc29y", "cursor"],
  ])("refuses %s with 422", async (_name, query, path) => {
    const { key } = await newAccount();
    const res = await api.get(`/api/events${query}`, { key });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ success: false, code: "validation_error" });
    expect(res.body.details.map((d: { path: string }) => d.path)).toContain(path);
  });

  it("answers 404 for another account's webhook_id, and never lists another account's events", async () => {
    const mine = await threeEvents();
    const theirs = await threeEvents();
    const res = await api.get(`/api/events?webhook_id=${theirs.a.id}`, { key: mine.key });
    expect(res.status).toBe(404);
    const listed = await listIds(mine.key, "?limit=100");
    expect(listed).toHaveLength(3);
    for (const e of [theirs.delivered, theirs.pending, theirs.failed]) expect(listed).not.toContain(e.id);
    expect(await listIds(mine.key, "?status=failed")).toEqual([mine.failed.id]);
  });
});

describe("GET /api/events/{id}", () => {
  it("finds an event by the publisher's id and shows each delivery's webhook, last response and dead letter", async () => {
    const { key, a, b, failed } = await threeEvents();
    await db().event.update({ where: { id: failed.id }, data: { externalId: "pos-order-77" } });
    const dead = failed.deliveries.find((d) => d.webhook_id === a.id)!;
    await db().attempt.create({
      data: {
        id: newId("att"), accountId: (await db().webhook.findUniqueOrThrow({ where: { id: a.id } })).accountId, deliveryId: dead.id, webhookId: a.id, eventId: failed.id,
        eventType: "order.created", attemptNumber: 1, status: "failed", responseCode: 500, responseTimeMs: 42, errorClass: "http_status", requestHeaders: {},
      },
    });

    const res = await api.get("/api/events/pos-order-77", { key });
    expect(res.status).toBe(200);
    const event = res.body.data;
    expect(event).toMatchObject({ id: failed.id, external_id: "pos-order-77", type: "order.created", data: { n: 1 }, source: null });
    expect(event.deliveries).toHaveLength(2);
    const toA = event.deliveries.find((d: { webhook_id: string }) => d.webhook_id === a.id);
    expect(toA).toMatchObject({ webhook_name: "a", status: "dead", attempts: 1, response_code: 500, last_response: { code: 500, response_time_ms: 42, error: "http_status" } });
    expect(toA.dead_letter).toMatchObject({ reason: "http 500", replayed_at: null });
    expect(toA.dead_letter.id).toMatch(/^fail_/);
    const toB = event.deliveries.find((d: { webhook_id: string }) => d.webhook_id === b.id);
    expect(toB).toMatchObject({ webhook_name: "b", status: "succeeded", dead_letter: null, last_response: null });

    const byOwnId = await api.get(`/api/events/${failed.id}`, { key });
    expect(byOwnId.body.data.id).toBe(failed.id);
  });

  it("is 404 for another account's event, by either id", async () => {
    const mine = await threeEvents();
    const theirs = await threeEvents();
    const external = (await db().event.findUniqueOrThrow({ where: { id: theirs.delivered.id } })).externalId!;
    for (const id of [theirs.delivered.id, external]) {
      const res = await api.get(`/api/events/${encodeURIComponent(id)}`, { key: mine.key });
      expect(res.status).toBe(404);
      expect(res.body.code).toBe("not_found");
    }
  });
});

describe("lineage", () => {
  it("an event forwarded from an inbound event names its source, and the inbound event names the events it produced", async () => {
    const { account, key } = await newAccount();
    await webhookOf(account.id, "downstream", ["transaction.*"]);
    const created = await api.post("/api/integrations", { source_system: "pawoon", user_id: `lineage-${newId("int")}`, forward_as: "pos" }, { key });
    expect(created.status).toBe(201);
    const integration = created.body.data;
    const raw = JSON.stringify({ event: "transaction.created", data: { transaction_id: "trx_lineage" } });
    const signature = "sha256=" + createHmac("sha256", Buffer.from(integration.webhook_secret, "utf8")).update(raw).digest("hex");
    const received = await api.post(`/v1/integrations/webhooks/pawoon/${integration.user_id}`, undefined, {
      rawBody: raw,
      headers: { "content-type": "application/json", "x-webhook-signature": signature },
    });
    const inboundId = received.body.internal_id as string;
    expect(await processInboundEvent(inboundId)).toMatchObject({ state: "processed" });

    const [listed] = (await api.get("/api/events", { key })).body.data as Summary[];
    expect(listed).toMatchObject({ external_id: `inbound_${inboundId}`, type: "transaction.created", deliveries: { total: 1, pending: 1 } });
    const detail = await api.get(`/api/events/${listed.id}`, { key });
    expect(detail.body.data.source).toMatchObject({
      integration_id: integration.id,
      inbound_event_id: inboundId,
      integration_name: "pawoon",
      inbound_event: { event: "transaction.created", status: "processed" },
    });

    const inbound = await api.get(`/api/integrations/${integration.id}/events`, { key });
    expect(inbound.body.data[0]).toMatchObject({ id: inboundId, outbound_events: [{ id: listed.id, external_id: `inbound_${inboundId}`, type: "transaction.created" }] });
  });
});
