import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { api } from "@/test/api";
import { newAccount } from "@/test/fixtures";

let key: string;
let otherKey: string;
let webhookId: string;

beforeAll(async () => {
  const { key: k, account } = await newAccount();
  key = k;
  ({ key: otherKey } = await newAccount());
  webhookId = (await api.post("/api/webhooks", { name: "Orders", url: "https://example.com/hooks", events: ["order.*"] }, { key })).body.data.id;
  const event = await db().event.create({ data: { id: newId("evt"), accountId: account.id, type: "order.created", data: {} } });
  const delivery = await db().delivery.create({ data: { id: newId("dlv"), accountId: account.id, webhookId, eventId: event.id } });
  for (const [i, status] of (["failed", "succeeded"] as const).entries()) {
    await db().attempt.create({
      data: {
        id: newId("att"),
        accountId: account.id,
        deliveryId: delivery.id,
        webhookId,
        eventId: event.id,
        eventType: "order.created",
        attemptNumber: i + 1,
        status,
        responseCode: status === "failed" ? 503 : 200,
        responseTimeMs: 100,
        errorClass: status === "failed" ? "http_status" : null,
        requestHeaders: {},
      },
    });
  }
});

describe("GET /api/stats", () => {
  it("aggregates the whole account over the window", async () => {
    const res = await api.get("/api/stats?window=1h", { key });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ window: "1h", total: 2, succeeded: 1, failed: 1, success_rate: 0.5, errors: [{ code: "http_503", count: 1 }] });
    expect(res.body.data.series).toHaveLength(60);
  });

  it("defaults to 24 h and rejects an unknown window with 422", async () => {
    expect((await api.get("/api/stats", { key })).body.data.window).toBe("24h");
    expect((await api.get("/api/stats?window=1y", { key })).status).toBe(422);
  });

  it("sees nothing of another account", async () => {
    expect((await api.get("/api/stats?window=1h", { key: otherKey })).body.data.total).toBe(0);
  });
});

describe("GET /api/stats/webhooks", () => {
  it("returns one health row per webhook of the account", async () => {
    const res = await api.get("/api/stats/webhooks", { key });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      expect.objectContaining({ webhook_id: webhookId, name: "Orders", status: "active", total_24h: 2, success_rate_24h: 0.5, last_status: "succeeded" }),
    ]);
    expect((await api.get("/api/stats/webhooks", { key: otherKey })).body.data).toEqual([]);
  });

  it("needs authentication", async () => {
    expect((await api.get("/api/stats/webhooks")).status).toBe(401);
  });
});
