/// <reference types="vite/client" />
// Shared by the security tests (issue 7): a tenant with one real object of every kind, made
// through the public API the way an integrator makes them; browser sessions minted as real
// next-auth JWTs; fingerprints of what the database holds, to prove a refused request wrote
// nothing; and the list of methods each app/**/route.ts exports, so the tests are driven by
// the routes that exist rather than by a hand-kept list.
import { createHmac } from "node:crypto";
import { encode } from "next-auth/jwt";
import { expect } from "vitest";
import { upsertUser } from "@/lib/accounts/accounts";
import { createApiKey } from "@/lib/auth/api-keys";
import { authSecret } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { api, type ApiResponse } from "@/test/api";
import { newAccount } from "@/test/fixtures";
import type { Receiver } from "@/test/receiver";

export const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type Method = (typeof METHODS)[number];

const routeModules = import.meta.glob<Record<string, unknown>>("/app/**/route.ts");

/** The HTTP methods a route file exports (what Next.js would serve). */
export async function exportedMethods(file: string): Promise<Method[]> {
  const load = routeModules[file];
  if (!load) throw new Error(`no route module ${file}`);
  const mod = await load();
  return METHODS.filter((m) => typeof mod[m] === "function");
}

/** A route template (`/api/webhooks/{id}/logs`) with its parameters filled in, URL-encoded. */
export const fillPath = (template: string, params: Record<string, string>) =>
  template.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (params[name] === undefined) throw new Error(`no value for {${name}} in ${template}`);
    return encodeURIComponent(params[name]);
  });

export interface Tenant {
  accountId: string;
  /** Member API key. */
  key: string;
  /** Admin API key of the same account (admin of this account, not of the others). */
  adminKey: string;
  /** A member user and a session cookie for it. */
  userId: string;
  cookie: string;
  webhookId: string;
  webhookSecret: string;
  /** A webhook whose endpoint answered 410 Gone: it has a dead letter (and is disabled). */
  deadWebhookId: string;
  deadLetterId: string;
  /** A published event: Hookrelay's id and the publisher's own id. */
  eventId: string;
  eventExternalId: string;
  deliveryId: string;
  attemptId: string;
  integrationId: string;
  integrationSecret: string;
  sourceSystem: string;
  integrationUserId: string;
  /** A dead inbound event of the integration. */
  inboundEventId: string;
  /** A second member key of the account (a target for revocation). */
  spareKeyId: string;
  spareKey: string;
}

/** The inbound receiver's signature (seed 000): `sha256=` + hex HMAC of the raw body. */
export const inboundSignature = (secret: string, raw: string | Uint8Array) =>
  "sha256=" + createHmac("sha256", Buffer.from(secret, "utf8")).update(raw).digest("hex");

export const receivePath = (t: Pick<Tenant, "sourceSystem" | "integrationUserId">) => `/v1/integrations/webhooks/${t.sourceSystem}/${t.integrationUserId}`;

/** Same-origin browser headers for a session request to http://localhost:3000. */
export const SAME_ORIGIN = { origin: "http://localhost:3000", host: "localhost:3000", "sec-fetch-site": "same-origin" } as const;

/** A real next-auth session token for the user, as the sign-in flow would set it. */
export async function sessionCookie(userId: string, options: { secret?: string; maxAge?: number; name?: string } = {}) {
  const token = await encode({ token: { sub: userId }, secret: options.secret ?? authSecret(), maxAge: options.maxAge });
  return `${options.name ?? "next-auth.session-token"}=${token}`;
}

let tenantCounter = 0;

function ok<T extends ApiResponse>(res: T, what: string): T {
  expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
  return res;
}

/**
 * A tenant with one object of every kind. `receivers.ok` answers 200, `receivers.gone` 410 (so
 * its webhook gets a dead letter). Needs WEBHOOK_ALLOW_PRIVATE_NETWORKS=true (the test default).
 */
