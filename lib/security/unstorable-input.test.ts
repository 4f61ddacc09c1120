// The bugs bad-input.fuzz.test.ts found, pinned as plain examples: text PostgreSQL cannot store
// (NUL, lone surrogates), JSON nested past what Prisma can send, and times outside years
// 1–9999 were 500s; now they are 4xx answers with the field named (lib/http/storable-input.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { MAX_JSON_DEPTH } from "@/lib/http/storable-input";
import { api } from "@/test/api";
import { newAccount } from "@/test/fixtures";
import { startReceiver, type Receiver } from "@/test/receiver";
import { expectErrorEnvelope, fingerprint, inboundSignature, receivePath, seedTenant, type Tenant } from "@/test/security-fixtures";

const valid = { name: "w", url: "https://example.com/hook", events: ["order.*"] };
const nested = (depth: number) => JSON.parse("[".repeat(depth) + "]".repeat(depth)) as unknown;

let ok: Receiver;
let gone: Receiver;
let t: Tenant;
let operatorKey: string;

beforeAll(async () => {
  ok = await startReceiver(200);
  gone = await startReceiver(410);
  t = await seedTenant({ ok, gone });
  ({ key: operatorKey } = await newAccount("admin"));
});

afterAll(async () => {
  await ok?.close();
  await gone?.close();
});

async function expect422(res: { status: number; body: any }, path: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(422);
  expectErrorEnvelope(res.body);
  expect(res.body.details.map((d: { path: string }) => d.path)).toContain(path);
}

describe("request bodies", () => {
  it.each([
    ["a NUL in a webhook name", "/api/webhooks", { ...valid, name: "a\u0000b" }, "name"],
    ["a lone surrogate in a webhook name", "/api/webhooks", { ...valid, name: "x\ud800" }, "name"],
    ["a NUL in a filter value (jsonb)", "/api/webhooks", { ...valid, filters: { status: "paid\u0000" } }, "filters.status"],
    ["a lone surrogate in a filter value", "/api/webhooks", { ...valid, filters: { status: "\udfff" } }, "filters.status"],
    ["a NUL in an API key name", "/api/api-keys", { name: "ci\u0000" }, "name"],
    ["a NUL in an integration name", "/api/integrations", { source_system: "pos", user_id: "u-nul", name: "\u0000" }, "name"],
    ["a lone surrogate in event data", "/api/events", { type: "order.created", data: { note: "\ud83d" } }, "data.note"],
    ["a NUL in an event data key", "/api/events", { type: "order.created", data: { "a\u0000": 1 } }, "data"],
    ["event data nested past the limit", "/api/events", { type: "order.created", data: { deep: nested(200) } }, `data.deep${".0".repeat(MAX_JSON_DEPTH - 2)}`],
  ])("%s is a 422 on that field, nothing written (was a 500)", async (_, path, body, field) => {
    const before = await fingerprint();
    await expect422(await api.post(path, body, { key: t.key }), field);
    expect(await fingerprint()).toEqual(before);
  });

  it("a PATCH with a NUL is refused the same way, and the object keeps its value", async () => {
    await expect422(await api.patch(`/api/integrations/${t.integrationId}`, { name: "\u0000" }, { key: t.key }), "name");
    await expect422(await api.patch(`/api/webhooks/${t.webhookId}`, { description: "\u0000" }, { key: t.key }), "description");
    expect((await api.get(`/api/webhooks/${t.webhookId}`, { key: t.key })).body.data.description).toBeNull();
  });

  it("emoji, other scripts and paired surrogates are stored and read back unchanged", async () => {
    const name = "Bestellungen 📦 注文 𝕳";
    const created = await api.post("/api/events", { type: "order.created", data: { name, deep: nested(MAX_JSON_DEPTH - 2) } }, { key: t.key });
    expect(created.status).toBe(202);
    expect((await api.get(`/api/events/${created.body.data.id}`, { key: t.key })).body.data.data.name).toBe(name);
  });
});

describe("path parameters and query strings", () => {
  it("an id with a NUL is a 404 on every kind of object (was a 500)", async () => {
    for (const path of ["/api/webhooks/wh%00", "/api/events/a%00b", "/api/integrations/%00/events", "/api/webhooks/%00/logs"]) {
      const res = await api.get(path, { key: t.key });
      expect(res.status, path).toBe(404);
      expectErrorEnvelope(res.body);
    }
    expect((await api.delete("/api/api-keys/%00", { key: t.key })).status).toBe(404);
  });

  it("a query value with a NUL is a 422 on that parameter (was a 500)", async () => {
    await expect422(await api.get("/api/webhooks?cursor=a%00", { key: t.key }), "cursor");
    await expect422(await api.get(`/api/webhooks/${t.webhookId}/logs?event=%00`, { key: t.key }), "event");
    await expect422(await api.get(`/api/integrations/${t.integrationId}/events?cursor=%00`, { key: t.key }), "cursor");
    // An operator naming an account: looked up only once the value can be.
    await expect422(await api.get("/api/webhooks?account_id=acct%00", { key: operatorKey }), "account_id");
  });
});

describe("times", () => {
  it.each(["0000-01-01T00:00:00Z", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-14:00"])("since=%s is a 422 (was a 500)", async (since) => {
    // The replay bodies are unions: zod may report the union (path "") rather than `since`.
    for (const path of [`/api/webhooks/${t.deadWebhookId}/replay`, `/api/integrations/${t.integrationId}/replay`]) {
      const res = await api.post(path, { since }, { key: t.key });
      expect(res.status, path).toBe(422);
      expect(res.body.details.map((d: { path: string }) => d.path).some((p: string) => p === "" || p === "since")).toBe(true);
    }
    await expect422(await api.get(`/api/webhooks/${t.webhookId}/logs?since=${encodeURIComponent(since)}`, { key: t.key }), "since");
  });

  it("the extremes of the range are accepted", async () => {
    for (const since of ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"]) {
      expect((await api.post(`/api/webhooks/${t.deadWebhookId}/replay`, { since }, { key: t.key })).status).toBe(200);
    }
  });
});

describe("the inbound receiver", () => {
  const send = (raw: string) => api.post(receivePath(t), undefined, { rawBody: raw, headers: { "x-webhook-signature": inboundSignature(t.integrationSecret, raw) } });

  it.each([
    ["an id with a NUL (the dedupe key)", '{"event":"transaction.created","id":"trx\\u0000","data":{}}'],
    ["a lone surrogate in the data", '{"event":"transaction.created","data":{"note":"\\ud800"}}'],
    ["data nested 5000 deep", `{"event":"transaction.created","data":{"a":${"[".repeat(5000)}${"]".repeat(5000)}}}`],
    ["data nested 100 000 deep", `{"event":"transaction.created","data":{"a":${"[".repeat(100_000)}${"]".repeat(100_000)}}}`],
  ])("answers a signed body with %s with 400 Malformed JSON, storing nothing (was a 500 or a poison event)", async (_, raw) => {
    const before = await db().inboundEvent.count();
    const res = await send(raw);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ success: false, error: expect.stringMatching(/^Malformed JSON/) });
    expect(await db().inboundEvent.count()).toBe(before);
  });
});
