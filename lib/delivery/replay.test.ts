import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { attemptDelivery } from "@/lib/delivery/attempt-delivery";
import { signatureProfiles } from "@/lib/signing/profiles";
import { api } from "@/test/api";
import { newAccount } from "@/test/fixtures";
import { startReceiver, type Receiver } from "@/test/receiver";

let key: string;
let accountId: string;
let otherKey: string;
let receiver: Receiver | undefined;

beforeAll(async () => {
  ({ key, account: { id: accountId } } = await newAccount());
  ({ key: otherKey } = await newAccount());
});

afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

async function createWebhook(body: Record<string, unknown> = {}) {
  const res = await api.post("/api/webhooks", { name: "replay test", url: receiver?.url ?? "http://127.0.0.1:9/hook", events: ["order.*"], retry_policy: [1], ...body }, { key });
  expect(res.status).toBe(201);
  return res.body.data as { id: string };
}

/** `n` dead letters of the webhook, failed one minute apart ending `endAgoMs` ago (oldest first), written directly. */
async function insertDeadLetters(webhookId: string, prefix: string, n: number, endAgoMs = 60_000) {
  for (let i = 0; i < n; i++) {
    const failedAt = new Date(Date.now() - endAgoMs - (n - 1 - i) * 60_000);
    const eventId = `evt_${prefix}_${i}`;
    await db().event.create({ data: { id: eventId, accountId, type: "order.created", data: { i } } });
    await db().delivery.create({ data: { id: `dlv_${prefix}_${i}`, accountId, webhookId, eventId, status: "dead", attempts: 2, nextAttemptAt: null } });
    await db().deadLetter.create({
      data: { id: `fail_${prefix}_${i}`, accountId, webhookId, deliveryId: `dlv_${prefix}_${i}`, eventId, eventType: "order.created", reason: `HTTP 500 #${i}`, failedAt },
    });
  }
}

/** Everything a replay would change, to compare before and after a dry run. */
const snapshot = async (webhookId: string) => ({
  deliveries: await db().delivery.findMany({ where: { webhookId }, orderBy: { id: "asc" } }),
  deadLetters: await db().deadLetter.findMany({ where: { webhookId }, orderBy: { id: "asc" } }),
});

describe("POST /api/webhooks/{id}/replay with dry_run", () => {
  it("answers the count and the first 20 dead letters since the time, oldest first, and changes nothing", async () => {
    const webhook = await createWebhook();
    await insertDeadLetters(webhook.id, "old", 2, 3 * 3600_000); // before `since`
    await insertDeadLetters(webhook.id, "new", 23);
    const since = new Date(Date.now() - 2 * 3600_000).toISOString();
    const before = await snapshot(webhook.id);

    const res = await api.post(`/api/webhooks/${webhook.id}/replay`, { since, dry_run: true }, { key });
    expect(res.status).toBe(200);
    expect(res.body.data.dry_run).toBe(true);
    expect(res.body.data.count).toBe(23);
    expect(res.body.data.items).toHaveLength(20);
    expect(res.body.data.items[0]).toEqual({
      dead_letter_id: "fail_new_0",
      delivery_id: "dlv_new_0",
      event: "order.created",
      event_id: "evt_new_0",
      failed_at: before.deadLetters.find((d) => d.id === "fail_new_0")!.failedAt.toISOString(),
      reason: "HTTP 500 #0",
    });
    expect(res.body.data.items.map((i: { dead_letter_id: string }) => i.dead_letter_id)).toEqual(Array.from({ length: 20 }, (_, i) => `fail_new_${i}`));
    expect(await snapshot(webhook.id)).toEqual(before);

    // The real replay then queues exactly what the preview counted.
    const real = await api.post(`/api/webhooks/${webhook.id}/replay`, { since }, { key });
    expect(real.body.data.replayed).toBe(23);
    const again = await api.post(`/api/webhooks/${webhook.id}/replay`, { since, dry_run: true }, { key });
    expect(again.body.data).toEqual({ dry_run: true, count: 0, items: [] });
  });

  it("previews one dead letter by failure_id, 404 for an unknown one or another account's webhook, 422 for a non-boolean dry_run", async () => {
    const webhook = await createWebhook();
    await insertDeadLetters(webhook.id, "one", 1);
    const before = await snapshot(webhook.id);
    const res = await api.post(`/api/webhooks/${webhook.id}/replay`, { failure_id: "fail_one_0", dry_run: true }, { key });
    expect(res.body.data).toMatchObject({ dry_run: true, count: 1, items: [{ dead_letter_id: "fail_one_0", reason: "HTTP 500 #0" }] });
    expect(await snapshot(webhook.id)).toEqual(before);
    expect((await api.post(`/api/webhooks/${webhook.id}/replay`, { failure_id: "fail_nope", dry_run: true }, { key })).status).toBe(404);
    expect((await api.post(`/api/webhooks/${webhook.id}/replay`, { failure_id: "fail_one_0", dry_run: true }, { key: otherKey })).status).toBe(404);
    expect((await api.post(`/api/webhooks/${webhook.id}/replay`, { failure_id: "fail_one_0", dry_run: "yes" }, { key })).status).toBe(422);
    // dry_run: false is an ordinary replay.
    expect((await api.post(`/api/webhooks/${webhook.id}/replay`, { failure_id: "fail_one_0", dry_run: false }, { key })).body.data.replayed).toBe(1);
  });
});

