import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { config, resetConfig } from "@/lib/config";
import { db, sql } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { attemptPartitionName, attemptPartitions, maintainAttemptPartitions, utcDay, withMaintenanceLock } from "@/lib/db/partitions";
import { deleteHistory } from "@/lib/delivery/history-purge";
import { PURGE_APPLICATION_NAME, purgeConnection, purgeOldHistory, retentionCutoff, rollupCutoff, ROLLUP_RETENTION_DAYS, type PurgeResult } from "@/lib/delivery/retention";
import { api } from "@/test/api";
import { newAccount } from "@/test/fixtures";

const DAY = 24 * 3600 * 1000;
const daysAgo = (n: number) => new Date(Date.now() - n * DAY);
/** The rows a purge deleted one by one. */
const deleted = ({ attempts, events, deliveries, inboundEvents, rollups }: PurgeResult) => ({ attempts, events, deliveries, inboundEvents, rollups });
const nothing = { attempts: 0, events: 0, deliveries: 0, inboundEvents: 0, rollups: 0 };

let accountId: string;
let webhookIds: [string, string];
let integrationId: string;

beforeAll(async () => {
  const { account, key } = await newAccount();
  accountId = account.id;
  const ids: string[] = [];
  for (const name of ["a", "b"]) {
    const res = await api.post("/api/webhooks", { name, url: "http://127.0.0.1:9/hook", events: ["order.*"] }, { key });
    expect(res.status).toBe(201);
    ids.push(res.body.data.id);
  }
  webhookIds = ids as [string, string];
  integrationId = (await db().integration.create({ data: { id: newId("int"), accountId, sourceSystem: "pos", userId: "u_retention", secretCiphertext: "unused" } })).id;
});

async function event(createdAt: Date) {
  return db().event.create({ data: { id: newId("evt"), accountId, type: "order.created", data: {}, createdAt } });
}

/** A delivery of `eventId` in `status`, with one attempt at `attemptAt`, and a dead letter when dead. */
async function delivery(eventId: string, status: "succeeded" | "dead" | "pending", attemptAt: Date, webhookId = webhookIds[0]) {
  const d = await db().delivery.create({ data: { id: newId("dlv"), accountId, webhookId, eventId, status, attempts: 1, createdAt: attemptAt } });
  const attempt = await db().attempt.create({
    data: {
      id: newId("att"),
      accountId,
      deliveryId: d.id,
      webhookId,
      eventId,
      eventType: "order.created",
      attemptNumber: 1,
      status: status === "succeeded" ? "succeeded" : "failed",
      responseCode: status === "succeeded" ? 200 : 500,
      responseTimeMs: 5,
      requestHeaders: {},
      createdAt: attemptAt,
    },
  });
  if (status === "dead") {
    await db().deadLetter.create({ data: { id: newId("fail"), accountId, webhookId, deliveryId: d.id, eventId, eventType: "order.created", reason: "HTTP 500", failedAt: attemptAt } });
  }
  return { deliveryId: d.id, attemptId: attempt.id };
}

/** Another attempt of a delivery, at `createdAt`. */
async function attemptOf(deliveryId: string, eventId: string, createdAt: Date, webhookId = webhookIds[0]) {
  const row = { accountId, deliveryId, webhookId, eventId, eventType: "order.created", attemptNumber: 2, status: "failed" as const };
  return (await db().attempt.create({ data: { id: newId("att"), ...row, responseCode: 500, responseTimeMs: 5, requestHeaders: {}, createdAt } })).id;
}

async function inbound(status: "processed" | "dead" | "pending", receivedAt: Date) {
  return db().inboundEvent.create({
    data: { id: newId("ie"), accountId, integrationId, eventType: "transaction.created", dedupeKey: newId("ie"), payload: {}, status, receivedAt },
  });
}

/** The partition that holds attempt `id`. */
async function partitionOf(id: string): Promise<string> {
  const [row] = await db().$queryRaw<{ partition: string }[]>`SELECT tableoid::regclass::text AS partition FROM attempts WHERE id = ${id}`;
  return row.partition;
}

/** Runs `work` on a connection of its own, returned to nobody afterwards. */
async function onOwnConnection<T>(work: (client: import("pg").PoolClient) => Promise<T>): Promise<T> {
  const client = await sql().connect();
  try {
    return await work(client);
  } finally {
    client.release(true);
  }
}

