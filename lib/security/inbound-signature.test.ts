// Issue 7: the inbound receiver's signature check is constant-time and its replay window holds.
// `timingSafeEqual` is observed through the very module the verifier imports (node:crypto is
// replaced by itself with that one function wrapped), so the test sees the comparison the
// verifier really makes: exactly one constant-time comparison per request, whatever the header.
import * as nodeCrypto from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db/client";
import { TIMESTAMP_MAX_AGE_MS, TIMESTAMP_MAX_SKEW_MS } from "@/lib/inbound/receive-inbound";
import { inboundSignature as libSignature, verifyInboundSignature } from "@/lib/inbound/verify-signature";
import { api } from "@/test/api";
import { startReceiver, type Receiver } from "@/test/receiver";
import { inboundSignature, receivePath, seedTenant, type Tenant } from "@/test/security-fixtures";

vi.mock("node:crypto", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:crypto")>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const timingSafeEqual = vi.mocked(nodeCrypto.timingSafeEqual);

let ok: Receiver;
let gone: Receiver;
let t: Tenant;

beforeAll(async () => {
  ok = await startReceiver(200);
  gone = await startReceiver(410);
  t = await seedTenant({ ok, gone });
});

afterAll(async () => {
  await ok?.close();
  await gone?.close();
});

beforeEach(() => {
  timingSafeEqual.mockClear();
});

const body = new TextEncoder().encode('{"event":"transaction.created","data":{"transaction_id":"t-1"}}');
const secret = "inbound-secret-0123456789";
const good = libSignature(secret, body);

describe("verifyInboundSignature", () => {
  it.each([
    ["the right signature", good, true],
    ["a wrong signature of the same length", good.slice(0, -1) + (good.endsWith("0") ? "1" : "0"), false],
    ["a shorter signature", good.slice(0, 20), false],
    ["a longer signature", `${good}00`, false],
    ["an empty header", "", false],
    ["no header", null, false],
    ["a header of multi-byte characters as long as the signature in UTF-16", "é".repeat(good.length), false],
    ["a huge header", "a".repeat(100_000), false],
  ])("%s: one constant-time comparison of equal-length buffers, no throw", (_, header, expected) => {
    expect(verifyInboundSignature(secret, body, header)).toBe(expected);
    expect(timingSafeEqual).toHaveBeenCalledTimes(1);
    const [x, y] = timingSafeEqual.mock.calls[0] as [Buffer, Buffer];
    expect(x.length).toBe(y.length);
    expect(x.length).toBe(Buffer.byteLength(good));
  });
});

describe("the receiver", () => {
  const post = (raw: string, headers: Record<string, string>, target = t) =>
    api.post(receivePath(target), undefined, { rawBody: raw, headers: { "content-type": "application/json", ...headers } });

  it("compares in constant time for a wrong-length signature, and for an unknown integration", async () => {
    const raw = JSON.stringify({ event: "transaction.created", data: {} });
    const short = await post(raw, { "x-webhook-signature": "sha256=abc" });
    expect(short.status).toBe(401);
    expect(timingSafeEqual).toHaveBeenCalledTimes(1);
    const unknown = await post(raw, { "x-webhook-signature": inboundSignature(t.integrationSecret, raw) }, { ...t, integrationUserId: "nobody-here" });
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(short.body);
    expect(timingSafeEqual).toHaveBeenCalledTimes(2);
  });

  const at = (ms: number) => ({ iso: new Date(ms).toISOString(), unix: Math.floor(ms / 1000) });

  it.each([
    ["an ISO timestamp older than the replay window", () => at(Date.now() - TIMESTAMP_MAX_AGE_MS - 60_000).iso],
    ["a Unix timestamp older than the replay window", () => at(Date.now() - TIMESTAMP_MAX_AGE_MS - 60_000).unix],
    ["a timestamp a day old", () => at(Date.now() - 24 * 3600_000).iso],
    ["a timestamp beyond the clock-skew allowance", () => at(Date.now() + TIMESTAMP_MAX_SKEW_MS + 60_000).iso],
  ])("refuses a correctly signed body with %s: 401, nothing stored", async (_, timestamp) => {
    const raw = JSON.stringify({ event: "transaction.created", id: `replay-${Math.random()}`, timestamp: timestamp(), data: { transaction_id: "t-1" } });
    const before = await db().inboundEvent.count();
    const res = await post(raw, { "x-webhook-signature": inboundSignature(t.integrationSecret, raw) });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ success: false, error: "Timestamp outside the tolerance window" });
    expect(await db().inboundEvent.count()).toBe(before);
  });

  it("accepts a fresh timestamp, ISO or Unix seconds", async () => {
    for (const timestamp of [at(Date.now() - 60_000).iso, at(Date.now()).unix]) {
      const raw = JSON.stringify({ event: "transaction.created", id: `fresh-${Math.random()}`, timestamp, data: {} });
      expect((await post(raw, { "x-webhook-signature": inboundSignature(t.integrationSecret, raw) })).status).toBe(200);
    }
  });

  it("a replayed old request cannot be refreshed: changing the timestamp breaks the signature", async () => {
    const original = JSON.stringify({ event: "transaction.created", timestamp: at(Date.now() - 2 * TIMESTAMP_MAX_AGE_MS).iso, data: {} });
    const signature = inboundSignature(t.integrationSecret, original);
    const refreshed = original.replace(/"timestamp":"[^"]+"/, `"timestamp":"${at(Date.now()).iso}"`);
    expect((await post(refreshed, { "x-webhook-signature": signature })).status).toBe(401);
  });
});