export async function seedTenant(receivers: { ok: Receiver; gone: Receiver }, options: { webhookSecret?: string; integrationSecret?: string } = {}): Promise<Tenant> {
  tenantCounter += 1;
  const { account, key } = await newAccount("member");
  const { key: adminKey } = await createApiKey({ accountId: account.id, name: "admin", role: "admin" });
  const { key: spareKey, apiKey: spare } = await createApiKey({ accountId: account.id, name: "spare", role: "member" });
  const user = await upsertUser({ accountId: account.id, email: `member-${tenantCounter}-${account.id}@example.com`, password: "a-long-password", role: "member" });

  const webhook = ok(
    await api.post("/api/webhooks", { name: "orders", url: receivers.ok.url, events: ["*"], ...(options.webhookSecret ? { secret: options.webhookSecret } : {}) }, { key }),
    "create webhook",
  ).body.data;
  const test = ok(await api.post(`/api/webhooks/${webhook.id}/test`, { event: "order.created" }, { key }), "send test").body.data;
  const attempt = await db().attempt.findFirstOrThrow({ where: { deliveryId: test.delivery_id } });

  const dead = ok(await api.post("/api/webhooks", { name: "gone", url: receivers.gone.url, events: ["order.*"] }, { key }), "create webhook").body.data;
  ok(await api.post(`/api/webhooks/${dead.id}/test`, { event: "order.created" }, { key }), "send test");
  const deadLetter = await db().deadLetter.findFirstOrThrow({ where: { webhookId: dead.id } });

  const eventExternalId = `order-${account.id}`;
  const event = ok(await api.post("/api/events", { type: "order.created", id: eventExternalId, data: { order_id: "o-1", total: 10 } }, { key }), "publish").body.data;
  const eventRow = await db().event.findFirstOrThrow({ where: { accountId: account.id, externalId: event.id } });

  const integrationUserId = `user-${account.id}`;
  const integration = ok(
    await api.post(
      "/api/integrations",
      { source_system: "pos", user_id: integrationUserId, ...(options.integrationSecret ? { webhook_secret: options.integrationSecret } : {}) },
      { key },
    ),
    "create integration",
  ).body.data;
  const raw = JSON.stringify({ event: "transaction.created", id: `trx-${account.id}`, data: { transaction_id: "trx-1" } });
  const received = ok(
    await api.post(receivePath({ sourceSystem: "pos", integrationUserId }), undefined, {
      rawBody: raw,
      headers: { "content-type": "application/json", "x-webhook-signature": inboundSignature(integration.webhook_secret, raw) },
    }),
    "receive inbound",
  ).body;
  await db().inboundEvent.update({ where: { id: received.internal_id }, data: { status: "dead", deadAt: new Date(), nextAttemptAt: null } });

  return {
    accountId: account.id,
    key,
    adminKey,
    userId: user.id,
    cookie: await sessionCookie(user.id),
    webhookId: webhook.id,
    webhookSecret: webhook.secret,
    deadWebhookId: dead.id,
    deadLetterId: deadLetter.id,
    eventId: eventRow.id,
    eventExternalId,
    deliveryId: test.delivery_id,
    attemptId: attempt.id,
    integrationId: integration.id,
    integrationSecret: integration.webhook_secret,
    sourceSystem: "pos",
    integrationUserId,
    inboundEventId: received.internal_id,
    spareKeyId: spare.id,
    spareKey,
  };
}

/** The tenant's own object for each route parameter, by route template. */
export function tenantParams(template: string, t: Tenant): Record<string, string> {
  if (template.startsWith("/api/webhooks/{id}") || template.startsWith("/api/v1/webhooks/{id}")) return { id: t.webhookId };
  if (template.startsWith("/api/integrations/{id}")) return { id: t.integrationId };
  if (template.startsWith("/api/events/{id}")) return { id: t.eventId };
  if (template.startsWith("/api/api-keys/{id}")) return { id: t.spareKeyId };
  if (template === "/api/accounts/{id}/users/{userId}") return { id: t.accountId, userId: t.userId };
  if (template.startsWith("/api/accounts/{id}")) return { id: t.accountId };
  if (template === "/v1/integrations/webhooks/{sourceSystem}/{userId}") return { sourceSystem: t.sourceSystem, userId: t.integrationUserId };
  if (!template.includes("{")) return {};
  throw new Error(`the security tests do not know which object ${template} takes: add it to tenantParams in test/security-fixtures.ts`);
}

let tables: { name: string; hasAccount: boolean }[] | undefined;

async function appTables() {
  tables ??= (
    await db().$queryRaw<{ name: string; has_account: boolean }[]>`
      SELECT table_name::text AS name, bool_or(column_name = 'account_id') AS has_account
      FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name <> '_prisma_migrations'
      GROUP BY table_name ORDER BY table_name`
  ).map((t) => ({ name: t.name, hasAccount: t.has_account }));
  return tables;
}

/**
 * Row count and content hash of every table (of one account's rows when `accountId` is given).
 * `last_used_at` of API keys is left out: using a key may stamp it, which is not a write the
 * caller asked for.
 */
export async function fingerprint(accountId?: string): Promise<Record<string, string>> {
  const parts = (await appTables()).map((t) => {
    const where = accountId === undefined ? "" : t.name === "accounts" ? "WHERE x.id = $1" : t.hasAccount ? "WHERE x.account_id = $1" : "WHERE false";
    // Ordered by the row's own text: not every table has an `id` (the stats rollups do not).
    return `SELECT '${t.name}' AS t, count(*)::text || ':' || md5(coalesce(string_agg(r, '|' ORDER BY r), '')) AS f
            FROM (SELECT (to_jsonb(x) - 'last_used_at')::text AS r FROM "${t.name}" x ${where}) rows`;
  });
  const rows = await db().$queryRawUnsafe<{ t: string; f: string }[]>(parts.join(" UNION ALL "), ...(accountId === undefined ? [] : [accountId]));
  return Object.fromEntries(rows.map((r) => [r.t, r.f]));
}

/** Every row of every table as JSON text, for "this string is stored nowhere" checks. */
export async function databaseText(): Promise<string> {
  const parts = (await appTables()).map((t) => `SELECT coalesce(string_agg(to_jsonb(x)::text, E'\\n'), '') AS text FROM "${t.name}" x`);
  const rows = await db().$queryRawUnsafe<{ text: string }[]>(parts.join(" UNION ALL "));
  return rows.map((r) => r.text).join("\n");
}

/** The error envelope every API failure answers with. */
export function expectErrorEnvelope(body: unknown, context = "") {
  expect(body, context).toEqual({ success: false, error: expect.any(String), code: expect.any(String), details: expect.any(Array) });
}
