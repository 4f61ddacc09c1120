// Issue 7, "prove that no one gets in": account B, holding A's real ids, can neither read nor
// change anything of A's. The table below names, for every route file with a path parameter,
// how to aim each of its methods at A's objects; a route the table does not know fails the
// suite, so a new route cannot ship without saying how it is isolated.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApiKey } from "@/lib/auth/api-keys";
import { resetRateLimits } from "@/lib/http/rate-limit";
import { api, call, routeFiles, type CallOptions } from "@/test/api";
import { startReceiver, type Receiver } from "@/test/receiver";
import {
  exportedMethods,
  expectErrorEnvelope,
  fillPath,
  fingerprint,
  inboundSignature,
  receivePath,
  SAME_ORIGIN,
  seedTenant,
  type Method,
  type Tenant,
} from "@/test/security-fixtures";

/** One request aimed at A's objects; `body` may name A's ids too. */
interface Probe {
  params: Record<string, string>;
  body?: unknown;
  query?: string;
}

interface RouteCase {
  /** Each exported method, aimed at A's objects. */
  probes?: Partial<Record<Method, (a: Tenant) => Probe[]>>;
  /** Why this route has no tenant objects to probe. */
  exempt?: string;
  /**
   * Operators only: B's member key and session get 403 (not 404: the route itself is closed to
   * them). B's admin key is an operator, who sees every account by design, so it is not a probe.
   */
  admin?: true;
}

const webhookBody = { name: "stolen", url: "https://example.com/stolen", events: ["*"] };

const onWebhook = (body?: unknown) => (a: Tenant) => [
  { params: { id: a.webhookId }, body },
  { params: { id: a.deadWebhookId }, body },
];

// Every route file with a path parameter: how to aim each method at account A's objects.
const cases: Record<string, RouteCase> = {
  "/api/webhooks/{id}": {
    probes: {
      GET: onWebhook(),
      PUT: onWebhook(webhookBody),
      PATCH: onWebhook({ name: "stolen", is_active: true }),
      DELETE: onWebhook(),
    },
  },
  "/api/webhooks/{id}/rotate-secret": { probes: { POST: onWebhook({}) } },
  "/api/webhooks/{id}/test": { probes: { POST: onWebhook({ event: "order.created" }) } },
  "/api/webhooks/{id}/check": { probes: { POST: onWebhook({}) } },
  "/api/webhooks/{id}/deliveries": { probes: { GET: onWebhook() } },
  "/api/webhooks/{id}/logs": { probes: { GET: (a) => [...onWebhook()(a), { params: { id: a.webhookId }, query: `delivery_id=${a.deliveryId}` }] } },
  "/api/webhooks/{id}/stats": { probes: { GET: onWebhook() } },
  "/api/webhooks/{id}/replay": {
    probes: {
      GET: onWebhook(),
      POST: (a) => [
        { params: { id: a.deadWebhookId }, body: { failure_id: a.deadLetterId } },
        { params: { id: a.deadWebhookId }, body: { since: "2000-01-01T00:00:00Z" } },
        { params: { id: a.deadWebhookId }, body: { failure_id: a.deadLetterId, dry_run: true } },
        { params: { id: a.deadWebhookId }, body: { since: "2000-01-01T00:00:00Z", dry_run: true } },
      ],
    },
  },
  "/api/v1/webhooks/{id}": { probes: { GET: onWebhook(), PUT: onWebhook({ url: "https://example.com/stolen", active: true }), DELETE: onWebhook() } },
  "/api/v1/webhooks/{id}/logs": { probes: { GET: onWebhook() } },
  "/api/events/{id}": { probes: { GET: (a) => [{ params: { id: a.eventId } }, { params: { id: a.eventExternalId } }] } },
  "/api/integrations/{id}": {
    probes: {
      GET: (a) => [{ params: { id: a.integrationId } }],
      PATCH: (a) => [{ params: { id: a.integrationId }, body: { is_active: false } }],
      DELETE: (a) => [{ params: { id: a.integrationId } }],
    },
  },
  "/api/integrations/{id}/events": { probes: { GET: (a) => [{ params: { id: a.integrationId } }] } },
  "/api/integrations/{id}/replay": {
    probes: {
      POST: (a) => [
        { params: { id: a.integrationId }, body: { event_id: a.inboundEventId } },
        { params: { id: a.integrationId }, body: {} },
        { params: { id: a.integrationId }, body: { dry_run: true } },
      ],
    },
  },
  "/api/integrations/{id}/rotate-secret": { probes: { POST: (a) => [{ params: { id: a.integrationId }, body: {} }] } },
  "/api/api-keys/{id}": { probes: { DELETE: (a) => [{ params: { id: a.spareKeyId } }] } },
  "/api/accounts/{id}": {
    admin: true,
    probes: {
      GET: (a) => [{ params: { id: a.accountId } }],
      PATCH: (a) => [{ params: { id: a.accountId }, body: { name: "stolen", disabled: true, portal_branding: null } }],
      DELETE: (a) => [{ params: { id: a.accountId } }],
    },
  },
  "/api/accounts/{id}/users": {
    admin: true,
    probes: {
      GET: (a) => [{ params: { id: a.accountId } }],
      POST: (a) => [{ params: { id: a.accountId }, body: { email: "intruder@example.com", role: "admin", password: "intruder-password" } }],
    },
  },
  "/api/accounts/{id}/users/{userId}": {
    admin: true,
    probes: {
      PATCH: (a) => [{ params: { id: a.accountId, userId: a.userId }, body: { role: "admin", reset_password: true } }],
      DELETE: (a) => [{ params: { id: a.accountId, userId: a.userId } }],
    },
  },
  // Authenticated by signature, not by account: its own test below signs with B's secret.
  "/v1/integrations/webhooks/{sourceSystem}/{userId}": { exempt: "checked by 'the inbound receiver refuses A's path signed with B's secret'" },
  "/api/auth/{nextauth}": { exempt: "next-auth's own sign-in/sign-out/session handler: it takes no object ids" },
};

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

