// Issue 7: bad input never hurts. Every write route (found in app/**/route.ts, with real ids
// filled in so requests reach validation) gets random JSON, malformed JSON, wrong types for
// each field it knows, huge strings, emoji, NUL characters and lone surrogates, and invalid
// UTF-8 bytes. Whatever arrives: a 4xx with the error envelope, never a 5xx, and nothing written
// — unless the input really was valid, in which case a 2xx is allowed. Path parameters and
// query strings of every route, and the inbound receiver, get the same treatment.
import fc from "fast-check";
import { z } from "zod";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { upsertUser } from "@/lib/accounts/accounts";
import { db } from "@/lib/db/client";
import { resetRateLimits } from "@/lib/http/rate-limit";
import { isInboundEventType } from "@/lib/inbound/integration-input";
import { call, routeFiles, type ApiResponse, type CallOptions } from "@/test/api";
import { startReceiver, type Receiver } from "@/test/receiver";
import { newAccount } from "@/test/fixtures";
import {
  exportedMethods,
  expectErrorEnvelope,
  fillPath,
  fingerprint,
  inboundSignature,
  receivePath,
  seedTenant,
  tenantParams,
  type Method,
  type Tenant,
} from "@/test/security-fixtures";

const RUNS = 20;
const HUGE = "x".repeat(300 * 1024);
const FUZZ_TIMEOUT_MS = 60_000;

interface WriteCase {
  /** The `.meta({ id })` of the zod schema the route validates its body with; null: no body. */
  schema: string | null;
  /** A body the schema accepts, naming every field worth mutating. */
  valid?: (t: Tenant) => Record<string, unknown>;
  /** Call as an admin (operator-only routes). */
  admin?: boolean;
  /** Path parameters other than the fuzzed tenant's own objects. */
  params?: () => Record<string, string>;
}