const exists = {
  event: async (id: string) => (await db().event.count({ where: { id } })) === 1,
  delivery: async (id: string) => (await db().delivery.count({ where: { id } })) === 1,
  attempt: async (id: string) => (await db().attempt.count({ where: { id } })) === 1,
  inbound: async (id: string) => (await db().inboundEvent.count({ where: { id } })) === 1,
};

describe("purgeOldHistory", () => {
  afterEach(() => {
    delete process.env.RETENTION_DAYS;
    resetConfig();
  });

  it("keeps 30 days by default: the cutoff is that long ago", () => {
    const now = new Date("2026-03-31T12:00:00Z");
    expect(config().retentionDays).toBe(30);
    expect(retentionCutoff(now).toISOString()).toBe("2026-03-01T12:00:00.000Z");
  });

  it("keeps RETENTION_DAYS days when set, and refuses less than one", () => {
    process.env.RETENTION_DAYS = "7";
    resetConfig();
    expect(retentionCutoff(new Date("2026-03-31T12:00:00Z")).toISOString()).toBe("2026-03-24T12:00:00.000Z");
    for (const bad of ["0", "-3", "1.5", "a week"]) {
      process.env.RETENTION_DAYS = bad;
      resetConfig();
      expect(() => config(), bad).toThrow(/RETENTION_DAYS/);
    }
  });

  it("deletes old succeeded history and keeps dead letters, pending work and everything recent", async () => {
    // Old and delivered: goes, with its delivery and attempt.
    const delivered = await event(daysAgo(40));
    const deliveredD = await delivery(delivered.id, "succeeded", daysAgo(40));
    // Old and dead-lettered: stays whole, for review and replay.
    const dead = await event(daysAgo(40));
    const deadD = await delivery(dead.id, "dead", daysAgo(39));
    // Old but still pending (a parked delivery of a disabled webhook): stays.
    const parked = await event(daysAgo(40));
    const parkedD = await delivery(parked.id, "pending", daysAgo(40));
    // Old, delivered to one webhook, dead at another: the event and both deliveries stay;
    // only the succeeded delivery's old attempt goes.
    const mixed = await event(daysAgo(40));
    const mixedOk = await delivery(mixed.id, "succeeded", daysAgo(40), webhookIds[0]);
    const mixedDead = await delivery(mixed.id, "dead", daysAgo(40), webhookIds[1]);
    // Old, matched no webhook: goes.
    const unmatched = await event(daysAgo(31));
    // Recent: stays.
    const recent = await event(daysAgo(29));
    const recentD = await delivery(recent.id, "succeeded", daysAgo(29));

    const oldProcessed = await inbound("processed", daysAgo(40));
    const oldDeadInbound = await inbound("dead", daysAgo(40));
    const oldPendingInbound = await inbound("pending", daysAgo(40));
    const recentProcessed = await inbound("processed", daysAgo(1));

    const result = await purgeOldHistory(retentionCutoff());
    expect(result.ran).toBe(true);
    expect(deleted(result)).toEqual({ attempts: 2, events: 2, deliveries: 1, inboundEvents: 1, rollups: 0 });

    expect(await exists.event(delivered.id)).toBe(false);
    expect(await exists.delivery(deliveredD.deliveryId)).toBe(false);
    expect(await exists.attempt(deliveredD.attemptId)).toBe(false);
    expect(await exists.event(unmatched.id)).toBe(false);

    expect(await exists.event(dead.id)).toBe(true);
    expect(await exists.delivery(deadD.deliveryId)).toBe(true);
    expect(await exists.attempt(deadD.attemptId)).toBe(true);
    expect(await db().deadLetter.count({ where: { deliveryId: deadD.deliveryId } })).toBe(1);

    expect(await exists.event(parked.id)).toBe(true);
    expect(await exists.attempt(parkedD.attemptId)).toBe(true);

    expect(await exists.event(mixed.id)).toBe(true);
    expect(await exists.delivery(mixedOk.deliveryId)).toBe(true);
    expect(await exists.attempt(mixedOk.attemptId)).toBe(false);
    expect(await exists.attempt(mixedDead.attemptId)).toBe(true);

    expect(await exists.event(recent.id)).toBe(true);
    expect(await exists.attempt(recentD.attemptId)).toBe(true);

    expect(await exists.inbound(oldProcessed.id)).toBe(false);
    expect(await exists.inbound(oldDeadInbound.id)).toBe(true);
    expect(await exists.inbound(oldPendingInbound.id)).toBe(true);
    expect(await exists.inbound(recentProcessed.id)).toBe(true);

    // Nothing left to purge: a second run deletes nothing.
    expect(deleted(await purgeOldHistory(retentionCutoff()))).toEqual(nothing);
  });

  it("deletes a backlog in bounded batches until none is left", async () => {
    const old = [];
    for (let i = 0; i < 5; i++) {
      const e = await event(daysAgo(50));
      old.push({ event: e, ...(await delivery(e.id, "succeeded", daysAgo(50))) });
    }
    expect(deleted(await purgeOldHistory(retentionCutoff(), { batchSize: 2 }))).toEqual({ ...nothing, attempts: 5, events: 5, deliveries: 5 });
    for (const o of old) expect(await exists.event(o.event.id)).toBe(false);
  });

  it(`keeps the stats rollups of the last ${ROLLUP_RETENTION_DAYS} days, of every account, and deletes older hours in batches`, async () => {
    expect(rollupCutoff(new Date("2026-03-31T12:00:00Z")).toISOString()).toBe("2026-03-23T12:00:00.000Z");
    const { account: other } = await newAccount();
    const otherWebhook = await db().webhook.create({
      data: { id: newId("wh"), accountId: other.id, name: "other", url: "https://example.com/hook", events: ["*"], secretCiphertext: "x", ipWhitelist: [] },
    });
    const hourOf = (days: number) => new Date(Math.floor(daysAgo(days).getTime() / 3_600_000) * 3_600_000);
    const rows = [
      { accountId, webhookId: webhookIds[0] },
      { accountId, webhookId: webhookIds[1] },
      { accountId: other.id, webhookId: otherWebhook.id },
    ].flatMap((w) => [9, 8.1, 7.9, 1].map((days) => ({ ...w, hour: hourOf(days) })));
    await db().attemptRollup.createMany({ data: rows.map((r) => ({ ...r, status: "succeeded" as const, eventType: "order.created", code: "", n: 3 })) });
    await db().responseTimeRollup.createMany({ data: rows.flatMap((r) => [5, 130].map((msBucket) => ({ ...r, msBucket, n: 2, sumMs: BigInt(msBucket * 2) }))) });

    // 3 webhooks × 2 old hours: 6 tally rows and 12 response-time rows.
    expect(deleted(await purgeOldHistory(retentionCutoff(), { batchSize: 4 }))).toEqual({ ...nothing, rollups: 18 });
    const kept = await db().attemptRollup.findMany({ select: { hour: true } });
    expect(kept).toHaveLength(6);
    expect(kept.every((r) => r.hour >= rollupCutoff())).toBe(true);
    expect(await db().responseTimeRollup.count()).toBe(12);
    expect((await purgeOldHistory(retentionCutoff())).rollups).toBe(0);
  });

  it("drops whole days older than RETENTION_DAYS, keeping dead letters' and pending work's attempts in the default partition", async () => {
    // Day partitions 45 to 38 days ago, as an instance running back then would have made them.
    await onOwnConnection((client) => maintainAttemptPartitions(client, { now: daysAgo(45) }));
    const day = attemptPartitionName(utcDay(daysAgo(40)));
    const delivered = await event(daysAgo(40));
    const deliveredD = await delivery(delivered.id, "succeeded", daysAgo(40));
    const dead = await event(daysAgo(40));
    const deadD = await delivery(dead.id, "dead", daysAgo(40));
    const parked = await event(daysAgo(40));
    const parkedD = await delivery(parked.id, "pending", daysAgo(40));
    expect(await partitionOf(deliveredD.attemptId)).toBe(day);
    expect(await partitionOf(deadD.attemptId)).toBe(day);
    // What the earlier tests kept (in the default partition then) moved into these days too.
    const [{ n: toKeep }] = await db().$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM attempts a JOIN deliveries d ON d.id = a.delivery_id
      WHERE a.tableoid::regclass::text LIKE 'attempts_p%' AND a.created_at < ${utcDay(daysAgo(37))} AND d.status <> 'succeeded'`;
    expect(toKeep).toBeGreaterThanOrEqual(2);

    const result = await purgeOldHistory(retentionCutoff());
    expect(result.dropped.names).toHaveLength(8);
    expect(result.dropped.names).toContain(day);
    expect(result.dropped.keptAttempts).toBe(toKeep);
    expect((await onOwnConnection(attemptPartitions)).map((p) => p.name)).not.toContain(day);
    // Detached and dropped: no table of that day is left.
    expect(await db().$queryRaw`SELECT to_regclass(${day})::text AS t`).toEqual([{ t: null }]);
    // Today's partition and the week ahead stay.
    expect((await onOwnConnection(attemptPartitions)).map((p) => p.name)).toContain(attemptPartitionName(utcDay(new Date())));

    expect(await exists.attempt(deliveredD.attemptId)).toBe(false);
    expect(await exists.delivery(deliveredD.deliveryId)).toBe(false);
    expect(await exists.event(delivered.id)).toBe(false);
    expect(await partitionOf(deadD.attemptId)).toBe("attempts_default");
    expect(await partitionOf(parkedD.attemptId)).toBe("attempts_default");
    expect(await exists.event(dead.id)).toBe(true);
    expect(await exists.event(parked.id)).toBe(true);

    // Once the parked delivery is delivered, the next purge takes its event, the delivery and
    // the attempt kept in the default partition.
    await db().delivery.update({ where: { id: parkedD.deliveryId }, data: { status: "succeeded" } });
    expect(deleted(await purgeOldHistory(retentionCutoff()))).toEqual({ ...nothing, attempts: 1, events: 1, deliveries: 1 });
    expect(await exists.event(parked.id)).toBe(false);
    expect(await exists.delivery(parkedD.deliveryId)).toBe(false);
    expect(await exists.attempt(parkedD.attemptId)).toBe(false);
    expect(await exists.attempt(deadD.attemptId)).toBe(true);
  });

  it("purges a day in batches that two connections take in turn, keeping a failed endpoint check's event as a dead letter's", async () => {
    const lastDay = new Date(utcDay(retentionCutoff()).getTime() - DAY);
    await onOwnConnection((client) => maintainAttemptPartitions(client, { now: lastDay, daysAhead: 0 }));
    const at = (hours: number) => new Date(lastDay.getTime() + hours * 3600 * 1000);
    const delivered = [];
    for (const hours of [0, 0, 11.99, 12, 23.99]) {
      const e = await event(at(hours));
      delivered.push({ event: e, ...(await delivery(e.id, "succeeded", at(hours))) });
    }
    const check = await event(at(9));
    const checkD = await db().delivery.create({
      data: { id: newId("dlv"), accountId, webhookId: webhookIds[0], eventId: check.id, isCheck: true, status: "dead", attempts: 1, nextAttemptAt: null, createdAt: at(9) },
    });

    // Batches of two: the two events of one instant fall in one, the check in another.
    const result = await purgeOldHistory(retentionCutoff(), { batchSize: 2 });
    expect(result.dropped.names).toContain(attemptPartitionName(lastDay));
    expect(result.events).toBeGreaterThanOrEqual(5);
    for (const d of delivered) {
      expect(await exists.event(d.event.id)).toBe(false);
      expect(await exists.delivery(d.deliveryId)).toBe(false);
    }
    expect(await exists.event(check.id)).toBe(true);
    expect(await exists.delivery(checkD.id)).toBe(true);
  });

  it("takes the attempts a dropped day's deliveries made on later days, and a replay made since, with them", async () => {
    // The last whole day past the cutoff, and the next (kept) one, with their partitions.
    const cutoffDay = utcDay(retentionCutoff());
    const [lastDay, nextDay] = [new Date(cutoffDay.getTime() - DAY), cutoffDay];
    await onOwnConnection((client) => maintainAttemptPartitions(client, { now: lastDay, daysAhead: 1 }));
    const at = (day: Date, hours: number) => new Date(day.getTime() + hours * 3600 * 1000);
    // Published at 23:00, retried after midnight: two attempts, one in each day.
    const late = await event(at(lastDay, 23));
    const lateD = await delivery(late.id, "succeeded", at(lastDay, 23));
    const retry = await attemptOf(lateD.deliveryId, late.id, at(nextDay, 1));
    // The same, but dead in the end: everything stays.
    const lateDead = await event(at(lastDay, 23));
    const lateDeadD = await delivery(lateDead.id, "dead", at(lastDay, 23));
    const deadRetry = await attemptOf(lateDeadD.deliveryId, lateDead.id, at(nextDay, 1));
    // Delivered on its day and replayed today: the replay and its attempt go with the event.
    const replayed = await event(at(lastDay, 10));
    const replayedD = await delivery(replayed.id, "succeeded", at(lastDay, 10));
    const replay = await db().delivery.create({
      data: { id: newId("dlv"), accountId, webhookId: webhookIds[0], eventId: replayed.id, status: "succeeded", attempts: 1, replayOf: replayedD.deliveryId },
    });
    const replayAttempt = await attemptOf(replay.id, replayed.id, new Date());

    const result = await purgeOldHistory(retentionCutoff());
    expect(result.dropped.names).toContain(attemptPartitionName(lastDay));
    expect(result.dropped.names).not.toContain(attemptPartitionName(nextDay));
    // Row by row: the retry and the replay's attempt; the day's own went with its partition.
    expect(result.attempts).toBe(2);
    for (const gone of [lateD.attemptId, retry, replayedD.attemptId, replayAttempt]) expect(await exists.attempt(gone), gone).toBe(false);
    for (const gone of [lateD.deliveryId, replayedD.deliveryId, replay.id]) expect(await exists.delivery(gone), gone).toBe(false);
    expect(await exists.event(late.id)).toBe(false);
    expect(await exists.event(replayed.id)).toBe(false);
    for (const kept of [lateDeadD.attemptId, deadRetry]) expect(await exists.attempt(kept), kept).toBe(true);
    expect(await exists.event(lateDead.id)).toBe(true);
  });

  it("runs on one instance at a time: a purge while another holds the lock does nothing", async () => {
    const old = await event(daysAgo(50));
    await delivery(old.id, "succeeded", daysAgo(50));
    const whileHeld = await onOwnConnection((client) => withMaintenanceLock(client, () => purgeOldHistory(retentionCutoff())));
    expect(whileHeld?.ran).toBe(false);
    expect(await exists.event(old.id)).toBe(true);

    // Two at once: whichever runs purges the event once, and neither fails.
    const both = await Promise.all([purgeOldHistory(retentionCutoff()), purgeOldHistory(retentionCutoff())]);
    expect(both.some((r) => r.ran)).toBe(true);
    expect(both.reduce((n, r) => n + r.events, 0)).toBe(1);
    expect(await exists.event(old.id)).toBe(false);
  });

  it("works on connections of its own that commit without waiting for the disk, plans only its batches without their values, and closes them", async () => {
    const settings = async (client: { query: (text: string) => Promise<{ rows: unknown[] }> }) =>
      (await client.query("SELECT current_setting('plan_cache_mode') AS plans, current_setting('synchronous_commit') AS commits")).rows[0];
    const client = await purgeConnection();
    try {
      expect(await settings(client)).toEqual({ plans: "auto", commits: "off" });
      // After a day's batches its other statements (the rollups' delete) are planned with their
      // values again: with a generic plan that delete reads the whole table.
      const day = { from: utcDay(daysAgo(60)), to: utcDay(daysAgo(59)) };
      await deleteHistory([client], { ...day, skipDay: day, batchSize: 10 });
      expect(await settings(client)).toEqual({ plans: "auto", commits: "off" });
    } finally {
      await client.end();
    }
    // The pool's connections, which record deliveries, still wait for the disk.
    expect(await settings(sql())).toEqual({ plans: "auto", commits: "on" });

    const old = await event(daysAgo(50));
    await delivery(old.id, "succeeded", daysAgo(50));
    expect((await purgeOldHistory(retentionCutoff())).events).toBe(1);
    const purgeSessions = async () =>
      (await sql().query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1", [PURGE_APPLICATION_NAME])).rows[0].n;
    await expect.poll(purgeSessions).toBe(0);
  });
});
