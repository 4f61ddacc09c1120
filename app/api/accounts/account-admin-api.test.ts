// Operators managing merchant accounts and their users (issue 20, part 1): the account list's
// health figures, account updates (branding, disable), deletion, users with one-time password
// links, email uniqueness, the last admin, and members kept out of all of it.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApiKey } from "@/lib/auth/api-keys";
import { authOptions, currentSessionUser } from "@/lib/auth/session";
import { upsertUser } from "@/lib/accounts/accounts";
import { db } from "@/lib/db/client";
import { resetRateLimits } from "@/lib/http/rate-limit";
import { api, type CallOptions } from "@/test/api";
import { newAccount } from "@/test/fixtures";
import { startReceiver, type Receiver } from "@/test/receiver";
import { expectErrorEnvelope, fingerprint, SAME_ORIGIN, seedTenant, sessionCookie, type Tenant } from "@/test/security-fixtures";

let ok: Receiver;
let gone: Receiver;
/** The operator: an admin user and an admin key in the operator account. */
let operatorAccountId: string;
let operatorKey: string;
let operatorUserId: string;
let operatorCookie: string;
/** A merchant with a webhook that succeeds, one with a dead letter, a member key and a member user. */
let merchant: Tenant;
let other: Tenant;

const asOperator: () => CallOptions = () => ({ key: operatorKey });
const tokenOf = (url: string) => new URL(url).searchParams.get("token")!;

beforeAll(async () => {
  ok = await startReceiver(200);
  gone = await startReceiver(410);
  const operator = await newAccount("admin");
  operatorAccountId = operator.account.id;
  operatorKey = operator.key;
  operatorUserId = (await upsertUser({ accountId: operatorAccountId, email: "operator@hookrelay.test", password: "operator-password", role: "admin" })).id;
  operatorCookie = await sessionCookie(operatorUserId);
  merchant = await seedTenant({ ok, gone });
  other = await seedTenant({ ok, gone });
});

afterAll(async () => {
  await ok?.close();
  await gone?.close();
});

beforeEach(() => resetRateLimits());

describe("GET /api/accounts", () => {
  it("shows each account's webhooks, users, 24 h success rate and dead letters waiting", async () => {
    const res = await api.get("/api/accounts", asOperator());
    expect(res.status).toBe(200);
    const item = res.body.data.find((a: { id: string }) => a.id === merchant.accountId);
    // seedTenant: one test delivery succeeded, one got 410 Gone and became a dead letter.
    expect(item).toEqual({
      id: merchant.accountId,
      name: expect.any(String),
      portal_branding: null,
      disabled: false,
      disabled_at: null,
      created_at: expect.any(String),
      webhooks: 2,
      users: 1,
      attempts_24h: 2,
      success_rate_24h: 0.5,
      dead_letters: 1,
    });
    const operator = res.body.data.find((a: { id: string }) => a.id === operatorAccountId);
    expect(operator).toMatchObject({ webhooks: 0, attempts_24h: 0, success_rate_24h: null, dead_letters: 0 });
  });

  it("stops counting a dead letter once it is replayed", async () => {
    const t = await seedTenant({ ok, gone });
    await db().deadLetter.updateMany({ where: { accountId: t.accountId }, data: { replayedAt: new Date() } });
    const res = await api.get("/api/accounts", asOperator());
    expect(res.body.data.find((a: { id: string }) => a.id === t.accountId).dead_letters).toBe(0);
  });
});