// Every write method of every route file: how to reach its validation. A route missing here
// fails the suite (see "the fuzz table knows every write route").
const writes: Record<string, WriteCase | { exempt: string }> = {
  "POST /api/webhooks": {
    schema: "CreateWebhook",
    valid: () => ({
      name: "fuzz",
      url: "https://example.com/fuzz",
      events: ["order.*"],
      description: "d",
      secret: "a-chosen-secret-0123456789",
      is_active: true,
      filters: { status: "paid" },
      ip_whitelist: ["203.0.113.0/24"],
      headers: { "X-Tenant": "acme" },
      timeout_ms: 5000,
      retry_policy: "standard",
      signature_profile: "standard",
      rate_limit_per_hour: 100,
      debug_mode: false,
    }),
  },
  "PUT /api/webhooks/{id}": {
    schema: "UpdateWebhook",
    valid: () => ({ name: "fuzz", url: receiverUrl, events: ["order.*"], description: "d", filters: null, headers: {}, timeout_ms: 5000, retry_policy: [1, 2], signature_profile: "sha256" }),
  },
  "PATCH /api/webhooks/{id}": { schema: "UpdateWebhook", valid: () => ({ name: "fuzz", is_active: true, rate_limit_per_hour: null, debug_mode: true, ip_whitelist: [] }) },
  "DELETE /api/webhooks/{id}": { schema: null },
  "POST /api/webhooks/{id}/rotate-secret": { schema: "RotateSecret", valid: () => ({ secret: "a-chosen-secret-0123456789" }) },
  "POST /api/webhooks/{id}/test": { schema: "SendTest", valid: () => ({ event: "order.created", type: "order.created" }) },
  "POST /api/webhooks/{id}/check": { schema: "CheckEndpoint", valid: () => ({ event: "order.created" }) },
    "POST /api/webhooks/{id}/replay": { schema: "Replay", valid: () => ({ since: "2020-01-01T00:00:00Z", dry_run: true }) },
  "POST /api/v1/webhooks": {
    schema: "AuraConnectCreateWebhook",
    valid: () => ({ url: "https://example.com/fuzz", events: ["order.*"], secret: "a-chosen-secret-0123456789", active: true, status: "active", description: "d", filters: { restaurant_id: 1 }, debug_mode: true }),
  },
  "PUT /api/v1/webhooks/{id}": { schema: "AuraConnectUpdateWebhook", valid: () => ({ events: ["order.*"], active: true, status: "active", debug_mode: true, filters: null }) },
  "DELETE /api/v1/webhooks/{id}": { schema: null },
  "POST /api/v1/webhooks/test": { schema: "AuraConnectTestWebhook", valid: (t) => ({ webhook_id: t.webhookId, event_type: "order.created" }) },
  "POST /api/events": { schema: "PublishEvent", valid: () => ({ type: "order.created", data: { order_id: "o-1" }, id: "fuzz-event" }) },
  "POST /api/integrations": {
    schema: "CreateIntegration",
    valid: () => ({ source_system: "fuzz", user_id: "u-1", name: "n", webhook_secret: "a-chosen-secret-0123456789", forward_as: "pos", is_active: true, rate_limit_per_minute: 60 }),
  },
  "PATCH /api/integrations/{id}": { schema: "UpdateIntegration", valid: () => ({ name: "n", forward_as: null, is_active: true, rate_limit_per_minute: 60 }) },
  "DELETE /api/integrations/{id}": { schema: null },
  "POST /api/integrations/{id}/rotate-secret": { schema: "RotateIntegrationSecret", valid: () => ({ webhook_secret: "a-chosen-secret-0123456789" }) },
  "POST /api/integrations/{id}/replay": { schema: "InboundReplay", valid: () => ({ since: "2020-01-01T00:00:00Z", dry_run: true }) },
  "POST /api/api-keys": { schema: "CreateApiKey", valid: () => ({ name: "k", role: "member" }) },
  "DELETE /api/api-keys/{id}": { schema: null },
  "POST /api/accounts": { schema: "CreateAccount", admin: true, valid: () => ({ name: "acme", member_email: "m@example.com", member_password: "a-long-password", member_name: "M" }) },
  "POST /api/portal-links": { schema: "CreatePortalLink", valid: (t) => ({ account_id: t.accountId, capability: "view", expires_in: 3600 }) },
  // Operators' routes act on a spare merchant account: a valid PATCH may disable it, which
  // must not lock out the tenant the other write routes are fuzzed with.
  "PATCH /api/accounts/{id}": {
    schema: "UpdateAccount",
    admin: true,
    params: () => ({ id: spare.accountId }),
    valid: () => ({ name: "fuzz", portal_branding: { display_name: "Fuzz", accent_color: "#112233", logo_url: "https://example.com/logo.png" } }),
  },
  "DELETE /api/accounts/{id}": { schema: null },
  "POST /api/accounts/{id}/users": {
    schema: "AddUser",
    admin: true,
    params: () => ({ id: spare.accountId }),
    valid: () => ({ email: "fuzz-user@example.com", name: "F", role: "member", password: "a-long-password" }),
  },
  "PATCH /api/accounts/{id}/users/{userId}": {
    schema: "UpdateUser",
    admin: true,
    params: () => ({ id: spare.accountId, userId: spare.userId }),
    valid: () => ({ name: "F", role: "member" }),
  },
  "DELETE /api/accounts/{id}/users/{userId}": { schema: null },
  "POST /api/set-password": { schema: "SetPassword", valid: () => ({ token: "not-a-real-token", password: "a-long-password" }) },
  "POST /v1/integrations/webhooks/{sourceSystem}/{userId}": { exempt: "the inbound receiver: fuzzed in its own describe block below" },
  "GET /api/auth/{nextauth}": { exempt: "next-auth's handler (sign-in, sign-out, session), not our API" },
  "POST /api/auth/{nextauth}": { exempt: "next-auth's handler (sign-in, sign-out, session), not our API" },
  "POST /api/inngest": { exempt: "Inngest's protocol, refused unless signed with INNGEST_SIGNING_KEY (inngest/functions/serve.test.ts)" },
  "PUT /api/inngest": { exempt: "Inngest's protocol, refused unless signed with INNGEST_SIGNING_KEY (inngest/functions/serve.test.ts)" },
};

const WRITE_METHODS: Method[] = ["POST", "PUT", "PATCH", "DELETE"];

let receiver: Receiver;
let gone: Receiver;
let receiverUrl: string;
let t: Tenant;
let operatorKey: string;
/** A merchant account with one member user, for the operators' routes. */
let spare: { accountId: string; userId: string };

