import { createHmac, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Webhook } from "standardwebhooks";
import { WHSEC_BASE64 } from "@/lib/signing/secret-key-bytes";
import { secretKeyBytes, signatureProfiles, signRequest, type SignatureProfile, type SignInput } from "@/lib/signing/sign-request";
import { verifyAuraconnect, verifyOmnisales, verifySha256, verifyStandard } from "@/lib/signing/verify-examples";

const GENERATED = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"; // the Standard Webhooks spec's example secret
const ROTATED_OUT = "whsec_dGhlLW9sZC1zZWNyZXQtdGhhdC1pcy1zdGlsbC1vdmVybGFwcGluZw==";
const USER_CHOSEN = "my-own-webhook-secret-42";
const OCCURRED_AT = new Date("2025-01-16T10:30:00.000Z");
const DATA = { order_id: "ord_789", total: 99.99, items: [{ product_id: "prod_123", quantity: 2 }], note: "größe ✓" };

function sign(overrides: Partial<SignInput> = {}) {
  return signRequest({
    profile: "standard",
    webhookId: "wh_01JHOOKRELAY",
    eventId: "evt_01JEVENT",
    eventType: "order.created",
    occurredAt: OCCURRED_AT,
    data: DATA,
    secrets: [GENERATED],
    ...overrides,
  });
}

const tamper = (body: string) => body.replace("99.99", "0.01");

function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

// The seeds' own receiver code, ported to TypeScript as faithfully as possible. Where a seed calls
// timingSafeEqual directly (which throws on a length mismatch) the port checks the length first.

/** Seed 001 (OmniSales), Node.js `verifyWebhookSignature`. */
function seed001Verify(payload: string, signature: string, secret: string, timestamp: number): boolean {
  const currentTime = Math.floor(Date.now() / 1000);
  if (Math.abs(currentTime - timestamp) > 300) return false;
  const expectedSignature = createHmac("sha256", secret).update(payload).digest("hex");
  return safeEqual(Buffer.from(signature), Buffer.from(expectedSignature));
}

/** Seed 002, Node.js `verifyWebhookSignature`: strips `sha256=`, compares the decoded hex. */
function seed002Verify(payload: string, signature: string, secret: string): boolean {
  const expectedSignature = createHmac("sha256", secret).update(payload, "utf8").digest("hex");
  const providedSignature = signature.replace("sha256=", "");
  return safeEqual(Buffer.from(expectedSignature, "hex"), Buffer.from(providedSignature, "hex"));
}

/** Seed 000, Python `validate_webhook_signature`: compare_digest(f"sha256={expected}", received). */
function seed000Verify(payloadBytes: Buffer, receivedSignature: string, webhookSecret: string): boolean {
  const expectedSignature = createHmac("sha256", Buffer.from(webhookSecret)).update(payloadBytes).digest("hex");
  return safeEqual(Buffer.from(`sha256=${expectedSignature}`), Buffer.from(receivedSignature));
}

/** Seed 003 (AuraConnect), JavaScript `verifyWebhookSignature`. */
function seed003Verify(payload: string, signature: string, secret: string): boolean {
  const expectedSignature = createHmac("sha256", secret).update(payload).digest("hex");
  return safeEqual(Buffer.from(signature), Buffer.from(`sha256=${expectedSignature}`));
}

const verifiers: Record<SignatureProfile, (rawBody: string, headers: Record<string, string>, secret: string) => boolean> = {
  standard: verifyStandard,
  omnisales: verifyOmnisales,
  sha256: verifySha256,
  auraconnect: verifyAuraconnect,
};

const timestampHeader: Record<SignatureProfile, string> = {
  standard: "webhook-timestamp",
  omnisales: "X-Webhook-Timestamp",
  sha256: "X-Webhook-Timestamp",
  auraconnect: "X-AuraConnect-Timestamp",
};

