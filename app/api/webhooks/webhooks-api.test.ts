import { beforeAll, describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { db } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { decryptSecret } from "@/lib/webhooks/secret-box";
import { api } from "@/test/api";
import { newAccount } from "@/test/fixtures";

const valid = { name: "Orders", url: "https://example.com/hooks", events: ["order.*"] };

let key: string;
let otherKey: string;

beforeAll(async () => {
  ({ key } = await newAccount());
  ({ key: otherKey } = await newAccount());
});

function withPrivateNetworks(allowed: boolean, fn: () => Promise<void>) {
  return async () => {
    process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS = String(allowed);
    resetConfig();
    try {
      await fn();
    } finally {
      process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS = "true";
      resetConfig();
    }
  };
}

describe("POST /api/webhooks", () => {
  it("creates a webhook and returns its generated secret once", async () => {
    const res = await api.post("/api/webhooks", valid, { key });
    expect(res.status).toBe(201);
    expect(res.body.success).toBe(true);
    expect(res.body.data).toMatchObject({
      name: "Orders",
      url: "https://example.com/hooks",
      events: ["order.*"],
      is_active: true,
      signature_profile: "standard",
      retry_policy: "standard",
      timeout_ms: 30000,
      ip_whitelist: [],
      headers: {},
      debug_mode: false,
    });
    expect(res.body.data.id).toMatch(/^wh_/);
    expect(res.body.data.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const read = await api.get(`/api/webhooks/${res.body.data.id}`, { key });
    expect(read.body.data.secret).toBeUndefined();
  });

  it("stores the secret encrypted, never in plain text", async () => {
    const res = await api.post("/api/webhooks", { ...valid, secret: "my-own-secret-1234567" }, { key });
    const row = await db().webhook.findUniqueOrThrow({ where: { id: res.body.data.id } });
    expect(row.secretCiphertext).not.toContain("my-own-secret");
    expect(decryptSecret(row.secretCiphertext)).toBe("my-own-secret-1234567");
    expect(res.body.data.secret).toBe("my-own-secret-1234567");
  });

  it("accepts every documented option", async () => {
    const res = await api.post(
      "/api/webhooks",
      {
        ...valid,
        description: "all options",
        events: ["order.created", "payment.*"],
        is_active: false,
        filters: { status: "paid", "customer.tier": "gold" },
        ip_whitelist: ["203.0.113.0/24", "2001:db8::1"],
        headers: { "X-Tenant": "acme" },
        timeout_ms: 5000,
        retry_policy: [1, 2, 3],
        signature_profile: "auraconnect",
        rate_limit_per_hour: 1000,
        debug_mode: true,
      },
      { key },
    );
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      is_active: false,
      filters: { status: "paid", "customer.tier": "gold" },
      retry_policy: [1, 2, 3],
      signature_profile: "auraconnect",
      rate_limit_per_hour: 1000,
      headers: { "X-Tenant": "acme" },
    });
  });

  it("needs an API key: 401 without one, 401 with a wrong one", async () => {
    const missing = await api.post("/api/webhooks", valid);
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ success: false, code: "unauthorized" });
    const wrong = await api.post("/api/webhooks", valid, { key: "hr_not-a-real-key-at-all-000000000000" });
    expect(wrong.status).toBe(401);
    const malformed = await api.post("/api/webhooks", valid, { headers: { authorization: "Basic abc" } });
    expect(malformed.status).toBe(401);
  });

  it("answers malformed JSON with 400 and writes nothing", async () => {
    const before = await db().webhook.count();
    const res = await api.post("/api/webhooks", undefined, { key, rawBody: '{"name": "x",' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ success: false, code: "invalid_json" });
    expect(await db().webhook.count()).toBe(before);
  });

  it.each([
    ["empty name", { ...valid, name: " " }, "name"],
    ["empty events", { ...valid, events: [] }, "events"],
    ["unknown event type", { ...valid, events: ["order.exploded"] }, "events.0"],
    ["unknown event group", { ...valid, events: ["spaceship.*"] }, "events.0"],
    ["ftp url", { ...valid, url: "ftp://example.com/x" }, "url"],
    ["not a url", { ...valid, url: "not a url" }, "url"],
    ["credentials in url", { ...valid, url: "https://user:pw@example.com/x" }, "url"],
    ["short secret", { ...valid, secret: "short" }, "secret"],
    ["bad cidr", { ...valid, ip_whitelist: ["10.0.0.0/99"] }, "ip_whitelist.0"],
    ["reserved header", { ...valid, headers: { "Webhook-Signature": "x" } }, "headers.Webhook-Signature"],
    ["timeout too long", { ...valid, timeout_ms: 3_600_000 }, "timeout_ms"],
    ["unknown retry policy", { ...valid, retry_policy: "forever" }, "retry_policy"],
    ["unknown signature profile", { ...valid, signature_profile: "md5" }, "signature_profile"],
    ["wrong type", { ...valid, name: 42 }, "name"],
    ["unknown field", { ...valid, colour: "blue" }, ""],
    ["is_active and active disagreeing", { ...valid, is_active: true, active: false }, "active"],
    ["active and status disagreeing", { ...valid, active: true, status: "inactive" }, "status"],
    ["an unknown status", { ...valid, status: "paused" }, "status"],
  ])("rejects %s with 422 and a detail on the field", async (_, body, path) => {
    const res = await api.post("/api/webhooks", body, { key });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ success: false, code: "validation_error" });
    expect(res.body.details.map((d: { path: string }) => d.path)).toContain(path);
  });

  it(
    "refuses private, loopback and link-local destinations unless private networks are allowed",
    withPrivateNetworks(false, async () => {
      for (const url of ["http://127.0.0.1/x", "http://localhost:8080/x", "http://169.254.169.254/latest", "http://10.0.0.5/x", "http://[::1]/x"]) {
        const res = await api.post("/api/webhooks", { ...valid, url }, { key });
        expect(res.status, url).toBe(422);
        expect(res.body.details[0].path).toBe("url");
      }
    }),
  );

  it("allows a loopback destination when WEBHOOK_ALLOW_PRIVATE_NETWORKS=true", async () => {
    const res = await api.post("/api/webhooks", { ...valid, url: "http://127.0.0.1:9/x" }, { key });
    expect(res.status).toBe(201);
  });

  it("limits an account to 100 webhooks", async () => {
    const { key: fresh, account } = await newAccount();
    await db().webhook.createMany({
      data: Array.from({ length: 100 }, (_, i) => ({
        id: `wh_quota_${i}`,
        accountId: account.id,
        name: `w${i}`,
        url: "https://example.com",
        events: ["*"],
        secretCiphertext: "x",
      })),
    });
    const res = await api.post("/api/webhooks", valid, { key: fresh });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe("limit_exceeded");
  });
});

