// Claimed deliveries carry their webhook's settings from a cache keyed by the webhook row's
// version: a change by any writer (the API through Prisma, the engine's raw SQL) must show in
// the next claim, and an unchanged webhook must not be read again.
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { claimDueDeliveries } from "@/lib/delivery/due-delivery";
import { webhookSettings } from "@/lib/delivery/webhook-settings";
import { sql } from "@/lib/db/client";
import { api } from "@/test/api";
import { newAccount } from "@/test/fixtures";
import { startReceiver, type Receiver } from "@/test/receiver";

let key: string;
let first: Receiver;
let second: Receiver;

beforeAll(async () => {
  ({ key } = await newAccount());
  first = await startReceiver(200);
  second = await startReceiver(200);
});

afterAll(async () => {
  await first.close();
  await second.close();
});

/** Publishes one event for the webhook and claims its delivery (only that webhook's work). */
async function publishAndClaim(webhookId: string, eventType: string) {
  expect((await api.post("/api/events", { type: eventType, data: {} }, { key })).status).toBe(202);
  const claimed = await claimDueDeliveries(`claimer_${webhookId}`, 10, [], { byWebhook: new Map([[webhookId, 10]]), otherwise: 0 });
  expect(claimed).toHaveLength(1);
  return claimed[0];
}

it("a claim after a webhook changed carries the new settings, whether the API or the engine's SQL changed it", async () => {
  const created = await api.post("/api/webhooks", { url: first.url, events: ["order.created"] }, { key });
  const { id } = created.body.data;
  const before = await publishAndClaim(id, "order.created");
  expect(before).toMatchObject({ url: first.url, timeoutMs: 30_000, headers: {}, failingSince: null });

  const patched = await api.patch(`/api/webhooks/${id}`, { url: second.url, timeout_ms: 5_000, headers: { "X-Tenant": "t1" } }, { key });
  expect(patched.status).toBe(200);
  const afterApi = await publishAndClaim(id, "order.created");
  expect(afterApi).toMatchObject({ url: second.url, timeoutMs: 5_000, headers: { "X-Tenant": "t1" } });

  // As the recording statement marks a failing streak: raw SQL, no Prisma @updatedAt.
  await sql().query(`UPDATE webhooks SET failing_since = '2026-01-02T03:04:05Z' WHERE id = $1`, [id]);
  const afterSql = await publishAndClaim(id, "order.created");
  expect(afterSql.failingSince).toEqual(new Date("2026-01-02T03:04:05Z"));
});

it("reads an unchanged webhook's settings once, however many claims name it", async () => {
  const created = await api.post("/api/webhooks", { url: first.url, events: ["order.updated"] }, { key });
  const { id } = created.body.data;
  const claimed = await publishAndClaim(id, "order.updated");
  expect(claimed.url).toBe(first.url);

  const { rows } = await sql().query<{ version: string }>(`SELECT xmin::text AS version FROM webhooks WHERE id = $1`, [id]);
  const reads = vi.spyOn(sql(), "query");
  try {
    for (let i = 0; i < 3; i++) expect((await webhookSettings(new Map([[id, rows[0].version]]))).get(id)?.url).toBe(first.url);
    expect(reads).not.toHaveBeenCalled();
  } finally {
    reads.mockRestore();
  }
});

it("leaves out a webhook deleted after a claim named it at a newer version, rather than answer with its cached settings", async () => {
  const created = await api.post("/api/webhooks", { url: first.url, events: ["order.cancelled"] }, { key });
  const { id } = created.body.data;
  const claimed = await publishAndClaim(id, "order.cancelled");
  expect(claimed.url).toBe(first.url);

  // Changed (a claim sees the new version), then deleted before the settings are read.
  await sql().query(`UPDATE webhooks SET failing_since = now() WHERE id = $1`, [id]);
  const { rows } = await sql().query<{ version: string }>(`SELECT xmin::text AS version FROM webhooks WHERE id = $1`, [id]);
  expect((await api.delete(`/api/webhooks/${id}`, { key })).status).toBe(204);

  expect((await webhookSettings(new Map([[id, rows[0].version]]))).has(id)).toBe(false);
});
