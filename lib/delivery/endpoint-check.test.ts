import { createHmac, timingSafeEqual } from "node:crypto";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { Webhook as StandardWebhook } from "standardwebhooks";
import { db } from "@/lib/db/client";
import { checkVerdicts } from "@/lib/delivery/check-verdicts";
import type { PostOutcome } from "@/lib/delivery/http-post";
import { api } from "@/test/api";
import { newAccount } from "@/test/fixtures";
import { startReceiver, type ReceivedRequest, type Receiver, type Responder } from "@/test/receiver";

let key: string;
let otherKey: string;
let receiver: Receiver | undefined;

beforeAll(async () => {
  ({ key } = await newAccount());
  ({ key: otherKey } = await newAccount());
});

afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

async function createWebhook(body: Record<string, unknown> = {}) {
  const res = await api.post("/api/webhooks", { name: "check", url: receiver!.url, events: ["order.*"], ...body }, { key });
  expect(res.status).toBe(201);
  return res.body.data as { id: string; secret: string };
}

interface Item {
  key: string;
  result: string;
  status_codes: (number | null)[];
  response_time_ms: number | null;
  detail: string;
  fix: string | null;
}

async function check(webhookId: string, apiKey = key) {
  const res = await api.post(`/api/webhooks/${webhookId}/check`, undefined, { key: apiKey });
  expect(res.status).toBe(200);
  const items = Object.fromEntries((res.body.data.items as Item[]).map((i) => [i.key, i]));
  return { data: res.body.data, items };
}

const results = (items: Record<string, Item>) => Object.fromEntries(Object.entries(items).map(([k, i]) => [k, i.result]));

/** A receiver of the standard profile done right: verifies with the standardwebhooks library (signature and 5-minute timestamp window) and dedupes on webhook-id. */
function standardReceiver(secret: string, options: { duplicateStatus?: number } = {}): Responder {
  const verifier = new StandardWebhook(secret);
  const seen = new Set<string>();
  return (req) => {
    try {
      verifier.verify(req.body, req.headers as Record<string, string>);
    } catch {
      return 401;
    }
    const id = req.headers["webhook-id"] as string;
    if (seen.has(id)) return options.duplicateStatus ?? 200;
    seen.add(id);
    return 200;
  };
}

/** A receiver of the sha256 profile done right, as seed 000's sample code verifies. */
function sha256Receiver(secret: string): Responder {
  const seen = new Set<string>();
  return (req: ReceivedRequest) => {
    const expected = Buffer.from(`sha256=${createHmac("sha256", Buffer.from(secret, "utf8")).update(req.body).digest("hex")}`);
    const given = Buffer.from(String(req.headers["x-webhook-signature"] ?? ""));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 401;
    seen.add(req.headers["x-webhook-id"] as string);
    return 200;
  };
}

