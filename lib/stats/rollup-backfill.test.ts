import { readFile } from "node:fs/promises";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { db, sql } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { webhookStats, windows } from "@/lib/stats/webhook-stats";
import { exactStats, expectStatsMatch } from "@/test/exact-stats";
import { newAccount } from "@/test/fixtures";

// The migration that added the rollups fills them from the attempts already stored, so an
// upgraded installation's 24 h and 7 d stats do not start empty. Its statement is replayed
// here over attempts written without rollups (as before the upgrade).
const MIGRATION = path.join(process.cwd(), "prisma/migrations/0002_attempt_rollups/migration.sql");

let accountId: string;
let webhookId: string;
const now = new Date();

beforeAll(async () => {
  ({ account: { id: accountId } } = await newAccount());
  webhookId = (
    await db().webhook.create({ data: { id: newId("wh"), accountId, name: "old", url: "https://example.com/hook", events: ["*"], secretCiphertext: "x", ipWhitelist: [] } })
  ).id;
  const event = await db().event.create({ data: { id: newId("evt"), accountId, type: "order.created", data: {} } });
  const delivery = await db().delivery.create({ data: { id: newId("dlv"), accountId, webhookId, eventId: event.id } });
  const outcomes = [
    { status: "succeeded", responseCode: 200, errorClass: null },
    { status: "failed", responseCode: 503, errorClass: "http_status" },
    { status: "failed", responseCode: null, errorClass: "timeout" },
    { status: "succeeded", responseCode: 204, errorClass: null },
  ] as const;
  // Every 37 minutes over the last 9 days (the oldest are past the rollups' 8 days).
  await db().attempt.createMany({
    data: Array.from({ length: Math.floor((9 * 24 * 60) / 37) }, (_, i) => ({
      id: newId("att"),
      accountId,
      deliveryId: delivery.id,
      webhookId,
      eventId: event.id,
      eventType: ["order.created", "order.updated"][i % 2],
      attemptNumber: 1,
      ...outcomes[i % outcomes.length],
      responseTimeMs: [3, 47, 128, 129, 250, 999, 4321][i % 7],
      requestHeaders: {},
      createdAt: new Date(now.getTime() - i * 37 * 60_000),
    })),
  });
});

describe("the rollups migration's backfill", () => {
  it("gives the stats the attempts give", async () => {
    const migration = await readFile(MIGRATION, "utf8");
    const backfill = migration.slice(migration.indexOf("-- Backfill"));
    expect(backfill).toContain("INSERT INTO response_time_rollups");
    expect((await webhookStats({ webhookId }, "7d", now)).total).toBe(0);
    await sql().query(backfill);
    for (const window of ["24h", "7d"] as const) {
      const stats = await webhookStats({ webhookId }, window, now);
      expect(stats.total).toBeGreaterThan(0);
      expectStatsMatch(stats, await exactStats({ webhookId }, stats.from, stats.to, windows[window].bucketMs));
    }
  });
});