/** The ways account B may call: its member key, its admin key (admin of B only), its session. */
const callers: { name: string; options: (b: Tenant) => CallOptions }[] = [
  { name: "B's member API key", options: (t) => ({ key: t.key }) },
  { name: "B's admin API key", options: (t) => ({ key: t.adminKey }) },
  { name: "B's session", options: (t) => ({ headers: { cookie: t.cookie, ...SAME_ORIGIN } }) },
];

const paramRoutes = routeFiles.filter((r) => r.names.length > 0);

describe("the tenant-isolation table", () => {
  it("knows every route file with a path parameter and every method it exports", async () => {
    const problems: string[] = [];
    for (const route of paramRoutes) {
      const entry = cases[route.template];
      if (!entry) {
        problems.push(`${route.template} (${route.file}) is not in the tenant-isolation table: add it to \`cases\` in lib/security/tenant-isolation.test.ts`);
        continue;
      }
      if (entry.exempt) continue;
      for (const method of await exportedMethods(route.file)) {
        if (!entry.probes?.[method]) problems.push(`${method} ${route.template} has no probe in \`cases\` (lib/security/tenant-isolation.test.ts): add one`);
      }
    }
    for (const template of Object.keys(cases)) {
      if (!paramRoutes.some((r) => r.template === template)) problems.push(`\`cases\` names ${template}, which is not a route any more: remove it`);
    }
    expect(problems).toEqual([]);
  });
});

describe("account B calling with account A's ids", () => {
  const rows = paramRoutes.flatMap((route) => {
    const entry = cases[route.template];
    const expected = entry?.admin ? { status: 403, code: "forbidden" } : { status: 404, code: "not_found" };
    return Object.entries(entry?.probes ?? {}).flatMap(([method, probes]) =>
      callers.filter((caller) => !(entry?.admin && caller.name.includes("admin"))).map((caller) => ({ route: route.template, method, probes: probes!, caller, expected })),
    );
  });

  it.each(rows)("$method $route as $caller.name: $expected.status, and A's objects are unchanged", async ({ route, method, probes, caller, expected }) => {
    for (const probe of probes(a)) {
      const before = await fingerprint(a.accountId);
      const path = fillPath(route, probe.params) + (probe.query ? `?${probe.query}` : "");
      const res = await call(method, path, probe.body, caller.options(b));
      expect(res.status, `${method} ${path} ${JSON.stringify(probe.body ?? null)}`).toBe(expected.status);
      expectErrorEnvelope(res.body);
      expect(res.body.code).toBe(expected.code);
      expect(await fingerprint(a.accountId), `${method} ${path} changed account A's rows`).toEqual(before);
    }
  });

  it("B's own webhook cannot replay A's dead letter, nor B's integration A's inbound event, nor B test-send to A's webhook", async () => {
    const before = await fingerprint(a.accountId);
    const replay = await api.post(`/api/webhooks/${b.deadWebhookId}/replay`, { failure_id: a.deadLetterId }, { key: b.key });
    expect(replay.status).toBe(404);
    expect(replay.body.code).toBe("not_found");
    const inbound = await api.post(`/api/integrations/${b.integrationId}/replay`, { event_id: a.inboundEventId }, { key: b.key });
    expect(inbound.status).toBe(404);
    // The AuraConnect dialect names the webhook in the body, not the path.
    const test = await api.post("/api/v1/webhooks/test", { webhook_id: a.webhookId, event_type: "order.created" }, { key: b.key });
    expect(test.status).toBe(404);
    expect(test.body.code).toBe("not_found");
    expect(await fingerprint(a.accountId)).toEqual(before);
  });

  it("B's own lists filtered or paged by A's ids show nothing of A's", async () => {
    const aIds = idsOf(a);
    for (const path of [
      `/api/webhooks/${b.webhookId}/logs?delivery_id=${a.deliveryId}`,
      `/api/webhooks/${b.webhookId}/logs?cursor=${a.attemptId}`,
      `/api/webhooks/${b.webhookId}/deliveries?cursor=${a.deliveryId}`,
      `/api/webhooks/${b.deadWebhookId}/replay?cursor=${a.deadLetterId}`,
      `/api/webhooks?cursor=${a.webhookId}`,
      `/api/integrations?cursor=${a.integrationId}`,
      `/api/events?limit=100`,
      `/api/events?status=failed&limit=100`,
      `/api/events?type=order.created&limit=100`,
    ]) {
      const res = await api.get(path, { key: b.key });
      expect(res.status, path).toBe(200);
      for (const id of aIds) expect(JSON.stringify(res.body), `${path} shows A's ${id}`).not.toContain(id);
    }
    // An inbound-events cursor from another integration is refused, not followed.
    const events = await api.get(`/api/integrations/${b.integrationId}/events?cursor=${a.inboundEventId}`, { key: b.key });
    expect(events.status).toBe(422);
    // The event browser filtered by A's webhook: that webhook is not found for B.
    expect((await api.get(`/api/events?webhook_id=${a.webhookId}`, { key: b.key })).status).toBe(404);
  });

  it("the inbound receiver refuses A's path signed with B's secret", async () => {
    const before = await fingerprint(a.accountId);
    const raw = JSON.stringify({ event: "transaction.created", data: { transaction_id: "forged" } });
    const res = await api.post(receivePath(a), undefined, { rawBody: raw, headers: { "content-type": "application/json", "x-webhook-signature": inboundSignature(b.integrationSecret, raw) } });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ success: false, error: "Invalid signature" });
    expect(await fingerprint(a.accountId)).toEqual(before);
  });
});