describe("POST /api/webhooks/{id}/check", () => {
  it("passes every item for a receiver that verifies signatures and timestamps and dedupes, and records the requests as a check", async () => {
    receiver = await startReceiver(200);
    const webhook = await createWebhook();
    receiver.respond(standardReceiver(webhook.secret));
    const { data, items } = await check(webhook.id);

    expect(results(items)).toEqual({ signed: "pass", bad_signature: "pass", stale_timestamp: "pass", within_timeout: "pass", idempotent: "pass" });
    expect(data).toMatchObject({ webhook_id: webhook.id, passed: true, signature_profile: "standard", event: "order.created" });
    expect(items.signed.status_codes).toEqual([200]);
    expect(items.bad_signature.status_codes).toEqual([401]);
    expect(items.stale_timestamp.status_codes).toEqual([401]);
    expect(items.idempotent.status_codes).toEqual([200, 200]);
    expect(items.within_timeout.response_time_ms).toEqual(expect.any(Number));
    expect(items.within_timeout.detail).toContain("30000 ms");
    for (const item of Object.values(items)) expect(item.fix).toBeNull();

    // Four requests, each marked as a check; the stale one's timestamp is 10 minutes old; the copies share the event id.
    expect(receiver.requests).toHaveLength(4);
    for (const r of receiver.requests) expect(r.headers["webhook-check"]).toBe("1");
    const [, stale, signed, duplicate] = receiver.requests;
    expect(Number(signed.headers["webhook-timestamp"]) - Number(stale.headers["webhook-timestamp"])).toBeGreaterThanOrEqual(599);
    expect(duplicate.headers["webhook-id"]).toBe(signed.headers["webhook-id"]);
    expect(signed.headers["webhook-id"]).toBe(data.event_id);

    // The log shows them as check attempts of one check delivery.
    const logs = await api.get(`/api/webhooks/${webhook.id}/logs`, { key });
    expect(logs.body.data.map((a: { check: string }) => a.check)).toEqual(["duplicate", "signed", "stale_timestamp", "bad_signature"]);
    for (const a of logs.body.data) expect(a).toMatchObject({ is_check: true, delivery_id: data.delivery_id, event_id: data.event_id });
    expect(logs.body.data[3]).toMatchObject({ status: "failed", response_code: 401 });
    expect(logs.body.data[3].request_headers["webhook-check"]).toBe("1");
    const deliveries = await api.get(`/api/webhooks/${webhook.id}/deliveries`, { key });
    expect(deliveries.body.data).toEqual([expect.objectContaining({ id: data.delivery_id, is_check: true, status: "succeeded", attempts: 4, next_attempt_at: null })]);
    // Never queued, and left out of the delivery figures: the refused forgeries are not failures of the webhook.
    expect(await db().delivery.count({ where: { webhookId: webhook.id, status: "pending" } })).toBe(0);
    expect((await api.get(`/api/webhooks/${webhook.id}/stats?window=1h`, { key })).body.data).toMatchObject({ total: 0, failed: 0 });
    const health = (await api.get("/api/stats/webhooks", { key })).body.data.find((h: { webhook_id: string }) => h.webhook_id === webhook.id);
    expect(health).toMatchObject({ failing_streak: 0, last_attempt_at: null });
  });

  it("marks the stale-timestamp item not applicable for a profile that does not sign its timestamp", async () => {
    receiver = await startReceiver(200);
    const webhook = await createWebhook({ signature_profile: "sha256" });
    receiver.respond(sha256Receiver(webhook.secret));
    const { data, items } = await check(webhook.id);
    expect(results(items)).toEqual({ signed: "pass", bad_signature: "pass", stale_timestamp: "not_applicable", within_timeout: "pass", idempotent: "pass" });
    expect(items.stale_timestamp.detail).toContain("X-Webhook-Timestamp");
    expect(data.passed).toBe(true);
    expect(receiver.requests).toHaveLength(3);
    for (const r of receiver.requests) expect(r.headers["webhook-check"]).toBe("1");
  });

  it("fails the signature and timestamp items for a receiver that accepts everything, and says what to fix", async () => {
    receiver = await startReceiver(200);
    const webhook = await createWebhook();
    const { data, items } = await check(webhook.id);
    expect(results(items)).toEqual({ signed: "pass", bad_signature: "fail", stale_timestamp: "fail", within_timeout: "pass", idempotent: "pass" });
    expect(data.passed).toBe(false);
    expect(items.bad_signature).toMatchObject({ status_codes: [200], detail: expect.stringContaining("wrong secret") });
    expect(items.bad_signature.fix).toContain("webhook-signature");
    expect(items.stale_timestamp.fix).toContain("5 minutes");
  });

  it("fails the timeout item for a slow receiver, with the time it waited", async () => {
    receiver = await startReceiver(async () => {
      await new Promise((r) => setTimeout(r, 1_500));
      return 200;
    });
    const webhook = await createWebhook({ timeout_ms: 400 });
    const { items } = await check(webhook.id);
    expect(items.within_timeout).toMatchObject({ result: "fail", status_codes: [null], detail: expect.stringContaining("400 ms") });
    expect(items.within_timeout.response_time_ms).toBeGreaterThanOrEqual(390);
    expect(items.within_timeout.fix).toContain("timeout");
    expect(items.signed.result).toBe("fail");
    // The second copy is not sent after a timeout.
    expect(items.idempotent).toMatchObject({ result: "fail", status_codes: [null] });
    expect(receiver.requests).toHaveLength(3);
  });

  it("fails the idempotency item for a receiver that answers 500 to a repeated event id", async () => {
    receiver = await startReceiver(200);
    const webhook = await createWebhook();
    receiver.respond(standardReceiver(webhook.secret, { duplicateStatus: 500 }));
    const { items } = await check(webhook.id);
    expect(results(items)).toEqual({ signed: "pass", bad_signature: "pass", stale_timestamp: "pass", within_timeout: "pass", idempotent: "fail" });
    expect(items.idempotent).toMatchObject({ status_codes: [200, 500], detail: expect.stringContaining("answered 500") });
    expect(items.idempotent.fix).toContain("webhook-id");
  });

  it("goes through the same SSRF guard as deliveries: a destination outside the webhook's ip_whitelist is never called", async () => {
    receiver = await startReceiver(200);
    const webhook = await createWebhook();
    await db().webhook.update({ where: { id: webhook.id }, data: { ipWhitelist: ["203.0.113.0/24"] } });
    const { data, items } = await check(webhook.id);
    expect(receiver.requests).toHaveLength(0);
    expect(data.passed).toBe(false);
    expect(items.signed).toMatchObject({ result: "fail", status_codes: [null] });
    expect(items.signed.fix).toContain("ip_whitelist");
    const logs = await api.get(`/api/webhooks/${webhook.id}/logs`, { key });
    for (const a of logs.body.data) expect(a).toMatchObject({ is_check: true, error: "ssrf_blocked" });
  });

  it("answers 404 for another account's webhook or an unknown one, and 422 for an unknown event type, sending nothing", async () => {
    receiver = await startReceiver(200);
    const webhook = await createWebhook();
    expect((await api.post(`/api/webhooks/${webhook.id}/check`, undefined, { key: otherKey })).status).toBe(404);
    expect((await api.post("/api/webhooks/wh_nope/check", undefined, { key })).status).toBe(404);
    expect((await api.post(`/api/webhooks/${webhook.id}/check`, { event: "no.such_type" }, { key })).status).toBe(422);
    expect((await api.post(`/api/webhooks/${webhook.id}/check`, { nope: 1 }, { key })).status).toBe(422);
    expect((await api.post(`/api/webhooks/${webhook.id}/check`)).status).toBe(401);
    expect(receiver.requests).toHaveLength(0);
  });
});