describe("standard profile", () => {
  it("is verified by the standardwebhooks library's Webhook#verify, which returns the envelope", () => {
    const { body, headers } = sign();
    expect(new Webhook(GENERATED).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it("sends exactly webhook-id (the event id), webhook-timestamp and one v1 signature, plus Content-Type and User-Agent", () => {
    const { headers } = sign({ now: new Date("2025-01-16T10:31:05.900Z") });
    expect(headers).toStrictEqual({
      "Content-Type": "application/json",
      "User-Agent": "Hookrelay-Webhook/1.0",
      "webhook-id": "evt_01JEVENT",
      "webhook-timestamp": "1737023465",
      "webhook-signature": expect.stringMatching(/^v1,[A-Za-z0-9+/]{43}=$/),
    });
  });

  it("signs `id.timestamp.body` with HMAC-SHA256 keyed by the base64-decoded part after whsec_", () => {
    const { body, headers } = sign();
    const key = Buffer.from(GENERATED.slice("whsec_".length), "base64");
    const expected = createHmac("sha256", key).update(`${headers["webhook-id"]}.${headers["webhook-timestamp"]}.${body}`).digest("base64");
    expect(headers["webhook-signature"]).toBe(`v1,${expected}`);
  });

  it("wraps the event as {id, type, timestamp, data} with the ISO time the event occurred", () => {
    const body = JSON.parse(sign().body);
    expect(Object.keys(body)).toEqual(["id", "type", "timestamp", "data"]);
    expect(body).toStrictEqual({ id: "evt_01JEVENT", type: "order.created", timestamp: "2025-01-16T10:30:00.000Z", data: DATA });
  });

  it("sends one v1 signature per secret while a rotated secret overlaps, each verifiable by its own secret", () => {
    const { body, headers } = sign({ secrets: [GENERATED, ROTATED_OUT] });
    const signatures = headers["webhook-signature"].split(" ");
    expect(signatures).toHaveLength(2);
    const [current, previous] = signatures;
    const only = (signature: string) => ({ ...headers, "webhook-signature": signature });
    expect(verifyStandard(body, only(current), GENERATED)).toBe(true);
    expect(verifyStandard(body, only(previous), ROTATED_OUT)).toBe(true);
    expect(verifyStandard(body, only(current), ROTATED_OUT)).toBe(false);
    expect(verifyStandard(body, only(previous), GENERATED)).toBe(false);
    // A receiver holding either secret accepts the full header.
    expect(() => new Webhook(GENERATED).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(ROTATED_OUT).verify(body, headers)).not.toThrow();
  });

  it("keys a user-chosen secret by its UTF-8 bytes, also when it is not ASCII", () => {
    for (const secret of [USER_CHOSEN, "pässwörd-секрет-🔑-1234", "whsec_not-base64-at-all!"]) {
      const { body, headers } = sign({ secrets: [secret] });
      expect(secretKeyBytes(secret)).toEqual(Buffer.from(secret, "utf8"));
      expect(new Webhook(Buffer.from(secret, "utf8"), { format: "raw" }).verify(body, headers)).toBeDefined();
      expect(verifyStandard(body, headers, secret)).toBe(true);
    }
  });

  it("decodes a whsec_ secret the same way the standardwebhooks library does", () => {
    for (const secret of [GENERATED, ROTATED_OUT, `whsec_${Buffer.alloc(32, 7).toString("base64")}`, "whsec_YWJj"]) {
      expect(WHSEC_BASE64.test(secret)).toBe(true);
      const ours = new Webhook(secretKeyBytes(secret), { format: "raw" }).sign("msg_1", OCCURRED_AT, "{}");
      expect(ours).toBe(new Webhook(secret).sign("msg_1", OCCURRED_AT, "{}"));
    }
  });

  it("reproduces the Standard Webhooks spec's example signature from the key bytes", () => {
    const key = secretKeyBytes(GENERATED);
    const signature = createHmac("sha256", key).update('msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.{"test": 2432232314}').digest("base64");
    expect(`v1,${signature}`).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("is rejected by Webhook#verify when the body is tampered with", () => {
    const { body, headers } = sign();
    expect(() => new Webhook(GENERATED).verify(tamper(body), headers)).toThrow("No matching signature found");
  });

  it("is rejected by Webhook#verify when signed more than 5 minutes ago", () => {
    const { body, headers } = sign({ now: new Date(Date.now() - 6 * 60 * 1000) });
    expect(() => new Webhook(GENERATED).verify(body, headers)).toThrow("Message timestamp too old");
    expect(verifyStandard(body, headers, GENERATED)).toBe(false);
  });
});

describe("omnisales profile (seed 001)", () => {
  it("is verified by seed 001's Node.js sample: bare hex HMAC of the raw body, timestamp within 5 minutes", () => {
    const { body, headers } = sign({ profile: "omnisales" });
    expect(headers["X-Webhook-Signature"]).toMatch(/^[0-9a-f]{64}$/);
    expect(seed001Verify(body, headers["X-Webhook-Signature"], GENERATED, parseInt(headers["X-Webhook-Timestamp"], 10))).toBe(true);
  });

  it("is verified by seed 001's Express middleware, which re-serializes the parsed body", () => {
    const { body, headers } = sign({ profile: "omnisales" });
    const reserialized = JSON.stringify(JSON.parse(body));
    expect(seed001Verify(reserialized, headers["X-Webhook-Signature"], GENERATED, parseInt(headers["X-Webhook-Timestamp"], 10))).toBe(true);
  });

  it("keys the HMAC with the secret string itself, whsec_ prefix included", () => {
    const { body, headers } = sign({ profile: "omnisales" });
    expect(headers["X-Webhook-Signature"]).toBe(createHmac("sha256", Buffer.from(GENERATED, "utf8")).update(body).digest("hex"));
  });

  it("sends exactly the seed's headers with the event id and Hookrelay's User-Agent", () => {
    const { headers } = sign({ profile: "omnisales", now: new Date("2025-01-16T10:31:05.000Z") });
    expect(headers).toStrictEqual({
      "Content-Type": "application/json",
      "User-Agent": "Hookrelay-Webhook/1.0",
      "X-Webhook-Signature": expect.stringMatching(/^[0-9a-f]{64}$/),
      "X-Webhook-Timestamp": "1737023465",
      "X-Webhook-ID": "evt_01JEVENT",
    });
  });

  it("wraps the event as {id, event, created_at, data}", () => {
    const body = JSON.parse(sign({ profile: "omnisales" }).body);
    expect(Object.keys(body)).toEqual(["id", "event", "created_at", "data"]);
    expect(body).toStrictEqual({ id: "evt_01JEVENT", event: "order.created", created_at: "2025-01-16T10:30:00.000Z", data: DATA });
  });

  it("fails the documented verification when the timestamp is more than 5 minutes old", () => {
    const { body, headers } = sign({ profile: "omnisales", now: new Date(Date.now() - 301 * 1000) });
    expect(verifyOmnisales(body, headers, GENERATED)).toBe(false);
    expect(seed001Verify(body, headers["X-Webhook-Signature"], GENERATED, Number(headers["X-Webhook-Timestamp"]))).toBe(false);
  });

  it("is rejected by seed 001's sample when the body is tampered with", () => {
    const { body, headers } = sign({ profile: "omnisales" });
    expect(seed001Verify(tamper(body), headers["X-Webhook-Signature"], GENERATED, Number(headers["X-Webhook-Timestamp"]))).toBe(false);
  });
});

describe("sha256 profile (seeds 000 and 002)", () => {
  it("is verified by seed 002's Node.js sample and seed 000's Python sample", () => {
    const { body, headers } = sign({ profile: "sha256", secrets: [USER_CHOSEN] });
    expect(headers["X-Webhook-Signature"]).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(seed002Verify(body, headers["X-Webhook-Signature"], USER_CHOSEN)).toBe(true);
    expect(seed000Verify(Buffer.from(body), headers["X-Webhook-Signature"], USER_CHOSEN)).toBe(true);
  });

  it("sends exactly the signature, event, id and timestamp headers", () => {
    const { headers } = sign({ profile: "sha256", now: new Date("2025-01-16T10:31:05.000Z") });
    expect(headers).toStrictEqual({
      "Content-Type": "application/json",
      "User-Agent": "Hookrelay-Webhook/1.0",
      "X-Webhook-Signature": expect.stringMatching(/^sha256=[0-9a-f]{64}$/),
      "X-Webhook-Event": "order.created",
      "X-Webhook-ID": "evt_01JEVENT",
      "X-Webhook-Timestamp": "1737023465",
    });
  });

  it("wraps the event as {id, event, timestamp, data}", () => {
    const body = JSON.parse(sign({ profile: "sha256" }).body);
    expect(Object.keys(body)).toEqual(["id", "event", "timestamp", "data"]);
    expect(body).toStrictEqual({ id: "evt_01JEVENT", event: "order.created", timestamp: "2025-01-16T10:30:00.000Z", data: DATA });
  });

  it("is rejected by the seeds' samples when the body is tampered with", () => {
    const { body, headers } = sign({ profile: "sha256" });
    expect(seed002Verify(tamper(body), headers["X-Webhook-Signature"], GENERATED)).toBe(false);
    expect(seed000Verify(Buffer.from(tamper(body)), headers["X-Webhook-Signature"], GENERATED)).toBe(false);
  });
});

describe("auraconnect profile (seed 003)", () => {
  it("is verified by seed 003's JavaScript sample: `sha256=` + hex HMAC of the raw body", () => {
    const { body, headers } = sign({ profile: "auraconnect" });
    expect(seed003Verify(body, headers["X-AuraConnect-Signature"], GENERATED)).toBe(true);
  });

  it("sends exactly the X-AuraConnect headers, with the webhook id in X-AuraConnect-Webhook-Id", () => {
    const { headers } = sign({ profile: "auraconnect", now: new Date("2025-01-16T10:31:05.000Z") });
    expect(headers).toStrictEqual({
      "Content-Type": "application/json",
      "User-Agent": "Hookrelay-Webhook/1.0",
      "X-AuraConnect-Event": "order.created",
      "X-AuraConnect-Signature": expect.stringMatching(/^sha256=[0-9a-f]{64}$/),
      "X-AuraConnect-Event-Id": "evt_01JEVENT",
      "X-AuraConnect-Timestamp": "1737023465",
      "X-AuraConnect-Webhook-Id": "wh_01JHOOKRELAY",
    });
  });

  it("wraps the event as {id, type, created, data: {object}}", () => {
    const body = JSON.parse(sign({ profile: "auraconnect" }).body);
    expect(Object.keys(body)).toEqual(["id", "type", "created", "data"]);
    expect(body).toStrictEqual({ id: "evt_01JEVENT", type: "order.created", created: "2025-01-16T10:30:00.000Z", data: { object: DATA } });
  });

  it("is rejected by seed 003's sample when the body is tampered with", () => {
    const { body, headers } = sign({ profile: "auraconnect" });
    expect(seed003Verify(tamper(body), headers["X-AuraConnect-Signature"], GENERATED)).toBe(false);
  });
});

describe.each(signatureProfiles)("%s profile, with the documented verification (lib/signing/verify-examples.ts)", (profile) => {
  const verify = verifiers[profile];

  it("verifies the request with the exact header names Hookrelay sends", () => {
    const { body, headers } = sign({ profile });
    expect(verify(body, headers, GENERATED)).toBe(true);
  });

  it("verifies the request with lower-cased header names, as Node.js hands them over", () => {
    const { body, headers } = sign({ profile, secrets: [USER_CHOSEN] });
    const lowerCased = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
    expect(verify(body, lowerCased, USER_CHOSEN)).toBe(true);
  });

  it("fails when the body is tampered with", () => {
    const { body, headers } = sign({ profile });
    expect(verify(tamper(body), headers, GENERATED)).toBe(false);
  });

  it("fails with another secret", () => {
    const { body, headers } = sign({ profile });
    expect(verify(body, headers, ROTATED_OUT)).toBe(false);
  });

  it("puts the unix seconds of `now` in the timestamp header", () => {
    const { headers } = sign({ profile, now: new Date("2025-01-16T10:30:59.999Z") });
    expect(headers[timestampHeader[profile]]).toBe("1737023459");
  });

  it("uses the current time when `now` is not given", () => {
    const before = Math.floor(Date.now() / 1000);
    const { headers } = sign({ profile });
    const after = Math.floor(Date.now() / 1000);
    const timestamp = Number(headers[timestampHeader[profile]]);
    expect(timestamp).toBeGreaterThanOrEqual(before);
    expect(timestamp).toBeLessThanOrEqual(after);
  });

  it("sends a body that is the envelope's JSON and keeps a `data` key when the data is undefined", () => {
    const { body } = sign({ profile, data: undefined });
    const envelope = JSON.parse(body);
    expect(JSON.stringify(envelope)).toBe(body);
    expect(JSON.stringify(envelope)).toContain('"data":');
  });

  it("signs data given as stored JSON text exactly as the same data given as a value", () => {
    const now = new Date("2025-01-16T10:31:00.000Z");
    const fromValue = sign({ profile, now });
    const fromText = sign({ profile, now, data: undefined, dataJson: JSON.stringify(DATA) });
    expect(fromText).toEqual(fromValue);
    expect(JSON.stringify(JSON.parse(fromText.body))).toBe(fromText.body);
  });

  it("refuses to sign without a secret", () => {
    expect(() => sign({ profile, secrets: [] })).toThrow("signing secret");
    expect(() => sign({ profile, secrets: [""] })).toThrow("signing secret");
  });
});

describe.each(["omnisales", "sha256", "auraconnect"] as const)("%s profile during a secret rotation", (profile) => {
  it("signs with the current secret only", () => {
    const { body, headers } = sign({ profile, secrets: [GENERATED, ROTATED_OUT] });
    expect(verifiers[profile](body, headers, GENERATED)).toBe(true);
    expect(verifiers[profile](body, headers, ROTATED_OUT)).toBe(false);
  });
});

describe("signRequest", () => {
  it("refuses an unknown signature profile instead of sending an unsigned request", () => {
    expect(() => sign({ profile: "hmac" as SignatureProfile })).toThrow("unknown signature profile: hmac");
  });
});

describe("docs/signature-profiles.md", () => {
  const doc = readFileSync(path.resolve(import.meta.dirname, "../../docs/signature-profiles.md"), "utf8");
  const blocks = (language: string) => [...doc.matchAll(new RegExp("```" + language + "\\n([\\s\\S]*?)\\n```", "g"))].map((match) => match[1]);

  afterEach(() => {
    vi.useRealTimers();
  });

  it("quotes lib/signing/verify-examples.ts verbatim, all of it after the header comment", () => {
    const source = readFileSync(path.resolve(import.meta.dirname, "verify-examples.ts"), "utf8");
    const code = source.slice(source.indexOf("import ")).trimEnd();
    expect(blocks("ts").join("\n\n")).toBe(code);
  });

  it("shows each profile's example request exactly as signRequest produces it, and it verifies at its own time", () => {
    const examples = blocks("http");
    expect(examples).toHaveLength(signatureProfiles.length);
    const now = new Date("2025-01-16T10:30:02.000Z");
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(now);
    signatureProfiles.forEach((profile, index) => {
      const signed = signRequest({
        profile,
        webhookId: "wh_01JHXQ5Z8K3M",
        eventId: "evt_01JHXQ6A2B7C",
        eventType: "order.created",
        occurredAt: new Date("2025-01-16T10:30:00.000Z"),
        data: { order_id: "ord_789", total: 99.99, currency: "USD" },
        secrets: [GENERATED],
        now,
      });
      const [head, body] = examples[index].split("\n\n");
      const [requestLine, ...headerLines] = head.split("\n");
      expect(requestLine).toBe("POST /your/receiver HTTP/1.1");
      const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(": ")), line.slice(line.indexOf(": ") + 2)]));
      expect(headers).toStrictEqual(signed.headers);
      expect(body).toBe(signed.body);
      expect(verifiers[profile](body, headers, GENERATED)).toBe(true);
    });
  });
});

describe("replay and check marks", () => {
  const now = new Date("2025-01-16T10:30:02.000Z");
  it.each(signatureProfiles)("%s: webhook-replay and webhook-check are added outside the signature, and absent by default", (profile) => {
    const plain = sign({ profile, now });
    const replay = sign({ profile, now, replayOf: "dlv_original" });
    const check = sign({ profile, now, check: true });
    expect(plain.headers).not.toHaveProperty("webhook-replay");
    expect(plain.headers).not.toHaveProperty("webhook-check");
    expect(replay.headers["webhook-replay"]).toBe("dlv_original");
    expect(check.headers["webhook-check"]).toBe("1");
    // Same body and signature headers: a receiver verifies a marked request exactly like any other.
    for (const marked of [replay, check]) {
      expect(marked.body).toBe(plain.body);
      for (const [name, value] of Object.entries(plain.headers)) expect(marked.headers[name]).toBe(value);
    }
  });
});
