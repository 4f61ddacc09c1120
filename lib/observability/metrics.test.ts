import { createHmac } from "node:crypto";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { firstAttemptIdAt, LATENCY_BUCKETS_SECONDS } from "@/lib/observability/metrics";
import { renderPrometheus } from "@/lib/observability/prometheus";
import { api } from "@/test/api";
import { newAccount } from "@/test/fixtures";
import { startReceiver, type Receiver } from "@/test/receiver";

let admin: string;
let member: string;
let receiver: Receiver | undefined;

beforeAll(async () => {
  ({ key: admin } = await newAccount("admin"));
  ({ key: member } = await newAccount("member"));
});

afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
  await db().webhook.deleteMany();
  await db().event.deleteMany();
  await db().integration.deleteMany();
});

/** `name{labels}` → value, for every sample line; also checks each line is well formed. */
function parseMetrics(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const typed = new Set<string>();
  for (const line of text.trimEnd().split("\n")) {
    const type = /^# TYPE (\w+) (gauge|counter|histogram)$/.exec(line);
    if (type) typed.add(type[1]);
    if (line.startsWith("#")) {
      expect(line).toMatch(/^# (HELP|TYPE) \w+ .+$/);
      continue;
    }
    const match = /^(\w+)(\{[^}]*\})? (-?[\d.e+-]+|NaN|\+Inf)$/.exec(line);
    expect(match, `malformed sample line: ${line}`).not.toBeNull();
    expect([...typed].some((name) => match![1] === name || match![1].startsWith(`${name}_`)), `${line} has no # TYPE before it`).toBe(true);
    samples.set(`${match![1]}${match![2] ?? ""}`, Number(match![3]));
  }
  return samples;
}

async function scrape(key = admin) {
  const res = await api.get("/api/metrics", { key });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  return parseMetrics(res.body as string);
}

async function createWebhook(body: Record<string, unknown> = {}) {
  const res = await api.post("/api/webhooks", { name: "metrics", url: receiver!.url, events: ["order.*"], retry_policy: [3600], ...body }, { key: admin });
  expect(res.status).toBe(201);
  return res.body.data as { id: string };
}

