// Issue 7: SSRF end to end through the API, with WEBHOOK_ALLOW_PRIVATE_NETWORKS=false as in
// production. A webhook URL may not point inward in any spelling; an attempt re-checks (so a
// webhook created while private networks were allowed is blocked later, and the receiver sees
// nothing); and a redirect is never followed, so a public receiver cannot bounce us inward.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { resetConfig } from "@/lib/config";
import { db } from "@/lib/db/client";
import { api } from "@/test/api";
import { newAccount } from "@/test/fixtures";
import { startReceiver, type Receiver } from "@/test/receiver";

const valid = { name: "ssrf", events: ["order.*"] };

let key: string;
const receivers: Receiver[] = [];

async function receiver(status = 200) {
  const r = await startReceiver(status);
  receivers.push(r);
  return r;
}

function allowPrivateNetworks(allowed: boolean) {
  process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS = String(allowed);
  resetConfig();
}

beforeAll(async () => {
  ({ key } = await newAccount());
});

afterEach(() => allowPrivateNetworks(true));

afterAll(async () => {
  for (const r of receivers) await r.close();
});

describe("with WEBHOOK_ALLOW_PRIVATE_NETWORKS=false, creating a webhook", () => {
  const inward = [
    // IPv4 loopback in every spelling WHATWG URL accepts
    "http://127.0.0.1/x",
    "http://127.1/x",
    "http://127.255.255.254:8080/x",
    "http://2130706433/x", // decimal
    "http://0177.0.0.1/x", // octal
    "http://0x7f.0.0.1/x", // hex
    "http://0x7f000001/x",
    "http://017700000001/x",
    // unspecified, private, link-local (cloud metadata), shared, multicast, broadcast
    "http://0.0.0.0/x",
    "http://0/x",
    "http://10.0.0.5/x",
    "http://172.16.0.1/x",
    "http://172.31.255.255/x",
    "http://192.168.1.1/x",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/x",
    "http://224.0.0.1/x",
    "http://255.255.255.255/x",
    // IPv6 loopback, unspecified, link-local, unique-local, and v4 carried inside v6
    "http://[::1]/x",
    "http://[0:0:0:0:0:0:0:1]/x",
    "http://[::]/x",
    "http://[fe80::1]/x",
    "http://[fc00::1]/x",
    "http://[fd12:3456::1]/x",
    "http://[::ffff:127.0.0.1]/x",
    "http://[::ffff:7f00:1]/x",
    "http://[::ffff:169.254.169.254]/x",
    "http://[::ffff:10.0.0.1]/x",
    "http://[::127.0.0.1]/x",
    "http://[64:ff9b::7f00:1]/x", // NAT64 of 127.0.0.1
    "http://[2002:7f00:1::]/x", // 6to4 of 127.0.0.1
    // DNS names that resolve inward
    "http://localhost/x",
    "http://LOCALHOST:3000/x",
    "https://localhost/x",
  ];

  it.each(inward)("refuses %s with 422 on `url`, and stores nothing", async (url) => {
    allowPrivateNetworks(false);
    const before = await db().webhook.count();
    const res = await api.post("/api/webhooks", { ...valid, url }, { key });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ success: false, code: "validation_error" });
    expect(res.body.details.map((d: { path: string }) => d.path)).toContain("url");
    expect(await db().webhook.count()).toBe(before);
  });

  it("refuses an inward URL on PATCH and PUT too, and the webhook keeps its URL", async () => {
    const created = await api.post("/api/webhooks", { ...valid, url: "https://example.com/hook" }, { key });
    expect(created.status).toBe(201);
    allowPrivateNetworks(false);
    const patch = await api.patch(`/api/webhooks/${created.body.data.id}`, { url: "http://169.254.169.254/latest" }, { key });
    expect(patch.status).toBe(422);
    const put = await api.put(`/api/webhooks/${created.body.data.id}`, { ...valid, url: "http://[::ffff:127.0.0.1]/x" }, { key });
    expect(put.status).toBe(422);
    expect((await api.get(`/api/webhooks/${created.body.data.id}`, { key })).body.data.url).toBe("https://example.com/hook");
  });

  it("accepts a name that does not resolve yet (DNS may change), and each attempt checks it again", async () => {
    allowPrivateNetworks(false);
    // "localhost." is not in /etc/hosts for glibc; where a resolver answers it, it is refused above.
    const res = await api.post("/api/webhooks", { ...valid, url: "http://localhost./x" }, { key });
    if (res.status === 422) return;
    expect(res.status).toBe(201);
    const test = await api.post(`/api/webhooks/${res.body.data.id}/test`, { event: "order.created" }, { key });
    expect(test.body.data.status).toBe("failed");
    expect(["dns", "ssrf_blocked"]).toContain(test.body.data.error);
  });

  it("accepts a public address", async () => {
    allowPrivateNetworks(false);
    expect((await api.post("/api/webhooks", { ...valid, url: "https://93.184.215.14/hook" }, { key })).status).toBe(201);
  });
});