describe("GET /api/webhooks", () => {
  it("pages through the account's webhooks with a cursor, newest first", async () => {
    const { key: fresh } = await newAccount();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await api.post("/api/webhooks", { ...valid, name: `w${i}` }, { key: fresh })).body.data.id);
    const first = await api.get("/api/webhooks?limit=2", { key: fresh });
    expect(first.body.data.map((w: { id: string }) => w.id)).toEqual([ids[4], ids[3]]);
    expect(first.body.next_cursor).toBe(ids[3]);
    const second = await api.get(`/api/webhooks?limit=2&cursor=${first.body.next_cursor}`, { key: fresh });
    expect(second.body.data.map((w: { id: string }) => w.id)).toEqual([ids[2], ids[1]]);
    const last = await api.get(`/api/webhooks?limit=2&cursor=${second.body.next_cursor}`, { key: fresh });
    expect(last.body.data.map((w: { id: string }) => w.id)).toEqual([ids[0]]);
    expect(last.body.next_cursor).toBeNull();
    expect(JSON.stringify(first.body)).not.toContain("whsec_");
  });

  it("rejects a bad limit with 422", async () => {
    expect((await api.get("/api/webhooks?limit=0", { key })).status).toBe(422);
    expect((await api.get("/api/webhooks?limit=abc", { key })).status).toBe(422);
  });

  it("never lists another account's webhooks", async () => {
    await api.post("/api/webhooks", { ...valid, name: "mine" }, { key });
    const res = await api.get("/api/webhooks?limit=100", { key: otherKey });
    expect(res.body.data.find((w: { name: string }) => w.name === "mine")).toBeUndefined();
  });
});