describe("GET/PATCH /api/accounts/{id}", () => {
  it("reads one account, and 404s an unknown one", async () => {
    const res = await api.get(`/api/accounts/${merchant.accountId}`, asOperator());
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id: merchant.accountId, disabled: false, portal_branding: null });
    const missing = await api.get("/api/accounts/acct_nope", asOperator());
    expect(missing.status).toBe(404);
    expectErrorEnvelope(missing.body);
  });

  it("renames and sets, changes and clears the portal branding", async () => {
    const t = await newAccount();
    const branded = await api.patch(
      `/api/accounts/${t.account.id}`,
      { name: "Acme Shop", portal_branding: { display_name: "Acme", accent_color: "#FF6600", logo_url: "https://cdn.acme.test/logo.png" } },
      asOperator(),
    );
    expect(branded.status).toBe(200);
    expect(branded.body.data).toMatchObject({ name: "Acme Shop", portal_branding: { display_name: "Acme", accent_color: "#ff6600", logo_url: "https://cdn.acme.test/logo.png" } });
    const partial = await api.patch(`/api/accounts/${t.account.id}`, { portal_branding: { accent_color: "#123456" } }, asOperator());
    expect(partial.body.data.portal_branding).toEqual({ display_name: null, accent_color: "#123456", logo_url: null });
    const cleared = await api.patch(`/api/accounts/${t.account.id}`, { portal_branding: null }, asOperator());
    expect(cleared.body.data.portal_branding).toBeNull();
    expect((await db().account.findUniqueOrThrow({ where: { id: t.account.id } })).portalBranding).toBeNull();
  });

  it.each([
    ["an empty name", { name: " " }, "name"],
    ["a colour that is not #rrggbb", { portal_branding: { accent_color: "orange" } }, "portal_branding.accent_color"],
    ["a short colour", { portal_branding: { accent_color: "#fff" } }, "portal_branding.accent_color"],
    ["an ftp logo", { portal_branding: { logo_url: "ftp://cdn.acme.test/logo.png" } }, "portal_branding.logo_url"],
    ["a javascript: logo", { portal_branding: { logo_url: "javascript:alert(1)" } }, "portal_branding.logo_url"],
    ["an unknown branding field", { portal_branding: { font: "Comic Sans" } }, "portal_branding"],
    ["a display name of 101 characters", { portal_branding: { display_name: "x".repeat(101) } }, "portal_branding.display_name"],
    ["disabled as a string", { disabled: "yes" }, "disabled"],
    ["an unknown field", { plan: "gold" }, ""],
  ])("refuses %s with 422 on the field", async (_, body, path) => {
    const res = await api.patch(`/api/accounts/${merchant.accountId}`, body, asOperator());
    expect(res.status).toBe(422);
    expectErrorEnvelope(res.body);
    expect(res.body.details.map((d: { path: string }) => d.path)).toContain(path);
  });

  it("a disabled account's API keys and users' sessions are refused with 403 account_disabled, until it is enabled again", async () => {
    const t = await seedTenant({ ok, gone });
    const before = await api.get("/api/webhooks", { key: t.key });
    expect(before.status).toBe(200);

    const disabled = await api.patch(`/api/accounts/${t.accountId}`, { disabled: true }, asOperator());
    expect(disabled.status).toBe(200);
    expect(disabled.body.data).toMatchObject({ disabled: true, disabled_at: expect.any(String) });

    for (const options of [{ key: t.key }, { key: t.adminKey }, { headers: { cookie: t.cookie, ...SAME_ORIGIN } }]) {
      const res = await api.get("/api/webhooks", options);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe("account_disabled");
      expect(res.body.error).toMatch(/disabled/);
      expect((await api.post("/api/events", { type: "order.created", data: {} }, options)).status).toBe(403);
    }
    // Operators still see the account, and its users cannot sign in.
    expect((await api.get("/api/webhooks", { key: operatorKey, headers: { "x-hookrelay-account": t.accountId } })).status).toBe(200);
    const user = await db().user.findUniqueOrThrow({ where: { id: t.userId } });
    await expect(authorize(user.email, "a-long-password")).rejects.toThrow("AccountDisabled");
    // The pages show a signed-in user of a disabled account a notice instead of the app.
    expect(await currentSessionUser(t.userId)).toMatchObject({ id: t.userId, accountDisabled: true });

    const enabled = await api.patch(`/api/accounts/${t.accountId}`, { disabled: false }, asOperator());
    expect(enabled.body.data).toMatchObject({ disabled: false, disabled_at: null });
    expect((await api.get("/api/webhooks", { key: t.key })).status).toBe(200);
    expect(await authorize(user.email, "a-long-password")).toMatchObject({ id: t.userId });
  });

  it("refuses to disable the operator's own account with 409", async () => {
    const res = await api.patch(`/api/accounts/${operatorAccountId}`, { disabled: true }, asOperator());
    expect(res.status).toBe(409);
    expect(res.body.error).toMatch(/signed in with/);
    expect((await db().account.findUniqueOrThrow({ where: { id: operatorAccountId } })).disabledAt).toBeNull();
  });
});

