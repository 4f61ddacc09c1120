// Partition maintenance of the attempts table (lib/db/partitions.ts), on real PostgreSQL.
import { cp, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "pg";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { defaultMigrationsDir, migrate } from "@/lib/db/migrate";
import { attemptPartitionName, attemptPartitions, prepareAttemptPartitions, utcDay, withMaintenanceLock } from "@/lib/db/partitions";
import { createDatabaseFromTemplate } from "@/test/database";
import { newAccount } from "@/test/fixtures";

const DAY = 24 * 3600 * 1000;
const today = () => utcDay(new Date());
const daysFromToday = (n: number) => new Date(today().getTime() + n * DAY);

async function connected(url = config().databaseUrl!) {
  const client = new Client({ connectionString: url });
  await client.connect();
  return client;
}

async function partitionNames(url?: string): Promise<string[]> {
  const client = await connected(url);
  try {
    return (await attemptPartitions(client)).map((p) => p.name);
  } finally {
    await client.end();
  }
}

async function partitionOf(id: string): Promise<string> {
  const [row] = await db().$queryRaw<{ partition: string }[]>`SELECT tableoid::regclass::text AS partition FROM attempts WHERE id = ${id}`;
  return row.partition;
}

let delivery: { id: string; accountId: string; webhookId: string; eventId: string };

beforeAll(async () => {
  const { account } = await newAccount();
  const webhook = await db().webhook.create({
    data: { id: newId("wh"), accountId: account.id, name: "w", url: "https://example.com/hook", events: ["*"], secretCiphertext: "x", ipWhitelist: [] },
  });
  const event = await db().event.create({ data: { id: newId("evt"), accountId: account.id, type: "order.created", data: {} } });
  delivery = await db().delivery.create({ data: { id: newId("dlv"), accountId: account.id, webhookId: webhook.id, eventId: event.id } });
});

async function attemptAt(createdAt: Date) {
  const { id: deliveryId, accountId, webhookId, eventId } = delivery;
  return db().attempt.create({
    data: { id: newId("att"), accountId, deliveryId, webhookId, eventId, eventType: "order.created", attemptNumber: 1, status: "succeeded", responseCode: 200, responseTimeMs: 5, requestHeaders: {}, createdAt },
  });
}

describe("attempt partitions", () => {
  it("exist from today to a week ahead after migrating, and maintenance adds the days that come into that window, once", async () => {
    const names = await partitionNames();
    for (let i = 0; i <= 7; i++) expect(names).toContain(attemptPartitionName(daysFromToday(i)));
    expect(await prepareAttemptPartitions(config().databaseUrl!)).toMatchObject({ created: [] });

    const later = await prepareAttemptPartitions(config().databaseUrl!, daysFromToday(3));
    expect(later?.created).toEqual([8, 9, 10].map((i) => attemptPartitionName(daysFromToday(i))));
    expect((await prepareAttemptPartitions(config().databaseUrl!, daysFromToday(3)))?.created).toEqual([]);
  });

  it("after weeks switched off, an attempt far ahead of the partitions is stored, and its day's partition takes it over", async () => {
    const restart = new Date(daysFromToday(40).getTime() + 9 * 3600 * 1000);
    expect(await partitionNames()).not.toContain(attemptPartitionName(utcDay(restart)));
    const attempt = await attemptAt(restart);
    expect(await partitionOf(attempt.id)).toBe("attempts_default");

    const result = await prepareAttemptPartitions(config().databaseUrl!, restart);
    expect(result?.created[0]).toBe(attemptPartitionName(utcDay(restart)));
    expect(result?.movedFromDefault).toBe(1);
    expect(await partitionOf(attempt.id)).toBe(attemptPartitionName(utcDay(restart)));
    // Attempts right now still have their partition (created when migrating).
    expect(await partitionOf((await attemptAt(new Date())).id)).toBe(attemptPartitionName(today()));
  });

  it("runs on one instance at a time: while one holds the lock another does nothing, and two at once create each day once", async () => {
    const holder = await connected();
    try {
      let release!: () => void;
      const held = withMaintenanceLock(holder, () => new Promise<void>((resolve) => (release = resolve)));
      expect(await prepareAttemptPartitions(config().databaseUrl!, daysFromToday(60))).toBeNull();
      release();
      await held;
    } finally {
      await holder.end();
    }
    const runs = await Promise.all([prepareAttemptPartitions(config().databaseUrl!, daysFromToday(60)), prepareAttemptPartitions(config().databaseUrl!, daysFromToday(60))]);
    const created = runs.flatMap((r) => r?.created ?? []);
    expect(created.sort()).toEqual([...Array(8).keys()].map((i) => attemptPartitionName(daysFromToday(60 + i))));
  });

  it("returns the kept attempts a crash left set aside between a drop and their return, unless their delivery went meanwhile", async () => {
    const old = new Date(daysFromToday(-45).getTime() + 3600 * 1000);
    const client = await connected();
    try {
      const row = (id: string, deliveryId: string) =>
        client.query(
          `INSERT INTO attempts_purge_staging (id, account_id, delivery_id, webhook_id, event_id, event_type, attempt_number, status, response_time_ms, request_headers, created_at)
           VALUES ($1, $2, $3, $4, $5, 'order.created', 1, 'failed', 5, '{}', $6::timestamptz AT TIME ZONE 'UTC')`,
          [id, delivery.accountId, deliveryId, delivery.webhookId, delivery.eventId, old.toISOString()],
        );
      await row("att_set_aside", delivery.id);
      await row("att_orphan", "dlv_deleted_meanwhile");
    } finally {
      await client.end();
    }
    expect((await prepareAttemptPartitions(config().databaseUrl!))?.keptAttempts).toBe(1);
    expect(await partitionOf("att_set_aside")).toBe("attempts_default");
    expect(await db().attempt.count({ where: { id: "att_orphan" } })).toBe(0);
    expect(await db().$queryRaw`SELECT 1 FROM attempts_purge_staging`).toEqual([]);
  });

  it("drops a day a crash left detached between its detach and its drop, and no other table", async () => {
    const day = attemptPartitionName(daysFromToday(-50));
    const client = await connected();
    try {
      await client.query(`CREATE TABLE "${day}" (LIKE attempts)`);
      await client.query(`CREATE TABLE attempts_p2026_notes (note text)`);
    } finally {
      await client.end();
    }
    expect(await prepareAttemptPartitions(config().databaseUrl!)).not.toBeNull();
    const left = await db().$queryRaw<{ day: string | null; other: string | null }[]>`SELECT to_regclass(${day})::text AS day, to_regclass('attempts_p2026_notes')::text AS other`;
    expect(left).toEqual([{ day: null, other: "attempts_p2026_notes" }]);
    await db().$executeRaw`DROP TABLE attempts_p2026_notes`;
  });

  it("lets a query over one hour read only that day's partition", async () => {
    const from = new Date(today().getTime() + 12 * 3600 * 1000);
    const plan = await db().$queryRawUnsafe<{ "QUERY PLAN": string }[]>(
      `EXPLAIN SELECT id FROM attempts WHERE webhook_id = $1 AND created_at >= $2::timestamp AND created_at < $3::timestamp ORDER BY created_at DESC LIMIT 10`,
      delivery.webhookId,
      from.toISOString(),
      new Date(from.getTime() + 3600 * 1000).toISOString(),
    );
    const scanned = [...plan.map((r) => r["QUERY PLAN"]).join("\n").matchAll(/ on (attempts_\w+)/g)].map((m) => m[1]);
    expect(new Set(scanned)).toEqual(new Set([attemptPartitionName(today())]));
  });
});

/** A copy of the migrations directory with only the migrations numbered below `number`. */
async function migrationsBefore(number: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "hookrelay-migrations-"));
  await cp(defaultMigrationsDir, dir, { recursive: true, filter: (source) => !/^\d{4}_/.test(path.basename(source)) || path.basename(source) < number });
  return dir;
}