beforeAll(async () => {
  receiver = await startReceiver(200);
  gone = await startReceiver(410);
  receiverUrl = receiver.url;
  t = await seedTenant({ ok: receiver, gone });
  ({ key: operatorKey } = await newAccount("admin"));
  const { account } = await newAccount("member");
  spare = { accountId: account.id, userId: (await upsertUser({ accountId: account.id, email: `spare-${account.id}@example.com`, password: "a-long-password", role: "member" })).id };
});

afterAll(async () => {
  await receiver?.close();
  await gone?.close();
});

beforeEach(() => {
  resetRateLimits();
});

/** The zod schema registered under `id` (the one the route validates with and OpenAPI shows). */
function schemaById(id: string): z.ZodType {
  const schema = z.globalRegistry._idmap.get(id);
  if (!schema) throw new Error(`no zod schema with .meta({ id: "${id}" }): the route's body schema changed; update \`writes\``);
  return schema as z.ZodType;
}

/** The field names a body schema knows (objects, unions of objects, pipes). */
function fieldsOf(schema: unknown): string[] {
  const def = (schema as { _zod: { def: { type: string; shape?: object; options?: unknown[]; in?: unknown; innerType?: unknown } } })._zod.def;
  if (def.type === "object") return Object.keys(def.shape ?? {});
  if (def.type === "union") return [...new Set((def.options ?? []).flatMap(fieldsOf))];
  if (def.type === "pipe") return fieldsOf(def.in);
  if (def.innerType) return fieldsOf(def.innerType);
  return [];
}

/**
 * Whether a value holds text PostgreSQL cannot store (NUL) or that is not Unicode (a lone
 * surrogate), or nests deeper than any payload needs. Written independently of the app's check.
 */
function hasUnstorableText(value: unknown): boolean {
  const bad = (s: string) => s.includes("\u0000") || /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v === "string" && bad(v)) return true;
    if (v === null || typeof v !== "object") continue;
    if (depth > 64) return true;
    for (const [k, child] of Object.entries(v)) {
      if (bad(k)) return true;
      stack.push([child, depth + 1]);
    }
  }
  return false;
}

interface Target {
  key: string;
  method: Method;
  path: string;
  schema: z.ZodType | null;
  fields: string[];
  valid: Record<string, unknown>;
  options: CallOptions;
}

async function writeTargets(): Promise<Target[]> {
  const targets: Target[] = [];
  for (const route of routeFiles) {
    for (const method of await exportedMethods(route.file)) {
      if (!WRITE_METHODS.includes(method)) continue;
      const entry = writes[`${method} ${route.template}`];
      if (!entry || "exempt" in entry) continue;
      const schema = entry.schema ? schemaById(entry.schema) : null;
      targets.push({
        key: `${method} ${route.template}`,
        method,
        path: fillPath(route.template, entry.params?.() ?? tenantParams(route.template, t)),
        schema,
        fields: schema ? fieldsOf(schema) : [],
        valid: entry.valid?.(t) ?? {},
        options: { key: entry.admin ? operatorKey : t.key },
      });
    }
  }
  return targets;
}

