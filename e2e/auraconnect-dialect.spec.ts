// Seed 003's own API through the real server and Next.js's router: `/api/v1/webhooks/test` is a
// route of its own beside `/api/v1/webhooks/{id}`, and a delivery arrives signed as AuraConnect.
import { createHmac } from "node:crypto";
import { expect, test } from "@playwright/test";
import { API_KEY } from "./fixtures/env";
import { startReceiver, type Receiver } from "./fixtures/receiver";

const auth = { authorization: `Bearer ${API_KEY}` };
let receiver: Receiver;

test.beforeAll(async () => {
  receiver = await startReceiver(200);
});

test.afterAll(async () => {
  await receiver?.close();
});

test("registers, test-sends, logs, updates and deletes through /api/v1/webhooks", async ({ request }) => {
  const created = await request.post("/api/v1/webhooks", {
    headers: auth,
    data: { url: receiver.url, events: ["order.created", "order.updated", "payment.completed"], secret: "your-webhook-secret", active: true, description: "Production webhook endpoint" },
  });
  expect(created.status()).toBe(201);
  const webhook = await created.json();
  expect(webhook).toMatchObject({ url: receiver.url, secret: "webhook_secret_***", active: true });

  const tested = await request.post("/api/v1/webhooks/test", { headers: auth, data: { webhook_id: webhook.id, event_type: "order.created" } });
  expect(tested.status()).toBe(200);
  expect(await tested.json()).toMatchObject({ status: "success", response_code: 200, attempts: 1 });
  const delivered = receiver.requests.at(-1)!;
  const expected = `sha256=${createHmac("sha256", "your-webhook-secret").update(delivered.body).digest("hex")}`;
  expect(delivered.headers["x-auraconnect-signature"]).toBe(expected);
  expect(delivered.headers["x-auraconnect-webhook-id"]).toBe(webhook.id);

  const logs = await (await request.get(`/api/v1/webhooks/${webhook.id}/logs`, { headers: auth })).json();
  expect(logs.logs[0]).toMatchObject({ event_type: "order.created", status: "success", attempts: 1, response_code: 200 });

  const updated = await request.put(`/api/v1/webhooks/${webhook.id}`, { headers: auth, data: { events: ["order.created", "order.updated"], active: true } });
  expect(await updated.json()).toMatchObject({ url: receiver.url, events: ["order.created", "order.updated"] });
  expect((await request.get("/api/v1/webhooks", { headers: auth }).then((r) => r.json())).webhooks.map((w: { id: string }) => w.id)).toContain(webhook.id);
  expect((await request.delete(`/api/v1/webhooks/${webhook.id}`, { headers: auth })).status()).toBe(204);
  expect((await request.get(`/api/v1/webhooks/${webhook.id}`, { headers: auth })).status()).toBe(404);
});
