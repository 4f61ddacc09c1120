import { createHmac } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { api } from "@/test/api";
import { newAccount } from "@/test/fixtures";
import { inboundDedupeKey, newInternalId, parseInboundTimestamp } from "@/lib/inbound/receive-inbound";

interface Integration {
  id: string;
  source_system: string;
  user_id: string;
  webhook_secret: string;
}

let key: string;
let counter = 0;

/** seed 000's Python: "sha256=" + hmac.new(secret.encode(), payload_bytes, hashlib.sha256).hexdigest() */
const sign = (secret: string, raw: string | Uint8Array) => "sha256=" + createHmac("sha256", Buffer.from(secret, "utf8")).update(raw).digest("hex");

async function createIntegration(body: Record<string, unknown> = {}): Promise<Integration> {
  const res = await api.post("/api/integrations", { source_system: "pawoon", user_id: `550e8400-e29b-41d4-${++counter}`, ...body }, { key });
  expect(res.status).toBe(201);
  return res.body.data;
}

const urlOf = (i: Pick<Integration, "source_system" | "user_id">) => `/v1/integrations/webhooks/${i.source_system}/${i.user_id}`;

function post(integration: Pick<Integration, "source_system" | "user_id">, raw: string | Uint8Array, headers: Record<string, string> = {}) {
  return api.post(urlOf(integration), undefined, { rawBody: raw, headers: { "content-type": "application/json", ...headers } });
}

/** A correctly signed request, as an outside system sends it. */
function send(integration: Integration, payload: unknown, headers: Record<string, string> = {}) {
  const raw = typeof payload === "string" ? payload : JSON.stringify(payload);
  return post(integration, raw, { "x-webhook-signature": sign(integration.webhook_secret, raw), ...headers });
}