describe("attempts re-check the destination", () => {
  it("a webhook created while private networks were allowed is blocked once they are not: ssrf_blocked, the receiver sees nothing", async () => {
    const target = await receiver();
    const created = await api.post("/api/webhooks", { ...valid, url: target.url }, { key });
    expect(created.status).toBe(201);

    allowPrivateNetworks(false);
    const test = await api.post(`/api/webhooks/${created.body.data.id}/test`, { event: "order.created" }, { key });
    expect(test.status).toBe(200);
    expect(test.body.data).toMatchObject({ status: "failed", error: "ssrf_blocked", response_code: null });

    // Through the normal publish path as well.
    await api.post("/api/events", { type: "order.created", data: { order_id: "o-1" } }, { key });
    const { attemptDelivery } = await import("@/lib/delivery/attempt-delivery");
    const pending = await db().delivery.findMany({ where: { webhookId: created.body.data.id, status: "pending", attempts: 0 } });
    expect(pending.length).toBeGreaterThan(0);
    for (const d of pending) expect((await attemptDelivery(d.id))?.outcome.errorClass).toBe("ssrf_blocked");

    const logs = await api.get(`/api/webhooks/${created.body.data.id}/logs`, { key });
    expect(logs.body.data.length).toBeGreaterThanOrEqual(2);
    for (const attempt of logs.body.data) expect(attempt.error).toBe("ssrf_blocked");
    expect(target.requests).toHaveLength(0);
  });

  it.each([301, 302, 303, 307, 308])("a %i redirect to an internal URL is not followed: error `redirect`, the target sees nothing", async (status) => {
    const internal = await receiver();
    const bouncer = await receiver();
    bouncer.respond((_req, _i, res) => void res.writeHead(status, { location: internal.url }).end());
    const created = await api.post("/api/webhooks", { ...valid, url: bouncer.url }, { key });
    const test = await api.post(`/api/webhooks/${created.body.data.id}/test`, { event: "order.created" }, { key });
    expect(test.body.data).toMatchObject({ status: "failed", error: "redirect", response_code: status });
    expect(bouncer.requests).toHaveLength(1);
    expect(internal.requests).toHaveLength(0);
  });

  it("a redirect to the cloud metadata address is not followed either", async () => {
    const bouncer = await receiver();
    bouncer.respond((_req, _i, res) => void res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/iam/" }).end());
    const created = await api.post("/api/webhooks", { ...valid, url: bouncer.url }, { key });
    const test = await api.post(`/api/webhooks/${created.body.data.id}/test`, { event: "order.created" }, { key });
    expect(test.body.data).toMatchObject({ status: "failed", error: "redirect" });
    expect(test.body.data.response_time_ms).toBeLessThan(5000);
  });
});