/** A delivery of a new event to the webhook that dies: two failed attempts under retry policy [1]. */
async function deadDelivery(webhookId: string, data: Record<string, unknown>) {
  receiver!.respond(500);
  const published = await api.post("/api/events", { type: "order.created", data }, { key });
  const deliveryId = published.body.data.deliveries.find((d: { webhook_id: string }) => d.webhook_id === webhookId).id as string;
  expect((await attemptDelivery(deliveryId))?.state).toBe("pending");
  expect((await attemptDelivery(deliveryId))?.state).toBe("dead");
  return deliveryId;
}

describe("replayed deliveries are marked", () => {
  it.each(signatureProfiles)("the %s profile sends webhook-replay with the original delivery id on a replay, and not on a first try", async (profile) => {
    receiver = await startReceiver(500);
    const webhook = await createWebhook({ signature_profile: profile });
    const original = await deadDelivery(webhook.id, { profile });
    expect(receiver.requests).toHaveLength(2);
    for (const first of receiver.requests) expect(first.headers["webhook-replay"]).toBeUndefined();

    receiver.respond(200);
    const replay = await api.post(`/api/webhooks/${webhook.id}/replay`, { since: new Date(Date.now() - 60_000).toISOString() }, { key });
    const [replayId] = replay.body.data.delivery_ids as string[];
    expect((await attemptDelivery(replayId))?.state).toBe("succeeded");
    expect(receiver.requests).toHaveLength(3);
    expect(receiver.requests[2].headers["webhook-replay"]).toBe(original);

    // The log links the replay to its origin.
    const deliveries = await api.get(`/api/webhooks/${webhook.id}/deliveries`, { key });
    const byId = new Map(deliveries.body.data.map((d: { id: string }) => [d.id, d]));
    expect(byId.get(replayId)).toMatchObject({ replay_of: original, is_check: false });
    expect(byId.get(original)).toMatchObject({ replay_of: null });
    const logs = await api.get(`/api/webhooks/${webhook.id}/logs`, { key });
    expect(logs.body.data[0]).toMatchObject({ delivery_id: replayId, replay_of: original, is_check: false, check: null });
    expect(logs.body.data[0].request_headers["webhook-replay"]).toBe(original);
    expect(logs.body.data[1]).toMatchObject({ delivery_id: original, replay_of: null });
  });
});