const stored = (integration: Integration) => db().inboundEvent.count({ where: { integrationId: integration.id } });
const transaction = (data: Record<string, unknown> = { transaction_id: "trx_1", total: 150000 }) => ({
  event: "transaction.created",
  timestamp: new Date().toISOString(),
  source_system: "pawoon",
  data,
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const INVALID_SIGNATURE = { success: false, error: "Invalid signature" };

beforeAll(async () => {
  ({ key } = await newAccount());
});

describe("a correctly signed webhook", () => {
  it("is acknowledged with 200 and an internal id, stored pending and listed in /events", async () => {
    const integration = await createIntegration();
    const payload = transaction();
    const res = await send(integration, payload, { "x-webhook-event": "transaction.created" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ success: true, internal_id: expect.stringMatching(UUID), message: "Webhook processed" });

    const row = await db().inboundEvent.findUniqueOrThrow({ where: { id: res.body.internal_id } });
    expect(row).toMatchObject({ integrationId: integration.id, eventType: "transaction.created", status: "pending", attempts: 0, payload });
    const events = await api.get(`/api/integrations/${integration.id}/events`, { key });
    expect(events.body.data.map((e: { id: string }) => e.id)).toEqual([res.body.internal_id]);
  });

  it("accepts seed 000's example verbatim, including its unparseable timestamp", async () => {
    const integration = await createIntegration();
    const raw = '{\n "event": "transaction.created",\n "timestamp": "2025-12- 26T10:30:00Z",\n "source_system": "pawoon",\n "data": {\n "transaction_id": "trx_seed"\n }\n}';
    const res = await send(integration, raw, { "x-webhook-event": "transaction.created" });
    expect(res.status).toBe(200);
    // The body is kept as sent (key order, spacing are the sender's).
    const [{ payload }] = await db().$queryRaw<{ payload: string }[]>`SELECT payload::text AS payload FROM inbound_events WHERE id = ${res.body.internal_id}`;
    expect(payload).toBe(raw);
  });

  it.each(["transaction.created", "transaction.updated", "transaction.voided", "invoice.paid", "payment.received"])("accepts the seed's event type %s", async (event) => {
    const integration = await createIntegration();
    const res = await send(integration, { event, data: { id: "x1" } });
    expect(res.status).toBe(200);
  });
});

describe("authentication", () => {
  it("refuses a signature made with the wrong secret with 401 and stores nothing", async () => {
    const integration = await createIntegration();
    const raw = JSON.stringify(transaction());
    const res = await post(integration, raw, { "x-webhook-signature": sign("not-the-integration-secret", raw) });
    expect(res.status).toBe(401);
    expect(res.body).toEqual(INVALID_SIGNATURE);
    expect(await stored(integration)).toBe(0);
  });

  it("refuses a body changed by one byte after signing", async () => {
    const integration = await createIntegration();
    const raw = JSON.stringify(transaction({ transaction_id: "trx_1", total: 150000 }));
    const tampered = raw.replace("150000", "950000");
    const res = await post(integration, tampered, { "x-webhook-signature": sign(integration.webhook_secret, raw) });
    expect(res.status).toBe(401);
    expect(res.body).toEqual(INVALID_SIGNATURE);
    expect(await stored(integration)).toBe(0);
  });

  it("refuses a request without X-Webhook-Signature", async () => {
    const integration = await createIntegration();
    const res = await post(integration, JSON.stringify(transaction()));
    expect(res.status).toBe(401);
    expect(res.body).toEqual(INVALID_SIGNATURE);
    expect(await stored(integration)).toBe(0);
  });

  it.each([
    ["a sha1= prefix", (hex: string) => `sha1=${hex}`],
    ["no prefix", (hex: string) => hex],
    ["upper-case hex", (hex: string) => `sha256=${hex.toUpperCase()}`],
    ["a stray space", (hex: string) => `sha256= ${hex}`],
  ])("refuses the right HMAC with %s", async (_, format) => {
    const integration = await createIntegration();
    const raw = JSON.stringify(transaction());
    const hex = sign(integration.webhook_secret, raw).slice("sha256=".length);
    const res = await post(integration, raw, { "x-webhook-signature": format(hex) });
    expect(res.status).toBe(401);
    expect(res.body).toEqual(INVALID_SIGNATURE);
  });

  it("answers an unknown, a malformed or an inactive integration exactly like a bad signature", async () => {
    const integration = await createIntegration();
    const inactive = await createIntegration({ is_active: false });
    const raw = JSON.stringify(transaction());
    const targets = [
      { source_system: "pawoon", user_id: "no-such-user" },
      { source_system: "unknown-pos", user_id: integration.user_id },
      { source_system: "Not A Slug", user_id: "x" },
      { source_system: inactive.source_system, user_id: inactive.user_id },
    ];
    for (const target of targets) {
      // Signed with a real secret, so only the integration lookup can fail.
      const secret = target.user_id === inactive.user_id ? inactive.webhook_secret : integration.webhook_secret;
      const res = await post(target, raw, { "x-webhook-signature": sign(secret, raw) });
      expect(res.status, JSON.stringify(target)).toBe(401);
      expect(res.body).toEqual(INVALID_SIGNATURE);
      expect([...res.headers.keys()].sort()).toEqual(["content-type"]);
    }
    expect(await stored(inactive)).toBe(0);
  });

  it("accepts an integration's webhooks again once it is re-activated", async () => {
    const integration = await createIntegration({ is_active: false });
    expect((await send(integration, transaction())).status).toBe(401);
    await api.patch(`/api/integrations/${integration.id}`, { is_active: true }, { key });
    expect((await send(integration, transaction())).status).toBe(200);
  });
});

describe("request checks after authentication", () => {
  it("refuses a body over 256 KB with 413, by its real size and by its declared Content-Length", async () => {
    const integration = await createIntegration();
    const raw = JSON.stringify(transaction({ transaction_id: "trx_big", blob: "x".repeat(256 * 1024) }));
    const big = await send(integration, raw);
    expect(big.status).toBe(413);
    expect(big.body).toEqual({ success: false, error: "Payload too large" });
    const small = JSON.stringify(transaction());
    const declared = await post(integration, small, { "x-webhook-signature": sign(integration.webhook_secret, small), "content-length": String(300 * 1024) });
    expect(declared.status).toBe(413);
    expect(await stored(integration)).toBe(0);
  });

  it("accepts a body of exactly 256 KB", async () => {
    const integration = await createIntegration();
    const shell = JSON.stringify(transaction({ transaction_id: "trx_edge", blob: "" }));
    const raw = shell.replace('"blob":""', `"blob":"${"x".repeat(256 * 1024 - Buffer.byteLength(shell))}"`);
    expect(Buffer.byteLength(raw)).toBe(256 * 1024);
    expect((await send(integration, raw)).status).toBe(200);
  });

  it.each([
    ["truncated JSON", '{"event": "transaction.created", "data": {'],
    ["an empty body", ""],
    ["invalid UTF-8", new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])],
  ])("answers %s with 400 Malformed JSON and stores nothing", async (_, raw) => {
    const integration = await createIntegration();
    const res = await post(integration, raw, { "x-webhook-signature": sign(integration.webhook_secret, raw) });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ success: false, error: "Malformed JSON" });
    expect(await stored(integration)).toBe(0);
  });

  it("answers JSON that is not an object with 400", async () => {
    const integration = await createIntegration();
    for (const raw of ["[1,2]", '"text"', "null", "42"]) {
      const res = await send(integration, raw);
      expect(res.status, raw).toBe(400);
      expect(res.body.success).toBe(false);
    }
  });

  it("answers an unknown or missing event type with 400", async () => {
    const integration = await createIntegration();
    for (const payload of [{ event: "order.created", data: {} }, { event: "transaction.exploded", data: {} }, { data: {} }, { event: 5, data: {} }]) {
      const res = await send(integration, payload);
      expect(res.status, JSON.stringify(payload)).toBe(400);
      expect(res.body).toMatchObject({ success: false, error: expect.stringContaining("Unknown event type") });
    }
    expect(await stored(integration)).toBe(0);
  });

  it("answers an X-Webhook-Event header that differs from the body's event with 400", async () => {
    const integration = await createIntegration();
    const res = await send(integration, transaction(), { "x-webhook-event": "invoice.paid" });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ success: false, error: "X-Webhook-Event header does not match the body's event" });
    expect(await stored(integration)).toBe(0);
  });

  it("refuses a timestamp older than an hour or more than 5 minutes ahead with 401, and accepts one inside", async () => {
    const integration = await createIntegration();
    const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
    for (const timestamp of [at(-61 * 60_000), at(6 * 60_000), Math.floor(Date.now() / 1000) - 7200]) {
      const res = await send(integration, { ...transaction(), timestamp });
      expect(res.status, String(timestamp)).toBe(401);
      expect(res.body).toEqual({ success: false, error: "Timestamp outside the tolerance window" });
    }
    expect(await stored(integration)).toBe(0);
    for (const timestamp of [at(-59 * 60_000), at(4 * 60_000), Math.floor(Date.now() / 1000)]) {
      const res = await send(integration, { ...transaction({ transaction_id: `trx_${timestamp}` }), timestamp });
      expect(res.status, String(timestamp)).toBe(200);
    }
  });

  it("limits each integration to its rate_limit_per_minute with 429 and Retry-After; others are unaffected", async () => {
    const limited = await createIntegration({ rate_limit_per_minute: 2 });
    const other = await createIntegration({ rate_limit_per_minute: 2 });
    expect((await send(limited, transaction({ transaction_id: "a" }))).status).toBe(200);
    expect((await send(limited, transaction({ transaction_id: "b" }))).status).toBe(200);
    const third = await send(limited, transaction({ transaction_id: "c" }));
    expect(third.status).toBe(429);
    expect(third.body).toEqual({ success: false, error: "Rate limit exceeded" });
    expect(Number(third.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(await stored(limited)).toBe(2);
    expect((await send(other, transaction())).status).toBe(200);
    // Unsigned requests do not spend a legitimate sender's allowance.
    const forged = await post(other, "{}", { "x-webhook-signature": "sha256=00" });
    expect(forged.status).toBe(401);
    expect((await send(other, transaction({ transaction_id: "z" }))).status).toBe(200);
  });
});