describe("checkVerdicts", () => {
  const outcome = (statusCode: number | null, errorClass: PostOutcome["errorClass"] = null): PostOutcome => ({
    ok: statusCode !== null && statusCode < 300 && errorClass === null,
    statusCode,
    responseTimeMs: 12.4,
    responseHeaders: {},
    responseBody: "",
    retryAfterSeconds: null,
    errorClass,
    errorMessage: errorClass ? `${errorClass} happened` : null,
  });
  const ctx = { profile: "standard" as const, timeoutMs: 1000, eventId: "evt_1", staleMinutes: 10 };

  it("asks for a 4xx, not a 5xx, when a forged request is refused with a server error", () => {
    const [, bad] = checkVerdicts(ctx, { bad_signature: outcome(500), stale_timestamp: outcome(401), signed: outcome(200), duplicate: outcome(200) });
    expect(bad).toMatchObject({ result: "fail", status_codes: [500] });
    expect(bad.fix).toContain("4xx");
  });

  it("fails everything with a reachability fix when the endpoint cannot be reached", () => {
    const refused = outcome(null, "connection");
    const items = checkVerdicts(ctx, { bad_signature: refused, stale_timestamp: refused, signed: refused, duplicate: refused });
    expect(items.map((i) => i.result)).toEqual(["fail", "fail", "fail", "fail", "fail"]);
    expect(items[0].fix).toContain("reachable");
  });

  it("tells a receiver that refuses a correctly signed request how to verify", () => {
    const [signed] = checkVerdicts({ ...ctx, profile: "auraconnect" }, { bad_signature: outcome(401), signed: outcome(401), duplicate: outcome(401) });
    expect(signed.result).toBe("fail");
    expect(signed.fix).toContain("X-AuraConnect-Signature");
    expect(signed.fix).toContain("raw request body");
  });
});
