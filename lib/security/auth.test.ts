// Issue 7: who may call, as what. API keys are stored only as their SHA-256 and stop working
// the moment they are revoked; members stay in their account while admins may name another;
// browser sessions (real next-auth JWTs) work, and only from our own origin.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { upsertUser } from "@/lib/accounts/accounts";
import { db } from "@/lib/db/client";
import { resetRateLimits } from "@/lib/http/rate-limit";
import { api } from "@/test/api";
import { newAccount } from "@/test/fixtures";
import { startReceiver, type Receiver } from "@/test/receiver";
import { expectErrorEnvelope, fingerprint, SAME_ORIGIN, seedTenant, sessionCookie, type Tenant } from "@/test/security-fixtures";

const webhook = { name: "csrf", url: "https://example.com/hook", events: ["order.*"] };

let ok: Receiver;
let gone: Receiver;
let a: Tenant;
let b: Tenant;

beforeAll(async () => {
  ok = await startReceiver(200);
  gone = await startReceiver(410);
  a = await seedTenant({ ok, gone });
  b = await seedTenant({ ok, gone });
});

afterAll(async () => {
  await ok?.close();
  await gone?.close();
});

beforeEach(() => resetRateLimits());

describe("API keys", () => {
  it("are stored only as their SHA-256: no column of api_keys holds the key or a long piece of it", async () => {
    const created = await api.post("/api/api-keys", { name: "ci" }, { key: a.key });
    expect(created.status).toBe(201);
    const key: string = created.body.data.key;
    const rows = await db().$queryRaw<Record<string, unknown>[]>`SELECT * FROM api_keys WHERE id = ${created.body.data.id}`;
    expect(rows).toHaveLength(1);
    expect(rows[0].key_hash).toBe(createHash("sha256").update(key).digest("hex"));
    // The 10-character prefix (shown so a person recognises the key) is the only piece kept.
    expect(rows[0].prefix).toBe(key.slice(0, 10));
    const text = JSON.stringify(await db().$queryRaw`SELECT * FROM api_keys`);
    for (let i = 0; i + 12 <= key.length; i++) expect(text).not.toContain(key.slice(i, i + 12));
  });

  it("a revoked key gets 401 on its very next request, for reads and writes", async () => {
    const { key, id } = (await api.post("/api/api-keys", { name: "temp" }, { key: a.key })).body.data;
    expect((await api.get("/api/webhooks", { key })).status).toBe(200);
    expect((await api.delete(`/api/api-keys/${id}`, { key: a.key })).status).toBe(204);
    for (const res of [await api.get("/api/webhooks", { key }), await api.post("/api/webhooks", webhook, { key }), await api.delete(`/api/webhooks/${a.webhookId}`, { key })]) {
      expect(res.status).toBe(401);
      expectErrorEnvelope(res.body);
      expect(res.body.code).toBe("unauthorized");
    }
    expect((await api.get(`/api/webhooks/${a.webhookId}`, { key: a.key })).status).toBe(200);
  });

  it("a key revoked directly in the database (another instance) is refused at once: nothing is cached", async () => {
    const { key, id } = (await api.post("/api/api-keys", { name: "elsewhere" }, { key: a.key })).body.data;
    expect((await api.get("/api/webhooks", { key })).status).toBe(200);
    await db().apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
    expect((await api.get("/api/webhooks", { key })).status).toBe(401);
  });

  it("concurrent requests, whose key lookups share a statement, are each answered for their own key", async () => {
    const { key: revoked, id } = (await api.post("/api/api-keys", { name: "soon revoked" }, { key: a.key })).body.data;
    await api.delete(`/api/api-keys/${id}`, { key: a.key });
    const callers = [a.key, b.key, revoked, "hr_unknown0000000000000000000000000000000000000", a.key, b.key];
    const answers = await Promise.all(callers.map((key) => api.get("/api/webhooks", { key })));
    expect(answers.map((res) => res.status)).toEqual([200, 200, 401, 401, 200, 200]);
    const ids = (res: (typeof answers)[number]) => res.body.data.map((w: { id: string }) => w.id);
    expect(ids(answers[0])).toContain(a.webhookId);
    expect(ids(answers[0])).not.toContain(b.webhookId);
    expect(ids(answers[1])).toContain(b.webhookId);
    expect(ids(answers[1])).not.toContain(a.webhookId);
  });

  it.each([
    ["no Authorization header", {}],
    ["an unknown key", { authorization: "Bearer hr_0000000000000000000000000000000000000000000" }],
    ["a Basic credential", { authorization: "Basic dXNlcjpwYXNz" }],
    ["an empty Bearer", { authorization: "Bearer " }],
    ["two tokens", { authorization: "Bearer a b" }],
  ])("%s is a 401 with the error envelope", async (_, headers) => {
    const res = await api.get("/api/webhooks", { headers });
    expect(res.status).toBe(401);
    expectErrorEnvelope(res.body);
    expect(res.headers.get("www-authenticate")).toBe("Bearer");
  });

  it("an invalid Authorization header is not rescued by a valid session cookie", async () => {
    const res = await api.get("/api/webhooks", { headers: { authorization: "Bearer hr_wrong-wrong-wrong-wrong", cookie: a.cookie } });
    expect(res.status).toBe(401);
  });
});

