// Seeds 002 and 003 as their integrators would try them against /api/webhooks (seed 002's
// `/webhooks` is our `/api/webhooks`): every example body is copied from the seed verbatim.
// The answers keep Hookrelay's envelope (DESIGN.md decides); seed 003's own dialect is tested in
// app/api/v1/webhooks/auraconnect-api.test.ts.
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api } from "@/test/api";
import { newAccount } from "@/test/fixtures";
import { startReceiver, type Receiver } from "@/test/receiver";

// ---- Seed 002's example bodies, verbatim ----
const SEED_002_CREATE = `{
  "url": "https://your-app.com/webhooks/handler",
  "events": ["user.created", "order.completed"],
  "description": "Production webhook for user events",
  "secret": "your-webhook-secret"
}`;
const SEED_002_UPDATE = `{
  "events": ["user.created", "user.updated", "order.completed"],
  "status": "active"
}`;
const SEED_002_TEST = `{
  "event": "user.created"
}`;

// ---- Seed 003's example bodies, verbatim ----
const SEED_003_REGISTER = `{
  "url": "https://your-app.com/webhooks/auraconnect",
  "events": ["order.created", "order.updated", "payment.completed"],
  "secret": "your-webhook-secret",
  "active": true,
  "description": "Production webhook endpoint"
}`;
const SEED_003_UPDATE = `{
  "events": ["order.created", "order.updated"],
  "active": true
}`;

// Seed 002, "Node.js Example", verbatim.
function verifyWebhookSignature(payload: string, signature: string, secret: string) {
  const expectedSignature = crypto
    .createHmac('sha256', secret)
    .update(payload, 'utf8')
    .digest('hex');
  
  const providedSignature = signature.replace('sha256=', '');
  
  return crypto.timingSafeEqual(
    Buffer.from(expectedSignature, 'hex'),
    Buffer.from(providedSignature, 'hex')
  );
}

let key: string;
let receiver: Receiver;

beforeAll(async () => {
  ({ key } = await newAccount());
  receiver = await startReceiver(200);
});

afterAll(async () => {
  await receiver?.close();
});

describe("seed 002 against /api/webhooks", () => {
  it("creates, lists, updates (partial PUT with status), test-sends and deletes with the seed's bodies", async () => {
    const created = await api.post("/api/webhooks", JSON.parse(SEED_002_CREATE), { key });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.data.id;
    expect(created.body.data).toMatchObject({
      name: "your-app.com",
      url: "https://your-app.com/webhooks/handler",
      events: ["user.created", "order.completed"],
      description: "Production webhook for user events",
      is_active: true,
    });

    const listed = await api.get("/api/webhooks", { key });
    expect(listed.body.data.map((w: { id: string }) => w.id)).toContain(id);

    // Point it at a local receiver with seed 002's signature format, then the seed's own update.
    await api.patch(`/api/webhooks/${id}`, { url: receiver.url, signature_profile: "sha256", is_active: false }, { key });
    const updated = await api.put(`/api/webhooks/${id}`, JSON.parse(SEED_002_UPDATE), { key });
    expect(updated.status).toBe(200);
    expect(updated.body.data).toMatchObject({
      url: receiver.url,
      events: ["user.created", "user.updated", "order.completed"],
      is_active: true,
      description: "Production webhook for user events",
      signature_profile: "sha256",
    });

    const before = receiver.requests.length;
    const tested = await api.post(`/api/webhooks/${id}/test`, JSON.parse(SEED_002_TEST), { key });
    expect(tested.status).toBe(200);
    expect(tested.body.data).toMatchObject({ event: "user.created", status: "succeeded", response_code: 200 });
    const [request] = (await receiver.waitFor(before + 1)).slice(before);
    expect(verifyWebhookSignature(request.body, String(request.headers["x-webhook-signature"]), "your-webhook-secret")).toBe(true);
    expect(JSON.parse(request.body)).toMatchObject({ event: "user.created", data: expect.any(Object) });

    expect((await api.delete(`/api/webhooks/${id}`, { key })).status).toBe(204);
    expect((await api.get(`/api/webhooks/${id}`, { key })).status).toBe(404);
  });

  it("a PUT with `status: \"inactive\"` disables the webhook and nothing else", async () => {
    const { id } = (await api.post("/api/webhooks", JSON.parse(SEED_002_CREATE), { key })).body.data;
    const res = await api.put(`/api/webhooks/${id}`, { status: "inactive" }, { key });
    expect(res.body.data).toMatchObject({ is_active: false, url: "https://your-app.com/webhooks/handler", events: ["user.created", "order.completed"] });
  });
});

describe("seed 003's bodies against /api/webhooks", () => {
  it("registers without a name and updates with a partial PUT using `active`", async () => {
    const created = await api.post("/api/webhooks", JSON.parse(SEED_003_REGISTER), { key });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.data).toMatchObject({ name: "your-app.com", is_active: true, description: "Production webhook endpoint" });
    const id = created.body.data.id;
    await api.patch(`/api/webhooks/${id}`, { is_active: false }, { key });
    const updated = await api.put(`/api/webhooks/${id}`, JSON.parse(SEED_003_UPDATE), { key });
    expect(updated.status).toBe(200);
    expect(updated.body.data).toMatchObject({
      url: "https://your-app.com/webhooks/auraconnect",
      events: ["order.created", "order.updated"],
      is_active: true,
      description: "Production webhook endpoint",
    });
  });
});
