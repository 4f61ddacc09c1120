// Seed 003 (AuraConnect) as its integrator would try it: every example body below is copied
// from the seed verbatim and sent to /api/v1/webhooks…, and the answers have the seed's shapes.
import { createHmac, timingSafeEqual } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { api } from "@/test/api";
import { newAccount } from "@/test/fixtures";
import { startReceiver, type Receiver } from "@/test/receiver";

// ---- Seed 003's example bodies, verbatim ----
const SEED_REGISTER = `{
  "url": "https://your-app.com/webhooks/auraconnect",
  "events": ["order.created", "order.updated", "payment.completed"],
  "secret": "your-webhook-secret",
  "active": true,
  "description": "Production webhook endpoint"
}`;
const SEED_TEST = `{
  "webhook_id": "webhook_123",
  "event_type": "order.created"
}`;
const SEED_UPDATE = `{
  "events": ["order.created", "order.updated"],
  "active": true
}`;
const SEED_ALL_ORDER_EVENTS = `{
  "events": ["order.*"]
}`;
const SEED_SPECIFIC_EVENTS = `{
  "events": [
    "order.created",
    "payment.completed",
    "inventory.low_stock"
  ]
}`;
const SEED_RESTAURANT_SPECIFIC = `{
  "events": ["order.*"],
  "filters": {
    "restaurant_id": 1
  }
}`;
const SEED_DEBUG_MODE = `{
  "debug_mode": true
}`;

// Seed 003, "Verify Signatures", verbatim (JavaScript).
function verifyWebhookSignature(payload: string, signature: string, secret: string) {
  const expectedSignature = crypto
    .createHmac('sha256', secret)
    .update(payload)
    .digest('hex');
  
  return crypto.timingSafeEqual(
    Buffer.from(signature),
    Buffer.from(`sha256=${expectedSignature}`)
  );
}
const crypto = { createHmac, timingSafeEqual };

/** Seed 003's test body for a real webhook: only the id in it is ours. */
const seedTestBody = (webhookId: string) => JSON.parse(SEED_TEST.replace("webhook_123", webhookId));

const WEBHOOK_KEYS = ["active", "created_at", "events", "id", "secret", "url"];
const LOG_KEYS = ["attempts", "event_id", "event_type", "response_code", "response_time_ms", "status", "timestamp"];

let key: string;
let otherKey: string;
let receiver: Receiver;

beforeAll(async () => {
  ({ key } = await newAccount());
  ({ key: otherKey } = await newAccount());
  receiver = await startReceiver(200);
});

afterAll(async () => {
  await receiver?.close();
});

async function register(body: unknown = JSON.parse(SEED_REGISTER), as = key) {
  const res = await api.post("/api/v1/webhooks", body, { key: as });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; secret: string };
}

describe("POST /api/v1/webhooks", () => {
  it("registers the seed's example and answers the seed's bare object, the chosen secret masked", async () => {
    const res = await api.post("/api/v1/webhooks", JSON.parse(SEED_REGISTER), { key });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(WEBHOOK_KEYS);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^wh_/),
      url: "https://your-app.com/webhooks/auraconnect",
      events: ["order.created", "order.updated", "payment.completed"],
      secret: "webhook_secret_***",
      active: true,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/),
    });
    expect(JSON.stringify(res.body)).not.toContain("your-webhook-secret");
  });

  it("signs and retries as AuraConnect by default, named after the URL's host, on the same webhook as /api/webhooks", async () => {
    const { id } = await register();
    const same = await api.get(`/api/webhooks/${id}`, { key });
    expect(same.body.data).toMatchObject({
      name: "your-app.com",
      description: "Production webhook endpoint",
      signature_profile: "auraconnect",
      retry_policy: "auraconnect",
      is_active: true,
    });
  });

  it("takes Hookrelay's own options too (a profile chosen overrides the dialect's default)", async () => {
    const { id } = await register({ url: "https://example.com/x", events: ["order.*"], signature_profile: "sha256", name: "Mine", is_active: false });
    expect((await api.get(`/api/webhooks/${id}`, { key })).body.data).toMatchObject({ name: "Mine", signature_profile: "sha256", retry_policy: "auraconnect", is_active: false });
  });

  it("shows a generated secret once, in the answer that made it", async () => {
    const created = await register({ url: "https://example.com/generated", events: ["order.*"] });
    expect(created.secret).toMatch(/^whsec_/);
    const read = await api.get(`/api/v1/webhooks/${created.id}`, { key });
    expect(read.body.secret).toBe("webhook_secret_***");
    const row = await db().webhook.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.secretCiphertext).not.toContain(created.secret);
  });

  it.each([
    ["no url", { events: ["order.*"] }, "url"],
    ["an unknown event", { url: "https://example.com/x", events: ["order.exploded"] }, "events.0"],
    ["active and status disagreeing", { url: "https://example.com/x", events: ["*"], active: true, status: "inactive" }, "status"],
    ["an unknown field", { url: "https://example.com/x", events: ["*"], colour: "blue" }, ""],
  ])("refuses %s with 422 and Hookrelay's error envelope", async (_, body, path) => {
    const res = await api.post("/api/v1/webhooks", body, { key });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ success: false, code: "validation_error" });
    expect(res.body.details.map((d: { path: string }) => d.path)).toContain(path);
  });

  it("needs the same API key as the rest of the API", async () => {
    const res = await api.post("/api/v1/webhooks", JSON.parse(SEED_REGISTER));
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ success: false, code: "unauthorized" });
    expect((await api.get("/api/v1/webhooks")).status).toBe(401);
  });
});