describe("member and admin", () => {
  it("a member key naming another account (header or query) gets 404, and nothing is written there", async () => {
    const before = await fingerprint(a.accountId);
    for (const res of [
      await api.get("/api/webhooks", { key: b.key, headers: { "x-hookrelay-account": a.accountId } }),
      await api.get(`/api/webhooks/${a.webhookId}`, { key: b.key, headers: { "x-hookrelay-account": a.accountId } }),
      await api.post("/api/webhooks", webhook, { key: b.key, headers: { "x-hookrelay-account": a.accountId } }),
      await api.delete(`/api/webhooks/${a.webhookId}`, { key: b.key, headers: { "x-hookrelay-account": a.accountId } }),
      await api.get(`/api/webhooks?account_id=${a.accountId}`, { key: b.key }),
      await api.post(`/api/events?account_id=${a.accountId}`, { type: "order.created", data: {} }, { key: b.key }),
    ]) {
      expect(res.status).toBe(404);
      expectErrorEnvelope(res.body);
    }
    expect(await fingerprint(a.accountId)).toEqual(before);
  });

  it("a member session naming another account gets 404 as well", async () => {
    const res = await api.get("/api/webhooks", { headers: { cookie: b.cookie, "x-hookrelay-account": a.accountId } });
    expect(res.status).toBe(404);
  });

  it("an admin key may act on another account by naming it, and only on that account", async () => {
    const { key: operator } = await newAccount("admin");
    const headers = { "x-hookrelay-account": a.accountId };
    const listed = await api.get("/api/webhooks?limit=100", { key: operator, headers });
    expect(listed.status).toBe(200);
    expect(listed.body.data.map((w: { id: string }) => w.id)).toContain(a.webhookId);
    expect(listed.body.data.map((w: { id: string }) => w.id)).not.toContain(b.webhookId);
    expect((await api.get(`/api/webhooks/${a.webhookId}`, { key: operator, headers })).status).toBe(200);
    expect((await api.get(`/api/webhooks/${b.webhookId}`, { key: operator, headers })).status).toBe(404);
    const created = await api.post("/api/webhooks", webhook, { key: operator, headers });
    expect(created.status).toBe(201);
    expect((await db().webhook.findUniqueOrThrow({ where: { id: created.body.data.id } })).accountId).toBe(a.accountId);
    expect((await api.get(`/api/webhooks/${a.webhookId}?account_id=${a.accountId}`, { key: operator })).status).toBe(200);
  });

  it("an admin naming an account that does not exist gets 404", async () => {
    const { key: operator } = await newAccount("admin");
    expect((await api.get("/api/webhooks", { key: operator, headers: { "x-hookrelay-account": "acct_nope" } })).status).toBe(404);
  });

  it("an admin session may act on another account too", async () => {
    const { account } = await newAccount("admin");
    const admin = await upsertUser({ accountId: account.id, email: `admin-${account.id}@example.com`, password: "a-long-password", role: "admin" });
    const res = await api.get(`/api/webhooks/${a.webhookId}`, { headers: { cookie: await sessionCookie(admin.id), "x-hookrelay-account": a.accountId } });
    expect(res.status).toBe(200);
  });

  it("operator-only routes refuse members with 403", async () => {
    for (const res of [await api.get("/api/accounts", { key: a.key }), await api.post("/api/accounts", { name: "x" }, { key: a.key })]) {
      expect(res.status).toBe(403);
      expectErrorEnvelope(res.body);
    }
  });
});

