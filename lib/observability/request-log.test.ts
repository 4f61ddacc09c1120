// The structured logs: one JSON line per API request, and no credential in any line.
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger, redactCredentials, scrubSecrets, setLogger } from "@/lib/log";
import { api } from "@/test/api";
import { newAccount } from "@/test/fixtures";

let lines: string[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    done();
  },
});
const records = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

let key: string;

beforeAll(async () => {
  ({ key } = await newAccount());
  setLogger(createLogger(sink, "info"));
});

afterAll(() => setLogger(undefined));

describe("request logs", () => {
  it("logs one info line per request with its request id, method, path, status and duration", async () => {
    lines = [];
    const res = await api.get("/api/webhooks?limit=5", { key, headers: { "x-request-id": "req-abc-123" } });
    expect(res.headers.get("x-request-id")).toBe("req-abc-123");
    await api.get("/api/webhooks/wh_missing", { key });
    const requests = records().filter((r) => r.msg === "request");
    expect(requests).toHaveLength(2);
    expect(requests[0]).toMatchObject({ level: 30, service: "hookrelay", requestId: "req-abc-123", method: "GET", path: "/api/webhooks", status: 200 });
    expect(requests[0].ms).toEqual(expect.any(Number));
    expect(requests[1]).toMatchObject({ method: "GET", path: "/api/webhooks/wh_missing", status: 404 });
    expect(requests[1].requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("never writes the API key, the Authorization header or a webhook secret", async () => {
    lines = [];
    const secret = `whsec_${Buffer.alloc(32, 7).toString("base64")}`;
    await api.post("/api/webhooks", { name: "logged", url: "https://example.com/h", events: ["order.*"], secret }, { key });
    await api.get("/api/webhooks", { key: `${key}-wrong` });
    expect(lines.length).toBeGreaterThanOrEqual(2);
    const output = lines.join("\n");
    expect(output).not.toContain(key);
    expect(output).not.toContain(secret.slice(6));
    expect(output.toLowerCase()).not.toContain("bearer");
  });

  it("logs nothing per request below info", async () => {
    setLogger(createLogger(sink, "warn"));
    lines = [];
    await api.get("/api/webhooks", { key });
    expect(lines).toEqual([]);
    setLogger(createLogger(sink, "info"));
  });
});

describe("redaction", () => {
  it("replaces credential fields at any depth, in arrays and header maps, without touching the caller's object", () => {
    const input = {
      webhook: { id: "wh_1", secret: "whsec_abc", config: { headers: { authorization: "Bearer x", "x-webhook-signature": "sha256=ff", accept: "*/*" } } },
      integrations: [{ webhook_secret: "s1", name: "pos" }],
      password: "hunter2",
      apiKey: "hr_key",
      signature_profile: "standard",
      nothing: null,
    };
    const copy = structuredClone(input);
    expect(redactCredentials(input)).toEqual({
      webhook: { id: "wh_1", secret: "[redacted]", config: { headers: { authorization: "[redacted]", "x-webhook-signature": "[redacted]", accept: "*/*" } } },
      integrations: [{ webhook_secret: "[redacted]", name: "pos" }],
      password: "[redacted]",
      apiKey: "[redacted]",
      signature_profile: "standard",
      nothing: null,
    });
    expect(input).toEqual(copy);
    const flat = { requestId: "r", status: 200 };
    expect(redactCredentials(flat)).toBe(flat); // nothing to hide: no copy
  });

  it("scrubs passwords in URLs, bearer tokens, API keys and signing secrets out of error messages and stacks", () => {
    lines = [];
    const logger = createLogger(sink, "info");
    const error = new Error("connect failed for postgresql://postgres:s3cret@db:5432/hookrelay with Bearer hr_abcdefghijklmnopqrstuvwxyz012345");
    logger.error({ err: error, webhook: { secret: "whsec_zzz" } }, "boom");
    const [record] = records() as { err: { type: string; message: string; stack: string }; webhook: { secret: string } }[];
    expect(record.err.type).toBe("Error");
    expect(record.err.message).toBe("connect failed for postgresql://postgres:[redacted]@db:5432/hookrelay with Bearer [redacted]");
    expect(record.err.stack).not.toContain("s3cret");
    expect(record.webhook.secret).toBe("[redacted]");
    expect(scrubSecrets("key hr_abcdefghijklmnopqrstuvwxyz and whsec_QUJD/+=")).toBe("key hr_[redacted] and whsec_[redacted]");
  });

  it("scrubs portal link tokens, in an Authorization header or a portal URL", () => {
    const token = `v1.eyJhIjoiYWNjdF8xIiwiYyI6InZpZXcifQ.${"A".repeat(40)}b_-`;
    expect(scrubSecrets(`Portal ${token} at https://hooks.example.com/portal/${token}/webhooks`)).toBe("Portal v1.[redacted] at https://hooks.example.com/portal/v1.[redacted]/webhooks");
  });
});