describe("deduplication", () => {
  it("stores a redelivery with the same id once and answers both with the same internal id", async () => {
    const integration = await createIntegration();
    const payload = { id: "pawoon-evt-1", ...transaction() };
    const first = await send(integration, payload);
    const second = await send(integration, { ...payload, timestamp: new Date().toISOString() });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(await stored(integration)).toBe(1);
  });

  it("dedupes by event_id when there is no id", async () => {
    const integration = await createIntegration();
    const first = await send(integration, { event_id: "e-77", ...transaction({ transaction_id: "one" }) });
    const second = await send(integration, { event_id: "e-77", ...transaction({ transaction_id: "two" }) });
    expect(second.body.internal_id).toBe(first.body.internal_id);
    const row = await db().inboundEvent.findUniqueOrThrow({ where: { id: first.body.internal_id } });
    expect(row.payload).toMatchObject({ data: { transaction_id: "one" } });
  });

  it("dedupes identical bodies without an id by their hash, and keeps different bodies apart", async () => {
    const integration = await createIntegration();
    const raw = JSON.stringify({ event: "invoice.paid", data: { invoice_id: "inv_1" } });
    const first = await send(integration, raw);
    const second = await send(integration, raw);
    expect(second.body.internal_id).toBe(first.body.internal_id);
    const other = await send(integration, { event: "invoice.paid", data: { invoice_id: "inv_2" } });
    expect(other.body.internal_id).not.toBe(first.body.internal_id);
    expect(await stored(integration)).toBe(2);
  });

  it("stores concurrent duplicates once", async () => {
    const integration = await createIntegration();
    const payload = { id: "race-1", ...transaction() };
    const answers = await Promise.all(Array.from({ length: 8 }, () => send(integration, payload)));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect(new Set(answers.map((a) => a.body.internal_id)).size).toBe(1);
    expect(await stored(integration)).toBe(1);
  });

  it("keeps the same id from two integrations apart", async () => {
    const a = await createIntegration();
    const b = await createIntegration();
    const payload = { id: "shared-id", ...transaction() };
    const fromA = await send(a, payload);
    const fromB = await send(b, payload);
    expect(fromA.body.internal_id).not.toBe(fromB.body.internal_id);
  });
});