describe("/api/webhooks/{id}", () => {
  async function create(body: object = valid) {
    return (await api.post("/api/webhooks", body, { key })).body.data;
  }

  it("PATCH changes only the given fields", async () => {
    const w = await create({ ...valid, description: "keep me" });
    const res = await api.patch(`/api/webhooks/${w.id}`, { name: "Renamed", timeout_ms: 1000 }, { key });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ name: "Renamed", timeout_ms: 1000, description: "keep me", url: valid.url });
  });

  it("PUT changes only the given fields too: a partial body never resets the URL or anything else", async () => {
    const full = {
      ...valid,
      description: "kept",
      filters: { status: "paid" },
      ip_whitelist: ["203.0.113.0/24"],
      headers: { "X-Tenant": "acme" },
      timeout_ms: 1000,
      retry_policy: [1, 2],
      signature_profile: "sha256",
      rate_limit_per_hour: 50,
      debug_mode: true,
    };
    const w = await create(full);
    const res = await api.put(`/api/webhooks/${w.id}`, { events: ["payment.*"] }, { key });
    expect(res.status).toBe(200);
    const expected = { ...full, events: ["payment.*"], is_active: true };
    expect(res.body.data).toMatchObject(expected);
    const renamed = await api.put(`/api/webhooks/${w.id}`, { name: "Replaced", url: "https://example.org/x", events: ["*"] }, { key });
    expect(renamed.body.data).toMatchObject({ ...expected, name: "Replaced", url: "https://example.org/x", events: ["*"] });
  });

  it.each(["put", "patch"] as const)("%s takes active and status for is_active, and refuses them disagreeing", async (method) => {
    const w = await create();
    expect((await api[method](`/api/webhooks/${w.id}`, { active: false }, { key })).body.data).toMatchObject({ is_active: false, disabled_reason: "disabled by a user" });
    expect((await api[method](`/api/webhooks/${w.id}`, { status: "active" }, { key })).body.data).toMatchObject({ is_active: true, disabled_reason: null });
    expect((await api[method](`/api/webhooks/${w.id}`, { status: "inactive" }, { key })).body.data.is_active).toBe(false);
    const conflict = await api[method](`/api/webhooks/${w.id}`, { is_active: true, active: false }, { key });
    expect(conflict.status).toBe(422);
    expect(conflict.body.details[0].message).toContain("`is_active` and `active` disagree");
    expect((await api.get(`/api/webhooks/${w.id}`, { key })).body.data.is_active).toBe(false);
  });

  it("null clears an optional field or returns it to its default; a null name is the URL's host again", async () => {
    const w = await create({
      ...valid,
      description: "d",
      filters: { status: "paid" },
      ip_whitelist: ["203.0.113.0/24"],
      headers: { "X-Tenant": "acme" },
      timeout_ms: 1000,
      retry_policy: "template",
      signature_profile: "sha256",
      rate_limit_per_hour: 50,
      debug_mode: true,
    });
    const cleared = Object.fromEntries(
      ["name", "description", "filters", "ip_whitelist", "headers", "timeout_ms", "retry_policy", "signature_profile", "rate_limit_per_hour", "debug_mode"].map((f) => [f, null]),
    );
    const res = await api.put(`/api/webhooks/${w.id}`, cleared, { key });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      name: "example.com",
      url: valid.url,
      events: valid.events,
      description: null,
      filters: null,
      ip_whitelist: [],
      headers: {},
      timeout_ms: 30000,
      retry_policy: "standard",
      signature_profile: "standard",
      rate_limit_per_hour: null,
      debug_mode: false,
    });
    for (const required of [{ url: null }, { events: null }, { is_active: null }]) {
      expect((await api.put(`/api/webhooks/${w.id}`, required, { key })).status, JSON.stringify(required)).toBe(422);
    }
  });

  it("PUT or PATCH with nothing to change is a 422, with bad values a 422", async () => {
    const w = await create();
    expect((await api.patch(`/api/webhooks/${w.id}`, {}, { key })).status).toBe(422);
    expect((await api.put(`/api/webhooks/${w.id}`, {}, { key })).status).toBe(422);
    expect((await api.patch(`/api/webhooks/${w.id}`, { events: ["nope.nope"] }, { key })).status).toBe(422);
  });

  it("disabling records who did it; enabling clears it", async () => {
    const w = await create();
    const off = await api.patch(`/api/webhooks/${w.id}`, { is_active: false }, { key });
    expect(off.body.data).toMatchObject({ is_active: false, disabled_reason: "disabled by a user" });
    const on = await api.patch(`/api/webhooks/${w.id}`, { is_active: true }, { key });
    expect(on.body.data).toMatchObject({ is_active: true, disabled_reason: null });
  });

  it("DELETE removes it; afterwards it is a 404", async () => {
    const w = await create();
    expect((await api.delete(`/api/webhooks/${w.id}`, { key })).status).toBe(204);
    expect((await api.get(`/api/webhooks/${w.id}`, { key })).status).toBe(404);
    expect((await api.delete(`/api/webhooks/${w.id}`, { key })).status).toBe(404);
  });

  it("DELETE takes its deliveries and their attempts with it, and another account's DELETE takes nothing", async () => {
    const [w, kept] = [await create(), await create()];
    const attemptOf = async (webhookId: string) => {
      const { accountId } = await db().webhook.findUniqueOrThrow({ where: { id: webhookId } });
      const event = await db().event.create({ data: { id: newId("evt"), accountId, type: "order.created", data: {} } });
      const delivery = await db().delivery.create({ data: { id: newId("dlv"), accountId, webhookId, eventId: event.id, status: "succeeded" } });
      const row = { accountId, deliveryId: delivery.id, webhookId, eventId: event.id, eventType: "order.created", attemptNumber: 1, status: "succeeded" as const };
      return (await db().attempt.create({ data: { id: newId("att"), ...row, responseCode: 200, responseTimeMs: 5, requestHeaders: {} } })).id;
    };
    const [gone, stays] = [await attemptOf(w.id), await attemptOf(kept.id)];
    expect((await api.delete(`/api/webhooks/${w.id}`, { key: otherKey })).status).toBe(404);
    expect(await db().attempt.count({ where: { id: gone } })).toBe(1);

    expect((await api.delete(`/api/webhooks/${w.id}`, { key })).status).toBe(204);
    expect(await db().delivery.count({ where: { webhookId: w.id } })).toBe(0);
    expect(await db().attempt.count({ where: { id: gone } })).toBe(0);
    expect(await db().attempt.count({ where: { id: stays } })).toBe(1);
  });

  it("another account's webhook is a 404 for every method", async () => {
    const w = await create();
    for (const res of [
      await api.get(`/api/webhooks/${w.id}`, { key: otherKey }),
      await api.patch(`/api/webhooks/${w.id}`, { name: "stolen" }, { key: otherKey }),
      await api.put(`/api/webhooks/${w.id}`, valid, { key: otherKey }),
      await api.delete(`/api/webhooks/${w.id}`, { key: otherKey }),
      await api.post(`/api/webhooks/${w.id}/rotate-secret`, {}, { key: otherKey }),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ success: false, code: "not_found" });
    }
    expect((await api.get(`/api/webhooks/${w.id}`, { key })).body.data.name).toBe("Orders");
  });

  it("rotate-secret returns a new secret and keeps the old one signing for 24 h", async () => {
    const w = await create();
    const res = await api.post(`/api/webhooks/${w.id}/rotate-secret`, undefined, { key });
    expect(res.status).toBe(200);
    expect(res.body.data.secret).toMatch(/^whsec_/);
    expect(res.body.data.secret).not.toBe(w.secret);
    const row = await db().webhook.findUniqueOrThrow({ where: { id: w.id } });
    expect(decryptSecret(row.previousSecretCiphertext!)).toBe(w.secret);
    const overlapHours = (row.previousSecretExpiresAt!.getTime() - Date.now()) / 3_600_000;
    expect(overlapHours).toBeGreaterThan(23.9);
    expect(overlapHours).toBeLessThanOrEqual(24);
  });

  it("rotate-secret accepts a chosen secret and validates it", async () => {
    const w = await create();
    expect((await api.post(`/api/webhooks/${w.id}/rotate-secret`, { secret: "chosen-secret-0123456789" }, { key })).body.data.secret).toBe(
      "chosen-secret-0123456789",
    );
    expect((await api.post(`/api/webhooks/${w.id}/rotate-secret`, { secret: "x" }, { key })).status).toBe(422);
    expect((await api.post(`/api/webhooks/${w.id}/rotate-secret`, undefined, { key, rawBody: "{nope" })).status).toBe(400);
  });
});

describe("GET /api/event-types", () => {
  it("lists the catalog with an example payload per type", async () => {
    const res = await api.get("/api/event-types", { key });
    expect(res.status).toBe(200);
    const types = res.body.data.map((t: { type: string }) => t.type);
    expect(types).toEqual(expect.arrayContaining(["order.created", "transaction.voided", "inventory.low_stock", "user.deleted"]));
    for (const t of res.body.data) expect(Object.keys(t.example).length).toBeGreaterThan(0);
  });

  it("needs authentication", async () => {
    expect((await api.get("/api/event-types")).status).toBe(401);
  });
});

describe("GET /api/health", () => {
  it("reports the database and the engine without authentication", async () => {
    const res = await api.get("/api/health");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, data: { status: "ok", db: "ok", engine: "embedded" } });
  });
});
