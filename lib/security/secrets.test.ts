// Issue 7: secrets never leak. A webhook's or integration's secret is shown in the response that
// creates or rotates it and nowhere else: not in any read, not in the attempts kept of a
// delivery, not in the logs, not in plain text in the database. The same for API keys.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { resetRateLimits } from "@/lib/http/rate-limit";
import { createLogger, log, setLogger } from "@/lib/log";
import { api, routeFiles } from "@/test/api";
import { startReceiver, type Receiver } from "@/test/receiver";
import {
  databaseText,
  exportedMethods,
  fillPath,
  inboundSignature,
  receivePath,
  SAME_ORIGIN,
  seedTenant,
  tenantParams,
  type Tenant,
} from "@/test/security-fixtures";

// Every line the app logs, through its real logger configuration (redaction included) at the
// most verbose level: only the destination is replaced.
const captured = { lines: [] as string[] };

const whsec = () => `whsec_${randomBytes(24).toString("base64")}`;
const plain = (label: string) => `${label}-${randomBytes(12).toString("hex")}`;

let ok: Receiver;
let gone: Receiver;
let t: Tenant;
/** Every secret made in this file, with the forms it could leak in. */
const secrets: string[] = [];
const remember = (secret: string) => {
  secrets.push(secret);
  if (secret.startsWith("whsec_")) {
    const key = Buffer.from(secret.slice("whsec_".length), "base64");
    secrets.push(secret.slice("whsec_".length), key.toString("hex"));
  }
  return secret;
};
const profileWebhooks: { profile: string; id: string }[] = [];
let rotatedWebhookId: string;

function expectNoSecret(text: string, where: string) {
  for (const secret of secrets) expect(text.includes(secret), `${where} contains the secret ${secret.slice(0, 12)}…`).toBe(false);
}

beforeAll(async () => {
  setLogger(createLogger({ write: (line: string) => void captured.lines.push(line) }, "trace"));
  ok = await startReceiver(200);
  gone = await startReceiver(410);
  t = await seedTenant({ ok, gone }, { webhookSecret: remember(whsec()), integrationSecret: remember(plain("integration-secret")) });
  remember(t.key);
  remember(t.adminKey);
  remember(t.spareKey);
  remember(t.cookie.slice(t.cookie.indexOf("=") + 1));

  // One webhook per signature profile, with its own secret and debug mode (full bodies kept).
  for (const profile of ["standard", "omnisales", "sha256", "auraconnect"]) {
    const secret = remember(profile === "standard" ? whsec() : plain(`${profile}-secret`));
    const res = await api.post("/api/webhooks", { name: profile, url: ok.url, events: ["order.*"], signature_profile: profile, secret, debug_mode: true }, { key: t.key });
    expect(res.status).toBe(201);
    profileWebhooks.push({ profile, id: res.body.data.id });
    const test = await api.post(`/api/webhooks/${res.body.data.id}/test`, { event: "order.created" }, { key: t.key });
    expect(test.body.data.status).toBe("succeeded");
  }
  // A rotated secret: the old one keeps signing for 24 h, so both are in play.
  rotatedWebhookId = profileWebhooks[0].id;
  const rotated = await api.post(`/api/webhooks/${rotatedWebhookId}/rotate-secret`, undefined, { key: t.key });
  remember(rotated.body.data.secret);
  await api.post(`/api/webhooks/${rotatedWebhookId}/test`, { event: "order.created" }, { key: t.key });
  const integrationRotated = await api.post(`/api/integrations/${t.integrationId}/rotate-secret`, { webhook_secret: remember(plain("rotated-integration")) }, { key: t.key });
  expect(integrationRotated.status).toBe(200);
  t.integrationSecret = integrationRotated.body.data.webhook_secret;
  const raw = JSON.stringify({ event: "payment.received", data: { amount: 1 } });
  const received = await api.post(receivePath(t), undefined, { rawBody: raw, headers: { "x-webhook-signature": inboundSignature(t.integrationSecret, raw) } });
  expect(received.status).toBe(200);
  const key = await api.post("/api/api-keys", { name: "made in the flow" }, { headers: { cookie: t.cookie, ...SAME_ORIGIN } });
  remember(key.body.data.key);
});

afterAll(async () => {
  await ok?.close();
  await gone?.close();
  setLogger(undefined);
});

beforeEach(() => resetRateLimits());