describe("helpers", () => {
  it("derives the dedupe key from id, then event_id, then the body hash", () => {
    const raw = new TextEncoder().encode("{}");
    expect(inboundDedupeKey({ id: "a", event_id: "b" }, raw)).toBe("id:a");
    expect(inboundDedupeKey({ event_id: "b" }, raw)).toBe("id:b");
    expect(inboundDedupeKey({ id: 42 }, raw)).toBe("id:42");
    expect(inboundDedupeKey({ id: "" }, raw)).toBe("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
    expect(inboundDedupeKey({ id: { nested: true } }, raw)).toMatch(/^sha256:/);
  });

  it("reads ISO 8601 and Unix-second timestamps, and treats anything else as absent", () => {
    expect(parseInboundTimestamp("2025-12-26T10:30:00Z")).toBe(Date.UTC(2025, 11, 26, 10, 30));
    expect(parseInboundTimestamp("2025-12-26T17:30:00+07:00")).toBe(Date.UTC(2025, 11, 26, 10, 30));
    expect(parseInboundTimestamp(1766745000)).toBe(Date.UTC(2025, 11, 26, 10, 30));
    expect(parseInboundTimestamp(1766745000000)).toBe(Date.UTC(2025, 11, 26, 10, 30));
    for (const absent of ["2025-12- 26T10:30:00Z", "yesterday", "2025-12-26", "", null, undefined, {}, -5, Number.NaN]) {
      expect(parseInboundTimestamp(absent)).toBeNull();
    }
  });

  it("makes version-7 UUIDs that sort in creation order, even within one millisecond", () => {
    const ids = Array.from({ length: 5000 }, () => newInternalId());
    expect(ids.every((id) => UUID.test(id) && id[14] === "7")).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