function idsOf(t: Tenant) {
  return [t.accountId, t.webhookId, t.deadWebhookId, t.deadLetterId, t.eventId, t.eventExternalId, t.deliveryId, t.attemptId, t.integrationId, t.inboundEventId, t.spareKeyId, t.userId];
}

describe("routes without a path parameter", () => {
  const readRoutes = routeFiles.filter((r) => r.names.length === 0);

  it("no GET route shows B anything of A's", async () => {
    const aIds = idsOf(a);
    let checked = 0;
    for (const route of readRoutes) {
      if (!(await exportedMethods(route.file)).includes("GET") || route.template === "/api/inngest") continue;
      for (const caller of callers) {
        const res = await api.get(route.template, caller.options(b));
        expect(res.status, `GET ${route.template} as ${caller.name}`).toBeLessThan(500);
        const text = JSON.stringify(res.body);
        // /api/accounts lists every account to admins by design; a member gets 403.
        if (route.template === "/api/accounts" && caller.name.includes("admin")) continue;
        for (const id of aIds) expect(text, `GET ${route.template} as ${caller.name} shows A's ${id}`).not.toContain(id);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });

  it("B's writes never touch A: publishing, creating, and reusing A's event id", async () => {
    const before = await fingerprint(a.accountId);
    // A subscribes to "*": B's event must still only reach B's webhooks.
    const published = await api.post("/api/events", { type: "order.created", id: a.eventExternalId, data: { order_id: "b-1" } }, { key: b.key });
    expect(published.status).toBe(202);
    expect(published.body.data.duplicate).toBe(false);
    expect(published.body.data.data).toEqual({ order_id: "b-1" });
    expect(published.body.data.deliveries.map((d: { webhook_id: string }) => d.webhook_id)).toEqual([b.webhookId]);
    expect((await api.post("/api/webhooks", webhookBody, { key: b.key })).status).toBe(201);
    expect((await api.post("/api/integrations", { source_system: "pos", user_id: `other-${b.accountId}` }, { key: b.key })).status).toBe(201);
    expect((await api.post("/api/api-keys", { name: "b" }, { key: b.key })).status).toBe(201);
    // A's receive URL is A's: B cannot register the same source_system + user_id.
    expect((await api.post("/api/integrations", { source_system: a.sourceSystem, user_id: a.integrationUserId }, { key: b.key })).status).toBe(409);
    expect((await api.get("/api/accounts", { key: b.key })).status).toBe(403);
    expect((await api.post("/api/accounts", { name: "new" }, { key: b.key })).status).toBe(403);
    expect(await fingerprint(a.accountId)).toEqual(before);
  });

  it("an admin of another account is still confined to the account it acts on", async () => {
    // B's admin acting on B (no header) was probed above; acting on A needs the header, and then
    // it sees A's objects only, never B's.
    const { key: operator } = await createApiKey({ accountId: b.accountId, name: "operator", role: "admin" });
    const res = await api.get(`/api/webhooks/${b.webhookId}`, { key: operator, headers: { "x-hookrelay-account": a.accountId } });
    expect(res.status).toBe(404);
    expect((await api.get(`/api/webhooks/${a.webhookId}`, { key: operator, headers: { "x-hookrelay-account": a.accountId } })).status).toBe(200);
  });
});
