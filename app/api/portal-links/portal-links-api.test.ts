// Issue 20, part 2: portal links are asked for by admins (any account) and members (their own),
// and the portal token they carry reaches only its own account's webhooks — reading with `view`,
// writing with `manage`, never API keys, accounts, integrations or other portal links.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApiKey } from "@/lib/auth/api-keys";
import { db } from "@/lib/db/client";
import { resetRateLimits } from "@/lib/http/rate-limit";
import { signPortalToken, type PortalCapability } from "@/lib/portal/portal-links";
import { api, call, routeFiles } from "@/test/api";
import { newAccount } from "@/test/fixtures";
import { startReceiver, type Receiver } from "@/test/receiver";
import { exportedMethods, fillPath, fingerprint, SAME_ORIGIN, seedTenant, tenantParams, type Tenant } from "@/test/security-fixtures";

let ok: Receiver;
let gone: Receiver;
let a: Tenant;
let b: Tenant;
let operatorKey: string;

beforeAll(async () => {
  ok = await startReceiver(200);
  gone = await startReceiver(410);
  a = await seedTenant({ ok, gone });
  b = await seedTenant({ ok, gone });
  ({ key: operatorKey } = await newAccount("admin"));
});

afterAll(async () => {
  await ok?.close();
  await gone?.close();
});

beforeEach(() => resetRateLimits());

/** A fresh portal link's token for the account, asked for the way an operator would. */
async function portalToken(accountId: string, capability: PortalCapability): Promise<string> {
  const res = await api.post("/api/portal-links", { account_id: accountId, capability }, { key: operatorKey });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return new URL(res.body.data.url).pathname.replace(/^\/portal\//, "");
}

const asPortal = (token: string, headers: Record<string, string> = {}) => ({ headers: { authorization: `Portal ${token}`, ...headers } });

describe("POST /api/portal-links", () => {
  it("gives an admin a signed link to any account, valid for an hour by default", async () => {
    const before = Date.now();
    const res = await api.post("/api/portal-links", { account_id: a.accountId, capability: "view" }, { key: operatorKey });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body.data).sort()).toEqual(["expires_at", "url"]);
    expect(res.body.data.url).toMatch(/^http:\/\/localhost:3000\/portal\/v1\.[\w-]+\.[\w-]+$/);
    const expires = Date.parse(res.body.data.expires_at);
    expect(expires).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 3600_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 3600_000);
  });

  it("takes expires_in up to 7 days and refuses more, less than a second, or a fraction with a 422", async () => {
    const week = await api.post("/api/portal-links", { account_id: a.accountId, capability: "manage", expires_in: 604800 }, { key: operatorKey });
    expect(week.status).toBe(201);
    expect(Date.parse(week.body.data.expires_at)).toBeGreaterThan(Date.now() + 604000_000);
    for (const expires_in of [604801, 0, -5, 1.5, "60"]) {
      const res = await api.post("/api/portal-links", { account_id: a.accountId, capability: "view", expires_in }, { key: operatorKey });
      expect(res.status, String(expires_in)).toBe(422);
      expect(res.body.details[0].path).toBe("expires_in");
    }
  });

  it("refuses a missing or unknown capability, a missing account and unknown fields with a 422", async () => {
    for (const body of [{ account_id: a.accountId }, { account_id: a.accountId, capability: "admin" }, { capability: "view" }, { account_id: a.accountId, capability: "view", extra: 1 }]) {
      const res = await api.post("/api/portal-links", body, { key: operatorKey });
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.code).toBe("validation_error");
    }
  });

  it("lets a member key or a member's session ask for its own account only; another account is a 404", async () => {
    expect((await api.post("/api/portal-links", { account_id: a.accountId, capability: "manage" }, { key: a.key })).status).toBe(201);
    const session = await api.post("/api/portal-links", { account_id: a.accountId, capability: "view" }, { headers: { cookie: a.cookie, ...SAME_ORIGIN } });
    expect(session.status).toBe(201);
    for (const res of [
      await api.post("/api/portal-links", { account_id: b.accountId, capability: "view" }, { key: a.key }),
      await api.post("/api/portal-links", { account_id: b.accountId, capability: "view" }, { headers: { cookie: a.cookie, ...SAME_ORIGIN } }),
      await api.post("/api/portal-links", { account_id: "acct_nope", capability: "view" }, { key: operatorKey }),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.code).toBe("not_found");
    }
  });

  it("an admin key of a merchant account is an admin of the whole installation only through its role", async () => {
    // a.adminKey is an admin-role key: as everywhere else in the API, that role may act on any account.
    expect((await api.post("/api/portal-links", { account_id: b.accountId, capability: "view" }, { key: a.adminKey })).status).toBe(201);
  });

  it("needs authentication", async () => {
    const res = await api.post("/api/portal-links", { account_id: a.accountId, capability: "view" });
    expect(res.status).toBe(401);
  });

  it("builds the URL from the forwarded host and scheme behind a proxy", async () => {
    const res = await api.post(
      "/api/portal-links",
      { account_id: a.accountId, capability: "view" },
      { key: operatorKey, headers: { "x-forwarded-host": "hooks.example.com", "x-forwarded-proto": "https" } },
    );
    expect(res.body.data.url).toMatch(/^https:\/\/hooks\.example\.com\/portal\/v1\./);
  });

  it("refuses a disabled account's links: none is made (409), and one made before stops working (401)", async () => {
    const { account } = await newAccount();
    const earlier = await portalToken(account.id, "manage");
    expect((await api.get("/api/webhooks", asPortal(earlier))).status).toBe(200);
    await db().account.update({ where: { id: account.id }, data: { disabledAt: new Date() } });
    const res = await api.post("/api/portal-links", { account_id: account.id, capability: "view" }, { key: operatorKey });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatch(/disabled/);
    expect((await api.get("/api/webhooks", asPortal(earlier))).status).toBe(401);
  });

  it("a portal link cannot ask for another portal link, not even for its own account", async () => {
    const token = await portalToken(a.accountId, "manage");
    const res = await api.post("/api/portal-links", { account_id: a.accountId, capability: "manage", expires_in: 604800 }, asPortal(token));
    expect(res.status).toBe(403);
  });
});