describe("GET /api/v1/webhooks", () => {
  it("lists the account's webhooks as {webhooks, total}, secrets masked, nobody else's", async () => {
    const { key: fresh } = await newAccount();
    const first = await register(undefined, fresh);
    const second = await register({ url: "https://example.com/two", events: ["*"] }, fresh);
    await register(undefined, otherKey);
    const res = await api.get("/api/v1/webhooks", { key: fresh });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(["total", "webhooks"]);
    expect(res.body.total).toBe(2);
    expect(res.body.webhooks.map((w: { id: string }) => w.id)).toEqual([second.id, first.id]);
    for (const w of res.body.webhooks) {
      expect(Object.keys(w).sort()).toEqual(WEBHOOK_KEYS);
      expect(w.secret).toBe("webhook_secret_***");
    }
  });
});

describe("/api/v1/webhooks/{id}", () => {
  it("PUT with the seed's update body changes the events and keeps everything else", async () => {
    const { id } = await register();
    await api.put(`/api/v1/webhooks/${id}`, { active: false }, { key });
    const res = await api.put(`/api/v1/webhooks/${id}`, JSON.parse(SEED_UPDATE), { key });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, url: "https://your-app.com/webhooks/auraconnect", events: ["order.created", "order.updated"], active: true, secret: "webhook_secret_***" });
    expect((await api.get(`/api/webhooks/${id}`, { key })).body.data).toMatchObject({ description: "Production webhook endpoint", signature_profile: "auraconnect" });
  });

  it("PUT takes the seed's subscription, filter and debug-mode examples", async () => {
    const { id } = await register();
    expect((await api.put(`/api/v1/webhooks/${id}`, JSON.parse(SEED_ALL_ORDER_EVENTS), { key })).body.events).toEqual(["order.*"]);
    expect((await api.put(`/api/v1/webhooks/${id}`, JSON.parse(SEED_SPECIFIC_EVENTS), { key })).body.events).toEqual(["order.created", "payment.completed", "inventory.low_stock"]);
    expect((await api.put(`/api/v1/webhooks/${id}`, JSON.parse(SEED_RESTAURANT_SPECIFIC), { key })).status).toBe(200);
    expect((await api.put(`/api/v1/webhooks/${id}`, JSON.parse(SEED_DEBUG_MODE), { key })).status).toBe(200);
    expect((await api.get(`/api/webhooks/${id}`, { key })).body.data).toMatchObject({
      url: "https://your-app.com/webhooks/auraconnect",
      events: ["order.*"],
      filters: { restaurant_id: 1 },
      debug_mode: true,
      is_active: true,
    });
  });

  it("PUT returns a profile set to null to the dialect's default, auraconnect", async () => {
    const { id } = await register({ url: "https://example.com/x", events: ["*"], signature_profile: "standard", retry_policy: "template" });
    await api.put(`/api/v1/webhooks/${id}`, { signature_profile: null, retry_policy: null }, { key });
    expect((await api.get(`/api/webhooks/${id}`, { key })).body.data).toMatchObject({ signature_profile: "auraconnect", retry_policy: "auraconnect" });
  });

  it("PUT refuses a body with nothing to change and an empty event list", async () => {
    const { id } = await register();
    expect((await api.put(`/api/v1/webhooks/${id}`, {}, { key })).status).toBe(422);
    expect((await api.put(`/api/v1/webhooks/${id}`, { events: [] }, { key })).status).toBe(422);
  });

  it("DELETE removes it (204); afterwards GET, PUT and DELETE are 404", async () => {
    const { id } = await register();
    expect((await api.get(`/api/v1/webhooks/${id}`, { key })).status).toBe(200);
    expect((await api.delete(`/api/v1/webhooks/${id}`, { key })).status).toBe(204);
    for (const res of [
      await api.get(`/api/v1/webhooks/${id}`, { key }),
      await api.put(`/api/v1/webhooks/${id}`, JSON.parse(SEED_UPDATE), { key }),
      await api.delete(`/api/v1/webhooks/${id}`, { key }),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ success: false, code: "not_found" });
    }
  });
});

