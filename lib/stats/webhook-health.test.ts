import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { newAccount } from "@/test/fixtures";
import { webhookHealth } from "@/lib/stats/webhook-health";

const now = new Date("2030-01-10T12:00:00Z");
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000);

async function webhook(accountId: string, name: string, extra: { isActive?: boolean; disabledReason?: string; failingSince?: Date } = {}) {
  return db().webhook.create({
    data: { id: newId("wh"), accountId, name, url: `https://example.com/${name}`, events: ["*"], secretCiphertext: "x", ipWhitelist: [], ...extra },
  });
}

/** Records attempts, oldest first: [minutes ago, status, response ms]. */
async function attempts(accountId: string, webhookId: string, rows: [number, "succeeded" | "failed", number][]) {
  const event = await db().event.create({ data: { id: newId("evt"), accountId, type: "order.created", data: {} } });
  const delivery = await db().delivery.create({ data: { id: newId("dlv"), accountId, webhookId, eventId: event.id } });
  for (const [i, [ago, status, ms]] of rows.entries()) {
    await db().attempt.create({
      data: {
        id: newId("att"),
        accountId,
        deliveryId: delivery.id,
        webhookId,
        eventId: event.id,
        eventType: "order.created",
        attemptNumber: i + 1,
        status,
        responseCode: status === "succeeded" ? 200 : 500,
        responseTimeMs: ms,
        errorClass: status === "failed" ? "http_status" : null,
        requestHeaders: {},
        createdAt: minutesAgo(ago),
      },
    });
  }
  return delivery;
}

let accountId: string;

beforeAll(async () => {
  ({ account: { id: accountId } } = await newAccount());
});

describe("webhookHealth", () => {
  it("reports success rate, latency and the last attempt over the last 24 h only", async () => {
    const w = await webhook(accountId, "healthy");
    await attempts(accountId, w.id, [
      [3000, "failed", 900], // older than 24 h: not counted in the rates
      [60, "succeeded", 100],
      [30, "failed", 300],
      [10, "succeeded", 200],
      [5, "succeeded", 400],
    ]);
    const h = (await webhookHealth(accountId, now)).find((x) => x.webhook_id === w.id)!;
    expect(h).toMatchObject({
      status: "active",
      total_24h: 4,
      succeeded_24h: 3,
      failed_24h: 1,
      success_rate_24h: 0.75,
      avg_response_ms_24h: 250,
      last_attempt_at: minutesAgo(5).toISOString(),
      last_status: "succeeded",
      last_response_code: 200,
      failing_streak: 0,
      dead_letters: 0,
    });
  });

  it("counts the failing streak: failed attempts since failing_since and after the last success", async () => {
    const w = await webhook(accountId, "failing", { failingSince: minutesAgo(20) });
    await attempts(accountId, w.id, [
      [40, "failed", 10],
      [30, "succeeded", 10],
      [20, "failed", 10],
      [15, "failed", 10],
      [10, "failed", 10],
    ]);
    const h = (await webhookHealth(accountId, now)).find((x) => x.webhook_id === w.id)!;
    expect(h.status).toBe("failing");
    expect(h.failing_streak).toBe(3);
    expect(h.failing_since).toBe(minutesAgo(20).toISOString());
    expect(h.last_status).toBe("failed");
  });

  it("shows a disabled webhook with its reason, and a webhook without attempts with empty figures", async () => {
    const off = await webhook(accountId, "off", { isActive: false, disabledReason: "endpoint answered 410 Gone" });
    const quiet = await webhook(accountId, "quiet");
    const all = await webhookHealth(accountId, now);
    expect(all.find((x) => x.webhook_id === off.id)).toMatchObject({ status: "disabled", disabled_reason: "endpoint answered 410 Gone" });
    expect(all.find((x) => x.webhook_id === quiet.id)).toMatchObject({
      status: "active",
      total_24h: 0,
      success_rate_24h: null,
      avg_response_ms_24h: null,
      last_attempt_at: null,
      failing_streak: 0,
    });
  });

  it("counts dead letters that are not replayed yet", async () => {
    const w = await webhook(accountId, "dead");
    const d = await attempts(accountId, w.id, [[5, "failed", 10]]);
    await db().deadLetter.create({
      data: { id: newId("fail"), accountId, webhookId: w.id, deliveryId: d.id, eventId: d.eventId, eventType: "order.created", reason: "HTTP 500" },
    });
    expect((await webhookHealth(accountId, now)).find((x) => x.webhook_id === w.id)!.dead_letters).toBe(1);
  });

  it("only lists the account's own webhooks, newest first", async () => {
    const { account: other } = await newAccount();
    await webhook(other.id, "elsewhere");
    const names = (await webhookHealth(accountId, now)).map((x) => x.name);
    expect(names).not.toContain("elsewhere");
    expect(names).toEqual(["dead", "quiet", "off", "failing", "healthy"]);
  });
});