describe("GET /api/metrics", () => {
  it("needs an admin: 401 without credentials, 403 for a member's key", async () => {
    expect((await api.get("/api/metrics")).status).toBe(401);
    const res = await api.get("/api/metrics", { key: member });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe("forbidden");
  });

  it("counts the last hour's attempts by outcome and error class, with a latency histogram", async () => {
    receiver = await startReceiver(async (_, i, res) => {
      if (i === 3) return 500;
      if (i === 4) await new Promise((r) => setTimeout(r, 300));
      if (i === 5) return new Promise<void>((r) => setTimeout(r, 1500)).then(() => void res.destroy());
      return 200;
    });
    const webhook = await createWebhook({ timeout_ms: 800 });
    for (let i = 0; i < 6; i++) await api.post(`/api/webhooks/${webhook.id}/test`, { event: "order.created" }, { key: admin });

    const m = await scrape();
    expect(m.get('hookrelay_attempts_last_hour{outcome="succeeded",error_class="none"}')).toBe(4);
    expect(m.get('hookrelay_attempts_last_hour{outcome="failed",error_class="http_status"}')).toBe(1);
    expect(m.get('hookrelay_attempts_last_hour{outcome="failed",error_class="timeout"}')).toBe(1);

    const bucket = (le: string) => m.get(`hookrelay_attempt_duration_seconds_bucket{le="${le}"}`)!;
    const bounds = [...LATENCY_BUCKETS_SECONDS.map(String), "+Inf"];
    expect(bounds.map(bucket).every((n, i, all) => i === 0 || n >= all[i - 1]), "buckets are cumulative").toBe(true);
    expect(bucket("+Inf")).toBe(6);
    expect(m.get("hookrelay_attempt_duration_seconds_count")).toBe(6);
    expect(bucket("0.25")).toBeLessThanOrEqual(4); // the 300 ms answer and the 800 ms timeout are slower
    expect(bucket("0.5")).toBeLessThanOrEqual(5); // the timeout is slower
    expect(bucket("2.5")).toBe(6);
    const sum = m.get("hookrelay_attempt_duration_seconds_sum")!;
    expect(sum).toBeGreaterThan(1.1); // 0.3 + 0.8 at least
    expect(sum).toBeLessThan(6 * 2.5);

    // An attempt from two hours ago has left the window.
    const oldest = await db().attempt.findFirstOrThrow({ where: { webhookId: webhook.id }, orderBy: { createdAt: "asc" } });
    await db().attempt.update({ where: { id_createdAt: { id: oldest.id, createdAt: oldest.createdAt } }, data: { createdAt: new Date(Date.now() - 2 * 3600_000) } });
    expect((await scrape()).get("hookrelay_attempt_duration_seconds_count")).toBe(5);
  });

  it("reports deliveries by status and the queue: due, in flight, parked, lag and age", async () => {
    receiver = await startReceiver(200);
    const live = await createWebhook();
    const off = await createWebhook();
    const publish = (i: number) => api.post("/api/events", { type: "order.created", data: { i } }, { key: admin });
    for (let i = 0; i < 3; i++) await publish(i);
    // No dispatcher runs here: the deliveries wait. Three minutes ago they were due.
    await db().delivery.updateMany({ data: { nextAttemptAt: new Date(Date.now() - 180_000), createdAt: new Date(Date.now() - 240_000) } });
    const [leased] = await db().delivery.findMany({ where: { webhookId: live.id }, take: 1 });
    await db().delivery.update({ where: { id: leased.id }, data: { leaseOwner: "someone", leaseExpiresAt: new Date(Date.now() + 60_000) } });
    await api.patch(`/api/webhooks/${off.id}`, { is_active: false }, { key: admin });
    const [done] = await db().delivery.findMany({ where: { webhookId: off.id }, take: 1 });
    await db().delivery.update({ where: { id: done.id }, data: { status: "succeeded" } });

    const m = await scrape();
    expect(m.get('hookrelay_deliveries{status="pending"}')).toBe(5);
    expect(m.get('hookrelay_deliveries{status="succeeded"}')).toBe(1);
    expect(m.get('hookrelay_deliveries{status="dead"}')).toBe(0);
    expect(m.get("hookrelay_deliveries_due")).toBe(2);
    expect(m.get("hookrelay_deliveries_in_flight")).toBe(1);
    expect(m.get("hookrelay_deliveries_parked")).toBe(2);
    expect(m.get("hookrelay_oldest_due_delivery_seconds")).toBeGreaterThanOrEqual(179);
    expect(m.get("hookrelay_oldest_due_delivery_seconds")).toBeLessThan(200);
    expect(m.get("hookrelay_oldest_pending_delivery_age_seconds")).toBeGreaterThanOrEqual(239);
    expect(m.get('hookrelay_webhooks{state="active"}')).toBe(1);
    expect(m.get('hookrelay_webhooks{state="disabled"}')).toBe(1);
  });

  it("reports an empty queue as zero lag", async () => {
    const m = await scrape();
    expect(m.get("hookrelay_deliveries_due")).toBe(0);
    expect(m.get("hookrelay_oldest_due_delivery_seconds")).toBe(0);
    expect(m.get("hookrelay_oldest_pending_delivery_age_seconds")).toBe(0);
    expect(m.get('hookrelay_engine_info{engine="embedded"}')).toBe(1);
    expect(m.get("process_resident_memory_bytes")).toBeGreaterThan(0);
  });

  it("counts dead letters by whether they were replayed, failing webhooks, and inbound events by status", async () => {
    receiver = await startReceiver(500);
    const webhook = await createWebhook({ retry_policy: [1] });
    for (let i = 0; i < 2; i++) await api.post(`/api/webhooks/${webhook.id}/test`, { event: "order.created" }, { key: admin });
    const deliveries = await db().delivery.findMany({ where: { webhookId: webhook.id } });
    for (const [i, d] of deliveries.entries()) {
      await db().delivery.update({ where: { id: d.id }, data: { status: "dead" } });
      await db().deadLetter.create({
        data: { id: newId("fail"), accountId: d.accountId, webhookId: d.webhookId, deliveryId: d.id, eventId: d.eventId, eventType: "order.created", reason: "HTTP 500", replayedAt: i === 0 ? new Date() : null },
      });
    }

    const integration = (await api.post("/api/integrations", { source_system: "pawoon", user_id: "metrics-user" }, { key: admin })).body.data;
    const raw = JSON.stringify({ event: "transaction.created", timestamp: new Date().toISOString(), data: { transaction_id: "t1" } });
    const signature = "sha256=" + createHmac("sha256", Buffer.from(integration.webhook_secret, "utf8")).update(raw).digest("hex");
    const received = await api.post(`/v1/integrations/webhooks/pawoon/metrics-user`, undefined, { rawBody: raw, headers: { "content-type": "application/json", "x-webhook-signature": signature } });
    expect(received.status).toBe(200);

    const m = await scrape();
    expect(m.get('hookrelay_dead_letters{replayed="false"}')).toBe(1);
    expect(m.get('hookrelay_dead_letters{replayed="true"}')).toBe(1);
    expect(m.get('hookrelay_deliveries{status="dead"}')).toBe(2);
    expect(m.get("hookrelay_webhooks_failing")).toBe(1);
    expect(m.get('hookrelay_inbound_events{status="pending"}')).toBe(1);
    expect(m.get('hookrelay_inbound_events{status="processed"}')).toBe(0);
  });
});

describe("the attempt window's id bound", () => {
  it("orders below every attempt id made since, in the database's own collation", async () => {
    const since = new Date(Date.now() - 1000);
    const later = newId("att");
    const earlier = `att_${"0".repeat(26)}`;
    const [row] = await db().$queryRaw<{ below: boolean; above: boolean }[]>`
      SELECT ${firstAttemptIdAt(since)} < ${later} AS below, ${firstAttemptIdAt(since)} > ${earlier} AS above`;
    expect(row).toEqual({ below: true, above: true });
    expect(firstAttemptIdAt(new Date(Date.now() + 1000)) > later).toBe(true);
  });
});

describe("renderPrometheus", () => {
  it("escapes label values and HELP text", () => {
    const text = renderPrometheus([{ name: "x", type: "gauge", help: "a\\b\nc", samples: [{ labels: { v: 'say "hi"\n' }, value: 1.5 }, { value: Infinity }] }]);
    expect(text).toBe('# HELP x a\\\\b\\nc\n# TYPE x gauge\nx{v="say \\"hi\\"\\n"} 1.5\nx +Inf\n');
  });
});