/** The credentials sign-in's own check, as the sign-in form reaches it. */
async function authorize(email: string, password: string) {
  const provider = authOptions().providers[0] as unknown as { options: { authorize: (c: Record<string, string>, req: unknown) => Promise<unknown> } };
  return provider.options.authorize({ email, password }, {});
}

describe("DELETE /api/accounts/{id}", () => {
  it("deletes a merchant account with everything it owns", async () => {
    const t = await seedTenant({ ok, gone });
    const owned = { accountId: t.accountId };
    expect(await db().attempt.count({ where: owned })).toBeGreaterThan(0);
    const res = await api.delete(`/api/accounts/${t.accountId}`, asOperator());
    expect(res.status).toBe(204);
    expect(await db().account.count({ where: { id: t.accountId } })).toBe(0);
    expect(await db().webhook.count({ where: owned })).toBe(0);
    // Deliveries and dead letters by foreign key; attempts, which have none, by the delete itself.
    expect(await db().event.count({ where: owned })).toBe(0);
    expect(await db().delivery.count({ where: owned })).toBe(0);
    expect(await db().deadLetter.count({ where: owned })).toBe(0);
    expect(await db().attempt.count({ where: owned })).toBe(0);
    expect(await db().user.count({ where: { accountId: t.accountId } })).toBe(0);
    expect((await api.get("/api/webhooks", { key: t.key })).status).toBe(401);
    expect((await api.get(`/api/accounts/${t.accountId}`, asOperator())).status).toBe(404);
    expect((await api.delete(`/api/accounts/${t.accountId}`, asOperator())).status).toBe(404);
  });

  it("refuses to delete the operator's own account with 409", async () => {
    const res = await api.delete(`/api/accounts/${operatorAccountId}`, { headers: { cookie: operatorCookie, ...SAME_ORIGIN } });
    expect(res.status).toBe(409);
    expectErrorEnvelope(res.body);
    expect(await db().account.count({ where: { id: operatorAccountId } })).toBe(1);
  });

  it("refuses to delete or disable the account holding the only admin users, even for an admin key of another account", async () => {
    const elsewhere = await newAccount("admin");
    // The operator account holds the only admin users.
    expect(await db().user.count({ where: { role: "admin", accountId: { not: operatorAccountId } } })).toBe(0);
    for (const res of [
      await api.delete(`/api/accounts/${operatorAccountId}`, { key: elsewhere.key }),
      await api.patch(`/api/accounts/${operatorAccountId}`, { disabled: true }, { key: elsewhere.key }),
    ]) {
      expect(res.status).toBe(409);
      expect(res.body.error).toMatch(/only admin users/);
    }
  });
});