/** What every answer to bad input must be: a 4xx in the error envelope, and nothing written. */
async function expectRefused(res: ApiResponse, before: Record<string, string>, what: string) {
  expect(res.status, `${what} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  expect(res.status, `${what} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`).toBeLessThan(500);
  expectErrorEnvelope(res.body, what);
  expect(await fingerprint(), `${what} wrote to the database`).toEqual(before);
}

/**
 * Sends `body` (JSON) to the target. Input the schema refuses must be refused; input it accepts
 * may succeed, but never with a 5xx, and text the database cannot store must still be refused.
 */
async function sendJson(target: Target, body: unknown) {
  const before = await fingerprint();
  const res = await call(target.method, target.path, body, target.options);
  const what = `${target.key} ${JSON.stringify(body)?.slice(0, 200)}`;
  // Judged by what the server receives: JSON has no -Infinity or NaN, they go out as null.
  const sent: unknown = JSON.parse(JSON.stringify(body));
  const schemaAccepts = target.schema?.safeParse(sent).success ?? true;
  if (!schemaAccepts || hasUnstorableText(sent) || res.status >= 400) await expectRefused(res, before, what);
  else expect(res.status, `${what} → ${JSON.stringify(res.body).slice(0, 300)}`).toBeLessThan(300);
}

async function sendRaw(target: Target, rawBody: string | Uint8Array) {
  const before = await fingerprint();
  const res = await call(target.method, target.path, undefined, { ...target.options, rawBody, headers: { "content-type": "application/json" } });
  await expectRefused(res, before, `${target.key} raw ${String(rawBody).slice(0, 100)}`);
  return res;
}

// Strings that have broken parsers, databases and renderers.
const nastyString = fc.oneof(
  fc.string({ unit: "binary", maxLength: 30 }), // any code unit, lone surrogates included
  fc.string({ unit: "grapheme", maxLength: 15 }), // emoji, combining marks
  fc.constantFrom(
    "\u0000",
    "a\u0000b",
    "\ud800",
    "x\udfff",
    "\ud83d",
    "😀",
    "👩🏽‍💻🏳️‍🌈",
    "\u202etxt.exe",
    "\ufeff",
    "𝕳𝖔𝖔𝖐",
    "'; DROP TABLE webhooks; --",
    "../../etc/passwd",
    "%00",
    "${jndi:ldap://x/a}",
    "<script>alert(1)</script>",
    "\r\nSet-Cookie: a=b",
    "0000-01-01T00:00:00Z",
    "9999-12-31T23:59:59-14:00",
  ),
);

const wrongValue = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(-1, 0, 1e308, Number.MAX_SAFE_INTEGER + 2, -0),
  fc.boolean(),
  fc.constant(null),
  nastyString,
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
  fc.array(nastyString, { minLength: 1, maxLength: 3 }),
  fc.dictionary(nastyString, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), nastyString, { minKeys: 1, maxKeys: 3 }),
);

const malformedJson = fc
  .oneof(
    fc.string({ minLength: 1, maxLength: 40 }),
    fc.constantFrom("{", "}", "[", '{"a":', '{"a":1,}', "[1,]", "{a:1}", "{'a':1}", "nul", "tru", "undefined", "NaN", "0x10", '"unterminated', "{}}", '{"a":1}{"b":2}', "\u0000"),
    fc.jsonValue().chain((v) => {
      const text = JSON.stringify(v);
      return fc.integer({ min: 1, max: Math.max(1, text.length - 1) }).map((n) => text.slice(0, n));
    }),
  )
  .filter((text) => {
    if (text.trim() === "" && text !== "") return true;
    try {
      JSON.parse(text);
      return false;
    } catch {
      return text.length > 0;
    }
  });

const INVALID_UTF8 = [[0xff], [0xfe, 0xff], [0xc0, 0xaf], [0x80], [0xbf, 0xbf], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xc3]];

/** `json` with an invalid UTF-8 sequence placed inside its first string (or appended). */
function withInvalidUtf8(json: string, bad: number[]): Uint8Array {
  const bytes = new TextEncoder().encode(json);
  const at = json.indexOf('"') + 1 || bytes.length;
  return new Uint8Array([...bytes.subarray(0, at), ...bad, ...bytes.subarray(at)]);
}

describe("the fuzz table", () => {
  it("knows every write route (a new one must say how to reach its validation)", async () => {
    const problems: string[] = [];
    for (const route of routeFiles) {
      for (const method of await exportedMethods(route.file)) {
        const key = `${method} ${route.template}`;
        if (WRITE_METHODS.includes(method) && !writes[key]) problems.push(`${key} is not in \`writes\` (lib/security/bad-input.fuzz.test.ts): add it`);
      }
    }
    for (const entry of Object.values(writes)) if ("schema" in entry && entry.schema) schemaById(entry.schema);
    expect(problems).toEqual([]);
  });
});