describe("browser sessions", () => {
  it("a real next-auth session cookie authenticates as its user's account", async () => {
    const res = await api.get("/api/webhooks?limit=100", { headers: { cookie: a.cookie } });
    expect(res.status).toBe(200);
    expect(res.body.data.map((w: { id: string }) => w.id)).toContain(a.webhookId);
  });

  it("also under the __Secure- cookie name used over HTTPS", async () => {
    const cookie = await sessionCookie(a.userId, { name: "__Secure-next-auth.session-token" });
    expect((await api.get("/api/webhooks", { headers: { cookie } })).status).toBe(200);
  });

  it("a token signed with another secret, an expired token, a tampered token and a deleted user's token get 401", async () => {
    const { account } = await newAccount();
    const gone = await upsertUser({ accountId: account.id, email: `gone-${account.id}@example.com`, password: "a-long-password", role: "member" });
    const goneCookie = await sessionCookie(gone.id);
    await db().user.delete({ where: { id: gone.id } });
    const tampered = a.cookie.slice(0, -4) + (a.cookie.endsWith("AAAA") ? "BBBB" : "AAAA");
    for (const cookie of [
      await sessionCookie(a.userId, { secret: "some-other-secret-entirely" }),
      await sessionCookie(a.userId, { maxAge: -60 }),
      tampered,
      goneCookie,
      "next-auth.session-token=not-a-jwt",
    ]) {
      const res = await api.get("/api/webhooks", { headers: { cookie } });
      expect(res.status).toBe(401);
      expectErrorEnvelope(res.body);
    }
  });
});

describe("CSRF: state-changing session requests must come from our own origin", () => {
  const session = (headers: Record<string, string>) => ({ headers: { cookie: a.cookie, ...headers } });

  it.each([
    ["a foreign Origin", { origin: "https://evil.example", host: "localhost:3000" }],
    ["a foreign Origin without a Host header", { origin: "https://evil.example" }],
    ["a foreign Origin on the same host but another port", { origin: "http://localhost:4000", host: "localhost:3000" }],
    ["Sec-Fetch-Site: cross-site", { "sec-fetch-site": "cross-site", host: "localhost:3000" }],
    ["Sec-Fetch-Site: same-site", { "sec-fetch-site": "same-site", host: "localhost:3000" }],
    ["Sec-Fetch-Site: cross-site with a same-origin Origin", { "sec-fetch-site": "cross-site", origin: "http://localhost:3000", host: "localhost:3000" }],
    ["neither Origin nor Sec-Fetch-Site", { host: "localhost:3000" }],
    ["Origin: null and no Sec-Fetch-Site", { origin: "null", host: "localhost:3000" }],
    ["an Origin that is not a URL", { origin: "not a url", host: "localhost:3000" }],
  ])("%s → 403, nothing written", async (_, headers) => {
    const before = await fingerprint();
    for (const res of [
      await api.post("/api/webhooks", webhook, session(headers)),
      await api.patch(`/api/webhooks/${a.webhookId}`, { name: "csrf" }, session(headers)),
      await api.delete(`/api/webhooks/${a.webhookId}`, session(headers)),
      await api.post("/api/api-keys", { name: "csrf" }, session(headers)),
    ]) {
      expect(res.status).toBe(403);
      expectErrorEnvelope(res.body);
      expect(res.body.code).toBe("forbidden");
    }
    expect(await fingerprint()).toEqual(before);
  });

  it.each([
    ["a same-origin Origin", { origin: "http://localhost:3000", host: "localhost:3000" }],
    ["Sec-Fetch-Site: same-origin without Origin", { "sec-fetch-site": "same-origin", host: "localhost:3000" }],
    ["the forwarded host behind a proxy", { origin: "https://hookrelay.example", host: "127.0.0.1:3000", "x-forwarded-host": "hookrelay.example" }],
    ["all of them", SAME_ORIGIN],
  ])("%s → allowed", async (_, headers) => {
    const res = await api.post("/api/webhooks", webhook, session(headers));
    expect(res.status).toBe(201);
  });

  it("safe methods are not subject to the check (a cross-site GET cannot change anything)", async () => {
    expect((await api.get("/api/webhooks", session({ origin: "https://evil.example", "sec-fetch-site": "cross-site" }))).status).toBe(200);
  });

  it("API-key requests are not subject to the Origin check (no ambient credential to ride on)", async () => {
    const res = await api.post("/api/webhooks", webhook, { key: a.key, headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site", host: "localhost:3000" } });
    expect(res.status).toBe(201);
  });
});