describe("a portal link's token", () => {
  it("with view reads its account's webhooks, logs, deliveries, stats, dead letters, events and health", async () => {
    const token = await portalToken(a.accountId, "view");
    const list = await api.get("/api/webhooks", asPortal(token));
    expect(list.status).toBe(200);
    expect(list.body.data.map((w: { id: string }) => w.id).sort()).toEqual([a.webhookId, a.deadWebhookId].sort());
    for (const path of [
      `/api/webhooks/${a.webhookId}`,
      `/api/webhooks/${a.webhookId}/logs`,
      `/api/webhooks/${a.webhookId}/deliveries`,
      `/api/webhooks/${a.webhookId}/stats?window=24h`,
      `/api/webhooks/${a.deadWebhookId}/replay`,
      `/api/events/${a.eventId}`,
      "/api/events",
      `/api/events?webhook_id=${a.webhookId}`,
      "/api/stats/webhooks",
      "/api/event-types",
    ]) {
      const res = await api.get(path, asPortal(token));
      expect(res.status, path).toBe(200);
      expect(JSON.stringify(res.body), path).not.toContain(b.accountId);
    }
    const dead = await api.get(`/api/webhooks/${a.deadWebhookId}/replay`, asPortal(token));
    expect(dead.body.data[0].id).toBe(a.deadLetterId);
  });

  it("with view cannot write anything (403), and nothing changes", async () => {
    const token = await portalToken(a.accountId, "view");
    const before = await fingerprint(a.accountId);
    const writes: [string, string, unknown][] = [
      ["POST", "/api/webhooks", { url: "https://example.com/x", events: ["*"] }],
      ["PATCH", `/api/webhooks/${a.webhookId}`, { name: "renamed" }],
      ["PUT", `/api/webhooks/${a.webhookId}`, { name: "renamed" }],
      ["DELETE", `/api/webhooks/${a.webhookId}`, undefined],
      ["POST", `/api/webhooks/${a.webhookId}/test`, { event: "order.created" }],
      ["POST", `/api/webhooks/${a.webhookId}/rotate-secret`, {}],
      ["POST", `/api/webhooks/${a.deadWebhookId}/replay`, { failure_id: a.deadLetterId }],
    ];
    for (const [method, path, body] of writes) {
      const res = await call(method, path, body, asPortal(token));
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.error).toMatch(/only view/);
    }
    expect(await fingerprint(a.accountId)).toEqual(before);
  });

  it("with manage creates, edits, tests, rotates and replays its account's webhooks", async () => {
    const token = await portalToken(a.accountId, "manage");
    const created = await api.post("/api/webhooks", { name: "portal-made", url: ok.url, events: ["order.*"] }, asPortal(token));
    expect(created.status).toBe(201);
    expect(created.body.data.secret).toMatch(/^whsec_/);
    expect((await db().webhook.findUniqueOrThrow({ where: { id: created.body.data.id } })).accountId).toBe(a.accountId);
    const id = created.body.data.id;
    expect((await api.patch(`/api/webhooks/${id}`, { name: "portal-renamed" }, asPortal(token))).body.data.name).toBe("portal-renamed");
    const test = await api.post(`/api/webhooks/${id}/test`, { event: "order.created" }, asPortal(token));
    expect(test.status).toBe(200);
    expect(test.body.data.status).toBe("succeeded");
    expect((await api.post(`/api/webhooks/${id}/rotate-secret`, {}, asPortal(token))).body.data.secret).toMatch(/^whsec_/);
    const replay = await api.post(`/api/webhooks/${a.deadWebhookId}/replay`, { failure_id: a.deadLetterId }, asPortal(token));
    expect(replay.status).toBe(200);
    expect(replay.body.data.replayed).toBe(1);
    expect((await api.delete(`/api/webhooks/${id}`, asPortal(token))).status).toBe(204);
  });

  it("with manage never reaches API keys, accounts, integrations, publishing or the operator's totals (403)", async () => {
    const token = await portalToken(a.accountId, "manage");
    const before = await fingerprint(a.accountId);
    const refused: [string, string, unknown][] = [
      ["GET", "/api/api-keys", undefined],
      ["POST", "/api/api-keys", { name: "stolen" }],
      ["DELETE", `/api/api-keys/${a.spareKeyId}`, undefined],
      ["GET", "/api/accounts", undefined],
      ["POST", "/api/accounts", { name: "new" }],
      ["GET", "/api/integrations", undefined],
      ["GET", `/api/integrations/${a.integrationId}`, undefined],
      ["POST", "/api/events", { type: "order.created", data: {} }],
      ["GET", "/api/stats", undefined],
      ["GET", "/api/metrics", undefined],
    ];
    for (const [method, path, body] of refused) {
      const res = await call(method, path, body, asPortal(token));
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    expect(await fingerprint(a.accountId)).toEqual(before);
  });

  it("reaches no route of any kind with a view token except to read (every route file, every method)", async () => {
    const token = await portalToken(a.accountId, "view");
    const before = await fingerprint();
    for (const route of routeFiles) {
      // Not the API's: Inngest's and next-auth's own, the inbound receiver, and set-password
      // (no authentication at all: its one-time link's token is the credential).
      if (/^\/(api\/inngest|api\/auth|v1\/|api\/set-password)/.test(route.template)) continue;
      const path = fillPath(route.template, tenantParams(route.template, a));
      for (const method of await exportedMethods(route.file)) {
        if (method === "GET") continue;
        const res = await call(method, path, {}, asPortal(token));
        expect(res.status, `${method} ${route.template}`).toBe(403);
      }
    }
    expect(await fingerprint()).toEqual(before);
  });

  it("of account B gets 404 for every one of A's webhooks, logs, stats, dead letters and events, and A is unchanged", async () => {
    const token = await portalToken(b.accountId, "manage");
    const before = await fingerprint(a.accountId);
    const probes: [string, string, unknown][] = [];
    for (const id of [a.webhookId, a.deadWebhookId]) {
      probes.push(
        ["GET", `/api/webhooks/${id}`, undefined],
        ["PUT", `/api/webhooks/${id}`, { name: "stolen", url: "https://example.com/stolen", events: ["*"] }],
        ["PATCH", `/api/webhooks/${id}`, { name: "stolen", is_active: true }],
        ["DELETE", `/api/webhooks/${id}`, undefined],
        ["GET", `/api/webhooks/${id}/logs`, undefined],
        ["GET", `/api/webhooks/${id}/deliveries`, undefined],
        ["GET", `/api/webhooks/${id}/stats?window=7d`, undefined],
        ["GET", `/api/webhooks/${id}/replay`, undefined],
        ["POST", `/api/webhooks/${id}/replay`, { failure_id: a.deadLetterId }],
        ["POST", `/api/webhooks/${id}/replay`, { since: "2000-01-01T00:00:00Z" }],
        ["POST", `/api/webhooks/${id}/test`, { event: "order.created" }],
        ["POST", `/api/webhooks/${id}/rotate-secret`, {}],
      );
    }
    probes.push(["GET", `/api/events/${a.eventId}`, undefined], ["GET", `/api/events/${a.eventExternalId}`, undefined]);
    probes.push(["POST", `/api/webhooks/${b.deadWebhookId}/replay`, { failure_id: a.deadLetterId }]);
    for (const [method, path, body] of probes) {
      const res = await call(method, path, body, asPortal(token));
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.code).toBe("not_found");
    }
    // Naming A as the account acted on is refused too: a portal link is not an operator.
    const named = await api.get(`/api/webhooks/${a.webhookId}`, asPortal(token, { "x-hookrelay-account": a.accountId }));
    expect(named.status).toBe(404);
    const list = await api.get(`/api/webhooks?account_id=${a.accountId}`, asPortal(token));
    expect(list.status).toBe(404);
    for (const path of ["/api/webhooks", "/api/stats/webhooks"]) {
      const res = await api.get(path, asPortal(token));
      expect(JSON.stringify(res.body), path).not.toContain(a.webhookId);
    }
    expect(await fingerprint(a.accountId)).toEqual(before);
  });

  it("of account B browses only B's events: none of A's listed, A's webhook as a filter and A's event by either id are 404", async () => {
    const mine = await api.get("/api/events?limit=100", asPortal(await portalToken(b.accountId, "view")));
    expect(mine.status).toBe(200);
    const listed = mine.body.data.map((e: { id: string }) => e.id);
    expect(listed).toContain(b.eventId);
    const theirs = await db().event.findMany({ where: { accountId: a.accountId }, select: { id: true } });
    expect(theirs.length).toBeGreaterThan(0);
    for (const { id } of theirs) expect(listed).not.toContain(id);
    for (const capability of ["view", "manage"] as const) {
      const token = await portalToken(b.accountId, capability);
      for (const path of [
        `/api/events?webhook_id=${a.webhookId}`,
        `/api/events?webhook_id=${a.deadWebhookId}&status=failed`,
        `/api/events/${a.eventId}`,
        `/api/events/${encodeURIComponent(a.eventExternalId)}`,
      ]) {
        const res = await api.get(path, asPortal(token));
        expect(res.status, `${capability} ${path}`).toBe(404);
        expect(res.body.code).toBe("not_found");
        expect(JSON.stringify(res.body)).not.toContain(a.accountId);
      }
    }
    // Its own webhook filters its own events.
    const own = await api.get(`/api/events?webhook_id=${b.deadWebhookId}&status=failed`, asPortal(await portalToken(b.accountId, "view")));
    expect(own.status).toBe(200);
    expect(own.body.data.length).toBeGreaterThan(0);
  });

  it("expired is a 401 that says so", async () => {
    const token = signPortalToken({ accountId: a.accountId, capability: "manage", expiresAt: new Date(Date.now() - 1000) });
    const res = await api.get("/api/webhooks", asPortal(token));
    expect(res.status).toBe(401);
    expect(res.body.error).toMatch(/expired/);
    expect(JSON.stringify(res.body)).not.toContain(a.webhookId);
  });

  it("tampered with — another account, capability or expiry, or a changed signature — is a 401", async () => {
    const token = await portalToken(b.accountId, "view");
    const [version, body, signature] = token.split(".");
    const claims = JSON.parse(Buffer.from(body, "base64url").toString());
    const forge = (change: object) => `${version}.${Buffer.from(JSON.stringify({ ...claims, ...change })).toString("base64url")}.${signature}`;
    const flipped = signature.slice(0, -2) + (signature.at(-2) === "A" ? "B" : "A") + signature.at(-1);
    for (const bad of [forge({ a: a.accountId }), forge({ c: "manage" }), forge({ e: claims.e + 86400 }), `${version}.${body}.${flipped}`, `${version}.${body}`, "garbage", `v2.${body}.${signature}`]) {
      const res = await api.get("/api/webhooks", asPortal(bad));
      expect(res.status, bad).toBe(401);
      expect(res.body.error).toBe("invalid portal link");
    }
  });

  it("is not an API key, and an API key is not a portal token", async () => {
    const token = await portalToken(a.accountId, "manage");
    expect((await api.get("/api/webhooks", { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    const { key } = await createApiKey({ accountId: a.accountId, name: "k", role: "admin" });
    expect((await api.get("/api/webhooks", asPortal(key))).status).toBe(401);
  });
});