describe("migration 0012", () => {
  it("moves the existing attempts into their day partitions, older ones into the default partition", async () => {
    const url = await createDatabaseFromTemplate(inject("postgresUrl"), "template0");
    const [before, upTo0012] = [await migrationsBefore("0012"), await migrationsBefore("0013")];
    await migrate(url, before);

    const client = await connected(url);
    try {
      await client.query(`
        INSERT INTO accounts (id, name) VALUES ('acct_1', 'a');
        INSERT INTO webhooks (id, account_id, name, url, secret_ciphertext, updated_at) VALUES ('wh_1', 'acct_1', 'w', 'https://example.com', 'x', now());
        INSERT INTO events (id, account_id, type, data) VALUES ('evt_1', 'acct_1', 't', '{}');
        INSERT INTO deliveries (id, account_id, webhook_id, event_id) VALUES ('dlv_1', 'acct_1', 'wh_1', 'evt_1');`);
      const ages = { att_today: 0, att_3: 3, att_29: 29, att_45: 45 };
      for (const [id, days] of Object.entries(ages)) {
        await client.query(
          `INSERT INTO attempts (id, account_id, delivery_id, webhook_id, event_id, event_type, attempt_number, status, response_time_ms, request_headers, created_at)
           VALUES ($1, 'acct_1', 'dlv_1', 'wh_1', 'evt_1', 't', 1, 'succeeded', 5, '{}', (now() AT TIME ZONE 'UTC') - make_interval(days => $2))`,
          [id, days],
        );
      }
      expect((await migrate(url, upTo0012)).applied).toEqual(["0012_partition_attempts"]);

      const { rows } = await client.query<{ id: string; partition: string; created_at: Date }>(`SELECT id, tableoid::regclass::text AS partition, created_at FROM attempts`);
      expect(rows).toHaveLength(4);
      for (const row of rows) {
        const expected = row.id === "att_45" ? "attempts_default" : attemptPartitionName(utcDay(new Date(row.created_at.getTime() - row.created_at.getTimezoneOffset() * 60_000)));
        expect(row.partition, row.id).toBe(expected);
      }
      expect(await partitionNames(url)).toContain(attemptPartitionName(daysFromToday(7)));
      // The foreign key still cascades, from every partition (until migration 0015 drops it).
      await client.query(`DELETE FROM deliveries WHERE id = 'dlv_1'`);
      expect((await client.query(`SELECT 1 FROM attempts`)).rowCount).toBe(0);
      expect((await migrate(url)).applied).toContain("0015_history_without_cascades");
    } finally {
      await client.end();
    }
  });
});