describe("POST /api/v1/webhooks/test and GET /api/v1/webhooks/{id}/logs", () => {
  it("delivers a correctly signed AuraConnect event to the receiver and logs it in the seed's shape", async () => {
    const { id } = await register();
    await api.put(`/api/v1/webhooks/${id}`, { url: receiver.url }, { key });
    const before = receiver.requests.length;

    const res = await api.post("/api/v1/webhooks/test", seedTestBody(id), { key });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ webhook_id: id, event_type: "order.created", status: "success", attempts: 1, response_code: 200, error: null });

    const [request] = (await receiver.waitFor(before + 1)).slice(before);
    const headers = request.headers;
    expect(verifyWebhookSignature(request.body, String(headers["x-auraconnect-signature"]), "your-webhook-secret")).toBe(true);
    expect(verifyWebhookSignature(request.body, String(headers["x-auraconnect-signature"]), "another-secret-000")).toBe(false);
    const body = JSON.parse(request.body);
    expect(Object.keys(body)).toEqual(["id", "type", "created", "data"]);
    expect(body).toMatchObject({ id: res.body.event_id, type: "order.created", data: { object: expect.any(Object) } });
    expect(headers).toMatchObject({
      "x-auraconnect-event": "order.created",
      "x-auraconnect-event-id": res.body.event_id,
      "x-auraconnect-webhook-id": id,
      "content-type": "application/json",
    });
    expect(Math.abs(Number(headers["x-auraconnect-timestamp"]) - Date.now() / 1000)).toBeLessThan(60);

    const logs = await api.get(`/api/v1/webhooks/${id}/logs`, { key });
    expect(logs.status).toBe(200);
    expect(Object.keys(logs.body)).toEqual(["logs"]);
    expect(logs.body.logs).toHaveLength(1);
    expect(Object.keys(logs.body.logs[0]).sort()).toEqual(LOG_KEYS);
    expect(logs.body.logs[0]).toMatchObject({ event_id: res.body.event_id, event_type: "order.created", status: "success", attempts: 1, response_code: 200 });
    expect(logs.body.logs[0].response_time_ms).toEqual(expect.any(Number));
  });

  it("a failed test is logged as failed, and retried on AuraConnect's schedule (10 s first)", async () => {
    const failing = await startReceiver(500);
    try {
      const { id } = await register({ ...JSON.parse(SEED_REGISTER), url: failing.url });
      const res = await api.post("/api/v1/webhooks/test", seedTestBody(id), { key });
      expect(res.body).toMatchObject({ status: "failed", attempts: 1, response_code: 500, error: "http_status" });
      const [delivery] = (await api.get(`/api/webhooks/${id}/deliveries`, { key })).body.data;
      const wait = Date.parse(delivery.next_attempt_at) - Date.parse(delivery.last_attempt_at);
      expect(wait).toBeGreaterThanOrEqual(9_000);
      expect(wait).toBeLessThanOrEqual(11_000);

      const logs = await api.get(`/api/v1/webhooks/${id}/logs?status=failed`, { key });
      expect(logs.body.logs).toEqual([expect.objectContaining({ status: "failed", response_code: 500, attempts: 1 })]);
      expect((await api.get(`/api/v1/webhooks/${id}/logs?status=success`, { key })).body.logs).toEqual([]);
      expect((await api.get(`/api/v1/webhooks/${id}/logs?status=succeeded`, { key })).status).toBe(422);
    } finally {
      await failing.close();
    }
  });

  it("refuses an unknown event type on `event_type`, an unknown webhook with 404, and another account's webhook with 404", async () => {
    const { id } = await register({ ...JSON.parse(SEED_REGISTER), url: receiver.url });
    const unknownType = await api.post("/api/v1/webhooks/test", { webhook_id: id, event_type: "order.exploded" }, { key });
    expect(unknownType.status).toBe(422);
    expect(unknownType.body.details).toEqual([{ path: "event_type", message: expect.any(String) }]);
    expect((await api.post("/api/v1/webhooks/test", JSON.parse(SEED_TEST), { key })).status).toBe(404);

    const before = receiver.requests.length;
    const stolen = await api.post("/api/v1/webhooks/test", seedTestBody(id), { key: otherKey });
    expect(stolen.status).toBe(404);
    expect(stolen.body).toMatchObject({ success: false, code: "not_found" });
    expect((await api.get(`/api/v1/webhooks/${id}/logs`, { key: otherKey })).status).toBe(404);
    expect(receiver.requests.length).toBe(before);
    expect(await db().delivery.count({ where: { webhookId: id } })).toBe(0);
  });
});