describe("API responses", () => {
  it("no GET route's raw response contains a secret or an API key", async () => {
    let checked = 0;
    for (const route of routeFiles) {
      // next-auth's handler serves sign-in pages and session JSON, never account data.
      if (route.template.startsWith("/api/auth/") || !(await exportedMethods(route.file)).includes("GET")) continue;
      const ids = [tenantParams(route.template, t), ...(route.template.startsWith("/api/webhooks/{id}") ? profileWebhooks.map((w) => ({ id: w.id })) : [])];
      for (const params of ids) {
        const path = fillPath(route.template, params);
        const res = await api.get(path, { key: t.key });
        // The Inngest SDK's endpoint answers 500 when no INNGEST_SIGNING_KEY is set (embedded
        // engine); inngest/functions/serve.test.ts covers it configured. It must not leak either.
        if (route.template !== "/api/inngest") expect(res.status, path).toBeLessThan(500);
        expectNoSecret(typeof res.body === "string" ? res.body : JSON.stringify(res.body), `GET ${path}`);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(20);
  });

  it("webhook and integration list/get/update responses never hold the secret", async () => {
    const responses = [
      await api.get("/api/webhooks?limit=100", { key: t.key }),
      await api.get(`/api/webhooks/${rotatedWebhookId}`, { key: t.key }),
      await api.patch(`/api/webhooks/${rotatedWebhookId}`, { description: "patched" }, { key: t.key }),
      await api.put(`/api/webhooks/${t.webhookId}`, { name: "replaced", url: ok.url, events: ["*"] }, { key: t.key }),
      await api.get("/api/integrations", { key: t.key }),
      await api.get(`/api/integrations/${t.integrationId}`, { key: t.key }),
      await api.patch(`/api/integrations/${t.integrationId}`, { name: "patched" }, { key: t.key }),
      await api.get("/api/api-keys", { key: t.key }),
    ];
    for (const res of responses) {
      expect(res.status).toBe(200);
      const text = JSON.stringify(res.body);
      expectNoSecret(text, text.slice(0, 80));
      expect(text).not.toMatch(/"(secret|webhook_secret|key)":/);
    }
  });

  it("the attempts log shows request headers with signatures, never the secret", async () => {
    for (const { id } of profileWebhooks) {
      const logs = await api.get(`/api/webhooks/${id}/logs`, { key: t.key });
      expect(logs.body.data.length).toBeGreaterThan(0);
      expect(Object.keys(logs.body.data[0].request_headers).length).toBeGreaterThan(1);
      expectNoSecret(JSON.stringify(logs.body), `logs of ${id}`);
    }
  });
});

describe("stored data", () => {
  it("attempts' stored request headers and bodies hold no secret, for every signature profile", async () => {
    const attempts = await db().attempt.findMany({ where: { accountId: t.accountId } });
    expect(attempts.length).toBeGreaterThanOrEqual(profileWebhooks.length + 1);
    for (const attempt of attempts) {
      expect(Object.keys(attempt.requestHeaders as object).some((h) => /signature/i.test(h)), attempt.id).toBe(true);
      expectNoSecret(JSON.stringify(attempt.requestHeaders), `request headers of attempt ${attempt.id}`);
      expectNoSecret(attempt.requestBody ?? "", `request body of attempt ${attempt.id}`);
    }
  });

  it("what the receiver saw holds no secret either", () => {
    expect(ok.requests.length).toBeGreaterThan(0);
    for (const request of ok.requests) expectNoSecret(JSON.stringify(request.headers) + request.body, `request to ${request.path}`);
  });

  it("no table holds a secret or an API key in plain text", async () => {
    const text = await databaseText();
    expect(text).toContain(t.webhookId); // the dump does hold the rows
    expectNoSecret(text, "the database");
  });
});

describe("logs", () => {
  it("the request flow above logged, and no line holds a secret, an API key or a session token", () => {
    expect(captured.lines.length).toBeGreaterThan(10);
    expect(captured.lines.some((line) => line.includes('"msg":"request"'))).toBe(true);
    for (const line of captured.lines) expectNoSecret(line, `log line ${line.slice(0, 120)}`);
  });

  it("the logger redacts secrets and credentials in the shapes the code logs them", () => {
    const secret = plain("redact-me");
    const before = captured.lines.length;
    log().error(
      {
        secret,
        webhook: { secret, headers: { authorization: `Bearer ${secret}`, cookie: `next-auth.session-token=${secret}` } },
        integration: { webhook_secret: secret },
        user: { password: secret },
        apiKey: { key: secret },
        headers: { authorization: `Bearer ${secret}` },
        authorization: `Bearer ${secret}`,
        attempt: { requestHeaders: { "webhook-signature": secret } },
      },
      "redaction check",
    );
    const lines = captured.lines.slice(before);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("[redacted]");
    expect(lines[0]).not.toContain(secret);
  });
});