describe("every write route", () => {
  it(
    "refuses random JSON values that its schema refuses: 4xx, envelope, nothing written",
    async () => {
      for (const target of await writeTargets()) {
        if (!target.schema) continue;
        const schema = target.schema;
        await fc.assert(
          fc.asyncProperty(
            fc.jsonValue().filter((v) => !schema.safeParse(v).success),
            (v) => sendJson(target, v),
          ),
          { numRuns: RUNS },
        );
      }
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    "refuses malformed JSON text with 400",
    async () => {
      for (const target of await writeTargets()) {
        if (!target.schema) continue;
        await fc.assert(
          fc.asyncProperty(malformedJson, async (text) => {
            const res = await sendRaw(target, text);
            expect(res.status, `${target.key} ${JSON.stringify(text)}`).toBe(400);
          }),
          { numRuns: RUNS },
        );
      }
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    "handles wrong types, emoji, NUL and lone surrogates in each known field: never a 5xx",
    async () => {
      for (const target of await writeTargets()) {
        if (!target.schema) continue;
        const fields = [...new Set([...target.fields, ...Object.keys(target.valid), "unknown_field"])];
        await fc.assert(
          fc.asyncProperty(fc.constantFrom(...fields), wrongValue, (field, value) => sendJson(target, { ...target.valid, [field]: value })),
          { numRuns: Math.round(RUNS * 1.5) },
        );
      }
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    "refuses a 300 KB string in any field with 413",
    async () => {
      for (const target of await writeTargets()) {
        // A route without a body schema ignores the body (DELETE): nothing to refuse.
        if (!target.schema) continue;
        for (const field of [...new Set([...target.fields, "padding"])]) {
          const before = await fingerprint();
          const res = await call(target.method, target.path, { ...target.valid, [field]: HUGE }, target.options);
          await expectRefused(res, before, `${target.key} huge ${field}`);
          expect(res.status, `${target.key} huge ${field}`).toBe(413);
        }
      }
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    "refuses invalid UTF-8 bytes with 400",
    async () => {
      for (const target of await writeTargets()) {
        if (!target.schema) continue;
        await fc.assert(
          fc.asyncProperty(fc.constantFrom(...INVALID_UTF8), async (bad) => {
            const res = await sendRaw(target, withInvalidUtf8(JSON.stringify(target.valid), bad));
            expect(res.status).toBe(400);
          }),
          { numRuns: 10 },
        );
      }
    },
    FUZZ_TIMEOUT_MS,
  );
});

const randomId = fc
  .oneof(
    fc.string({ unit: "binary", minLength: 1, maxLength: 40 }),
    fc.string({ unit: "grapheme", minLength: 1, maxLength: 10 }),
    fc.constantFrom("\u0000", "wh_\u0000", "a".repeat(5000), "%", "%00", "wh_01", "' OR '1'='1", "😀", "\ud800", " "),
  )
  .filter((s) => {
    if (s === "." || s === "..") return false; // URL dot segments: another path, not an id
    try {
      encodeURIComponent(s);
      return true;
    } catch {
      return false; // a lone surrogate cannot be put in a URL
    }
  });

describe("path parameters and query strings", () => {
  it(
    "every route with an {id} answers random ids with a 4xx envelope and writes nothing",
    async () => {
      for (const route of routeFiles.filter((r) => r.names.length === 1 && r.template.startsWith("/api/") && !r.template.startsWith("/api/auth/"))) {
        for (const method of await exportedMethods(route.file)) {
          const entry = writes[`${method} ${route.template}`];
          const body = entry && "valid" in entry ? entry.valid?.(t) : undefined;
          await fc.assert(
            fc.asyncProperty(randomId, async (id) => {
              const before = await fingerprint();
              const res = await call(method, fillPath(route.template, { [route.names[0]]: id }), body, { key: t.key });
              await expectRefused(res, before, `${method} ${route.template} id=${JSON.stringify(id)}`);
            }),
            { numRuns: 10 },
          );
        }
      }
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    "every GET route answers random query values without a 5xx (as an admin, so account_id is looked up)",
    async () => {
      const keys = ["limit", "cursor", "status", "event", "since", "delivery_id", "event_type", "window", "account_id", "unknown"];
      for (const route of routeFiles) {
        if (route.template.startsWith("/api/auth/") || route.template === "/api/inngest" || !(await exportedMethods(route.file)).includes("GET")) continue;
        const path = fillPath(route.template, tenantParams(route.template, t));
        await fc.assert(
          fc.asyncProperty(fc.dictionary(fc.constantFrom(...keys), randomId, { minKeys: 1, maxKeys: 3 }), async (query) => {
            const url = `${path}?${new URLSearchParams(query)}`;
            const res = await call("GET", url, undefined, { key: t.adminKey });
            expect(res.status, `${url} → ${JSON.stringify(res.body).slice(0, 300)}`).toBeLessThan(500);
            if (res.status >= 400) expectErrorEnvelope(res.body, url);
          }),
          { numRuns: 10 },
        );
      }
    },
    FUZZ_TIMEOUT_MS,
  );
});

describe("the inbound receiver", () => {
  // Its own tenant: the write fuzzing above may have rotated or disabled the first one's integration.
  let r: Tenant;
  beforeAll(async () => {
    r = await seedTenant({ ok: receiver, gone });
  });

  const post = (raw: string | Uint8Array, signature: string | undefined) =>
    call("POST", receivePath(r), undefined, { rawBody: raw, headers: { "content-type": "application/json", ...(signature === undefined ? {} : { "x-webhook-signature": signature }) } });

  async function expectReceiverRefused(res: ApiResponse, status: number | null, before: Record<string, string>, what: string) {
    if (status === null) {
      expect(res.status, what).toBeGreaterThanOrEqual(400);
      expect(res.status, what).toBeLessThan(500);
    } else expect(res.status, `${what} → ${JSON.stringify(res.body)}`).toBe(status);
    expect(res.body, what).toEqual({ success: false, error: expect.any(String) });
    expect(await fingerprint(), `${what} wrote to the database`).toEqual(before);
  }

  const anyBody = fc.oneof(
    fc.jsonValue().map((v) => JSON.stringify(v)),
    malformedJson,
    fc.uint8Array({ maxLength: 200 }),
  );

  it(
    "answers random bodies with random signatures with 401, storing nothing",
    async () => {
      await fc.assert(
        fc.asyncProperty(anyBody, fc.option(fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 64, maxLength: 64 }).map((h) => `sha256=${h}`))), async (raw, signature) => {
          const before = await fingerprint();
          await expectReceiverRefused(await post(raw, signature ?? undefined), 401, before, `random ${String(raw).slice(0, 80)}`);
        }),
        { numRuns: RUNS * 2 },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    "answers correctly signed bodies that are not an event envelope with 400, storing nothing",
    async () => {
      const notEnvelope = fc.oneof(
        fc
          .jsonValue()
          .filter((v) => !(v && typeof v === "object" && !Array.isArray(v) && isInboundEventType((v as Record<string, unknown>).event)))
          .map((v) => JSON.stringify(v)),
        malformedJson,
        fc.constantFrom(...INVALID_UTF8).map((bad) => withInvalidUtf8('{"event":"transaction.created","data":{}}', bad)),
        fc.record({ event: nastyString, data: fc.jsonValue() }).map((v) => JSON.stringify(v)),
      );
      await fc.assert(
        fc.asyncProperty(notEnvelope, async (raw) => {
          const before = await fingerprint();
          await expectReceiverRefused(await post(raw, inboundSignature(r.integrationSecret, raw)), 400, before, `signed ${String(raw).slice(0, 80)}`);
        }),
        { numRuns: RUNS * 2 },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it(
    "answers correctly signed envelopes holding NUL, lone surrogates or deep nesting without a 5xx",
    async () => {
      const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
      const envelope = fc.oneof(
        fc.record({ event: fc.constant("transaction.created"), id: nastyString, data: fc.dictionary(nastyString, nastyString) }).map((v) => JSON.stringify(v)),
        fc.constantFrom(64, 200, 5000, 50_000).map((n) => `{"event":"transaction.created","data":{"a":${deep(n)}}}`),
      );
      await fc.assert(
        fc.asyncProperty(envelope, async (raw) => {
          const before = await fingerprint();
          const res = await post(raw, inboundSignature(r.integrationSecret, raw));
          const what = `signed ${raw.slice(0, 120)}`;
          if (hasUnstorableText(JSON.parse(raw)) || res.status !== 200) await expectReceiverRefused(res, null, before, what);
        }),
        { numRuns: RUNS },
      );
    },
    FUZZ_TIMEOUT_MS,
  );

  it("answers a 300 KB body with 413", async () => {
    const raw = JSON.stringify({ event: "transaction.created", data: { pad: HUGE } });
    const before = await fingerprint();
    await expectReceiverRefused(await post(raw, inboundSignature(r.integrationSecret, raw)), 413, before, "huge");
  });
});

describe("the database after the fuzzing", () => {
  it("still serves the tenant's objects", async () => {
    expect((await call("GET", `/api/webhooks/${t.webhookId}`, undefined, { key: t.key })).status).toBe(200);
    expect(await db().account.count()).toBeGreaterThan(0);
  });
});