describe("the users of an account", () => {
  it("lists an account's users, and 404s an unknown account", async () => {
    const res = await api.get(`/api/accounts/${merchant.accountId}/users`, asOperator());
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([
      { id: merchant.userId, account_id: merchant.accountId, email: expect.stringContaining("@example.com"), name: null, role: "member", password_set: true, created_at: expect.any(String) },
    ]);
    expect((await api.get("/api/accounts/acct_nope/users", asOperator())).status).toBe(404);
    expect((await api.post("/api/accounts/acct_nope/users", { email: "x@y.test", role: "member" }, asOperator())).status).toBe(404);
  });

  it("adds a user with a password, who can sign in at once", async () => {
    const res = await api.post(`/api/accounts/${merchant.accountId}/users`, { email: "Clerk@Shop.test", name: "Clerk", role: "member", password: "clerk-password-1" }, asOperator());
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ email: "clerk@shop.test", name: "Clerk", role: "member", password_set: true, account_id: merchant.accountId });
    expect(res.body.data.set_password_url).toBeUndefined();
    expect(await authorize("clerk@shop.test", "clerk-password-1")).toMatchObject({ accountId: merchant.accountId, role: "member" });
  });

  it("adds a user without a password: a one-time link, valid 72 h, sets it once", async () => {
    const res = await api.post(`/api/accounts/${merchant.accountId}/users`, { email: "invitee@shop.test", role: "member" }, asOperator());
    expect(res.status).toBe(201);
    const { set_password_url: url, set_password_expires_at: expiresAt } = res.body.data;
    expect(res.body.data.password_set).toBe(false);
    expect(url).toMatch(/^http:\/\/localhost:3000\/set-password\?token=[\w-]{40,}$/);
    const ttl = Date.parse(expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(72 * 3600_000 - 60_000);
    expect(ttl).toBeLessThanOrEqual(72 * 3600_000);
    // Only the token's hash is stored, and no password verifies before it is set.
    const stored = await db().passwordToken.findFirstOrThrow({ where: { userId: res.body.data.id } });
    expect(stored.tokenHash).toBe(createHash("sha256").update(tokenOf(url)).digest("hex"));
    expect(await authorize("invitee@shop.test", "")).toBeNull();
    expect(await authorize("invitee@shop.test", "!unset")).toBeNull();

    const set = await api.post("/api/set-password", { token: tokenOf(url), password: "invitee-password-1" });
    expect(set.status).toBe(200);
    expect(set.body.data).toEqual({ email: "invitee@shop.test" });
    expect(await authorize("invitee@shop.test", "invitee-password-1")).toMatchObject({ accountId: merchant.accountId });

    const again = await api.post("/api/set-password", { token: tokenOf(url), password: "hijacked-password" });
    expect(again.status).toBe(404);
    expect(again.body.error).toMatch(/expired or already used/);
    expect(await authorize("invitee@shop.test", "invitee-password-1")).not.toBeNull();
    const users = await api.get(`/api/accounts/${merchant.accountId}/users`, asOperator());
    expect(users.body.data.find((u: { email: string }) => u.email === "invitee@shop.test").password_set).toBe(true);
  });

  it("an expired link sets nothing", async () => {
    const res = await api.post(`/api/accounts/${merchant.accountId}/users`, { email: "late@shop.test", role: "member" }, asOperator());
    await db().passwordToken.updateMany({ where: { userId: res.body.data.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const set = await api.post("/api/set-password", { token: tokenOf(res.body.data.set_password_url), password: "late-password-1" });
    expect(set.status).toBe(404);
    expect(await authorize("late@shop.test", "late-password-1")).toBeNull();
  });

  it("a link of a disabled account's user sets nothing", async () => {
    const t = await newAccount();
    const res = await api.post(`/api/accounts/${t.account.id}/users`, { email: "frozen@shop.test", role: "member" }, asOperator());
    await api.patch(`/api/accounts/${t.account.id}`, { disabled: true }, asOperator());
    expect((await api.post("/api/set-password", { token: tokenOf(res.body.data.set_password_url), password: "frozen-password" })).status).toBe(404);
  });

  it("refuses a bad link, a short password and a missing token with 4xx", async () => {
    expect((await api.post("/api/set-password", { token: "not-a-token", password: "long-enough-1" })).status).toBe(404);
    const short = await api.post("/api/set-password", { token: "x", password: "short" });
    expect(short.status).toBe(422);
    expect(short.body.details.map((d: { path: string }) => d.path)).toContain("password");
    expect((await api.post("/api/set-password", { password: "long-enough-1" })).status).toBe(422);
  });

  it("renames, changes the role, and issues a new password link that replaces the old one", async () => {
    const added = await api.post(`/api/accounts/${merchant.accountId}/users`, { email: "reset@shop.test", role: "member", password: "first-password" }, asOperator());
    const id = added.body.data.id;
    const renamed = await api.patch(`/api/accounts/${merchant.accountId}/users/${id}`, { name: "Reset Me", role: "admin" }, asOperator());
    expect(renamed.status).toBe(200);
    expect(renamed.body.data).toMatchObject({ name: "Reset Me", role: "admin" });
    // Pages read the role as stored now, not the one in the session token.
    expect((await currentSessionUser(id))?.role).toBe("admin");
    expect(renamed.body.data.set_password_url).toBeUndefined();

    const first = await api.patch(`/api/accounts/${merchant.accountId}/users/${id}`, { reset_password: true }, asOperator());
    const second = await api.patch(`/api/accounts/${merchant.accountId}/users/${id}`, { reset_password: true }, asOperator());
    expect(second.body.data.set_password_url).toMatch(/\/set-password\?token=/);
    expect((await api.post("/api/set-password", { token: tokenOf(first.body.data.set_password_url), password: "second-password" })).status).toBe(404);
    // The old password works until the new one is set.
    expect(await authorize("reset@shop.test", "first-password")).not.toBeNull();
    expect((await api.post("/api/set-password", { token: tokenOf(second.body.data.set_password_url), password: "second-password" })).status).toBe(200);
    expect(await authorize("reset@shop.test", "first-password")).toBeNull();
    expect(await authorize("reset@shop.test", "second-password")).not.toBeNull();
    await api.patch(`/api/accounts/${merchant.accountId}/users/${id}`, { role: "member" }, asOperator());
  });

  it("removes a user, whose session then stops working", async () => {
    const added = await api.post(`/api/accounts/${merchant.accountId}/users`, { email: "leaver@shop.test", role: "member", password: "leaver-password" }, asOperator());
    const cookie = await sessionCookie(added.body.data.id);
    expect((await api.get("/api/webhooks", { headers: { cookie } })).status).toBe(200);
    const res = await api.delete(`/api/accounts/${merchant.accountId}/users/${added.body.data.id}`, asOperator());
    expect(res.status).toBe(204);
    expect((await api.get("/api/webhooks", { headers: { cookie } })).status).toBe(401);
    // …and the pages send them to sign-in (which no longer sends them back: no redirect loop).
    expect(await currentSessionUser(added.body.data.id)).toBeNull();
    expect((await api.delete(`/api/accounts/${merchant.accountId}/users/${added.body.data.id}`, asOperator())).status).toBe(404);
  });

  it("keeps an email unique across all accounts (409), whatever its case", async () => {
    const taken = await db().user.findUniqueOrThrow({ where: { id: other.userId } });
    const before = await db().user.count();
    for (const email of [taken.email, taken.email.toUpperCase(), "operator@hookrelay.test"]) {
      const res = await api.post(`/api/accounts/${merchant.accountId}/users`, { email, role: "member" }, asOperator());
      expect(res.status, email).toBe(409);
      expect(res.body.details).toEqual([{ path: "email", message: "already in use" }]);
    }
    expect(await db().user.count()).toBe(before);
  });

  it.each([
    ["a bad email", { email: "nope", role: "member" }, "email"],
    ["a missing role", { email: "a@shop.test" }, "role"],
    ["an unknown role", { email: "a@shop.test", role: "owner" }, "role"],
    ["a short password", { email: "a@shop.test", role: "member", password: "short" }, "password"],
    ["an unknown field", { email: "a@shop.test", role: "member", account_id: "acct_x" }, ""],
  ])("refuses adding a user with %s (422 on the field)", async (_, body, path) => {
    const res = await api.post(`/api/accounts/${merchant.accountId}/users`, body, asOperator());
    expect(res.status).toBe(422);
    expect(res.body.details.map((d: { path: string }) => d.path)).toContain(path);
  });

  it.each([
    ["an unknown role", { role: "root" }, "role"],
    ["reset_password false", { reset_password: false }, "reset_password"],
    ["a password (set through a link only)", { password: "new-password-1" }, ""],
  ])("refuses a user update with %s (422)", async (_, body, path) => {
    const res = await api.patch(`/api/accounts/${merchant.accountId}/users/${merchant.userId}`, body, asOperator());
    expect(res.status).toBe(422);
    expect(res.body.details.map((d: { path: string }) => d.path)).toContain(path);
  });

  it("refuses removing or demoting the last admin of the operator account (409), and allows it once there is another", async () => {
    const path = `/api/accounts/${operatorAccountId}/users/${operatorUserId}`;
    for (const res of [await api.delete(path, asOperator()), await api.patch(path, { role: "member" }, asOperator())]) {
      expect(res.status).toBe(409);
      expect(res.body.error).toMatch(/last admin/);
    }
    expect((await db().user.findUniqueOrThrow({ where: { id: operatorUserId } })).role).toBe("admin");

    const second = await api.post(`/api/accounts/${operatorAccountId}/users`, { email: "second-admin@hookrelay.test", role: "admin", password: "second-admin-pw" }, asOperator());
    expect(second.status).toBe(201);
    expect((await api.patch(`/api/accounts/${operatorAccountId}/users/${second.body.data.id}`, { role: "member" }, asOperator())).status).toBe(200);
    expect((await api.delete(path, asOperator())).status).toBe(409);
    await api.patch(`/api/accounts/${operatorAccountId}/users/${second.body.data.id}`, { role: "admin" }, asOperator());
    expect((await api.delete(`/api/accounts/${operatorAccountId}/users/${second.body.data.id}`, asOperator())).status).toBe(204);
    expect((await api.delete(path, asOperator())).status).toBe(409);
  });

  it("two concurrent removals of the last two admins leave one", async () => {
    const t = await newAccount();
    const ids = [];
    for (const email of ["a1@race.test", "a2@race.test"]) {
      ids.push((await api.post(`/api/accounts/${t.account.id}/users`, { email, role: "admin", password: "race-password" }, asOperator())).body.data.id);
    }
    const results = await Promise.all(ids.map((id) => api.delete(`/api/accounts/${t.account.id}/users/${id}`, asOperator())));
    expect(results.map((r) => r.status).sort()).toEqual([204, 409]);
    expect(await db().user.count({ where: { accountId: t.account.id, role: "admin" } })).toBe(1);
  });
});

describe("isolation: members never reach these routes, and a user of one account is not another's", () => {
  /** Every route of this part, aimed at account `b` (and b's user). */
  const probes = (b: Tenant): [string, string, unknown?][] => [
    ["GET", "/api/accounts"],
    ["POST", "/api/accounts", { name: "x" }],
    ["GET", `/api/accounts/${b.accountId}`],
    ["PATCH", `/api/accounts/${b.accountId}`, { name: "stolen", disabled: true }],
    ["DELETE", `/api/accounts/${b.accountId}`],
    ["GET", `/api/accounts/${b.accountId}/users`],
    ["POST", `/api/accounts/${b.accountId}/users`, { email: "intruder@evil.test", role: "admin", password: "intruder-password" }],
    ["PATCH", `/api/accounts/${b.accountId}/users/${b.userId}`, { role: "admin", reset_password: true }],
    ["DELETE", `/api/accounts/${b.accountId}/users/${b.userId}`],
  ];

  it("a member of account A (key or session) gets 403 on every route for account B, and B is unchanged", async () => {
    const callers: CallOptions[] = [{ key: merchant.key }, { headers: { cookie: merchant.cookie, ...SAME_ORIGIN } }];
    for (const caller of callers) {
      for (const [method, path, body] of [...probes(other), ...probes(merchant)]) {
        const before = await fingerprint(other.accountId);
        const res = await callAs(method, path, body, caller);
        expect(res.status, `${method} ${path}`).toBe(403);
        expectErrorEnvelope(res.body);
        expect(JSON.stringify(res.body)).not.toContain(other.userId);
        expect(await fingerprint(other.accountId), `${method} ${path} changed B`).toEqual(before);
      }
    }
    expect((await api.get(`/api/accounts/${other.accountId}`)).status).toBe(401);
  });

  it("a user id of account B named under account A's path is a 404, for reads and writes", async () => {
    const before = await fingerprint(other.accountId);
    expect((await api.patch(`/api/accounts/${merchant.accountId}/users/${other.userId}`, { name: "moved", role: "admin" }, asOperator())).status).toBe(404);
    expect((await api.patch(`/api/accounts/${merchant.accountId}/users/${other.userId}`, { reset_password: true }, asOperator())).status).toBe(404);
    expect((await api.delete(`/api/accounts/${merchant.accountId}/users/${other.userId}`, asOperator())).status).toBe(404);
    expect(await fingerprint(other.accountId)).toEqual(before);
    expect(await db().passwordToken.count({ where: { userId: other.userId } })).toBe(0);
  });

  it("an admin key of a merchant account is an operator: it manages other accounts (admins see all accounts)", async () => {
    const { key } = await createApiKey({ accountId: merchant.accountId, name: "merchant admin", role: "admin" });
    expect((await api.get(`/api/accounts/${other.accountId}/users`, { key })).status).toBe(200);
  });
});

function callAs(method: string, path: string, body: unknown, options: CallOptions) {
  const m = method.toLowerCase() as "get" | "post" | "patch" | "delete";
  return m === "get" || m === "delete" ? api[m](path, options) : api[m](path, body, options);
}
