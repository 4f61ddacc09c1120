import { cp, mkdtemp, mkdir, writeFile, appendFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "pg";
import { describe, expect, inject, it } from "vitest";
import { createDatabaseFromTemplate } from "@/test/database";
import { defaultMigrationsDir, EditedMigrationError, migrate } from "@/lib/db/migrate";

/** An empty database (copied from template0, not from the migrated template). */
const emptyDatabase = () => createDatabaseFromTemplate(inject("postgresUrl"), "template0");

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

async function copyOfMigrations() {
  const dir = await mkdtemp(path.join(tmpdir(), "hookrelay-migrations-"));
  await cp(defaultMigrationsDir, dir, { recursive: true });
  return dir;
}

describe("migrate", () => {
  it("applies every migration to a fresh database and records it in _prisma_migrations", async () => {
    const url = await emptyDatabase();
    const result = await migrate(url);
    expect(result.applied).toContain("0001_init");
    expect(result.alreadyApplied).toEqual([]);
    const tables = await query<{ table_name: string }>(url, "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'");
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(["accounts", "users", "api_keys", "webhooks", "events", "deliveries", "attempts", "dead_letters", "integrations", "inbound_events", "_prisma_migrations"]),
    );
    const [row] = await query<{ checksum: string; finished_at: Date }>(url, `SELECT checksum, finished_at FROM "_prisma_migrations" WHERE migration_name = '0001_init'`);
    expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(row.finished_at).toBeInstanceOf(Date);
  });

  it("leaves the claim's delivery indexes partial: only pending deliveries are in them", async () => {
    const url = await emptyDatabase();
    await migrate(url);
    const indexes = await query<{ indexname: string; indexdef: string }>(
      url,
      "SELECT indexname::text, indexdef FROM pg_indexes WHERE tablename = 'deliveries' AND indexname::text LIKE '%status_next_attempt_at_idx'",
    );
    expect(indexes.map((i) => i.indexname).sort()).toEqual(["deliveries_status_next_attempt_at_idx", "deliveries_webhook_id_status_next_attempt_at_idx"]);
    const predicate = Object.fromEntries(indexes.map((i) => [i.indexname, i.indexdef.slice(i.indexdef.indexOf(" WHERE "))]));
    expect(predicate.deliveries_webhook_id_status_next_attempt_at_idx).toBe(` WHERE (status = 'pending'::"DeliveryStatus")`);
    // The queue-wide one needs a due time too: a lookup of one webhook's work cannot use it (migration 0005).
    expect(predicate.deliveries_status_next_attempt_at_idx).toBe(` WHERE ((status = 'pending'::"DeliveryStatus") AND (next_attempt_at IS NOT NULL))`);
  });

  it("is idempotent: a second run applies nothing", async () => {
    const url = await emptyDatabase();
    await migrate(url);
    const again = await migrate(url);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toContain("0001_init");
  });

  it("two instances migrating at once apply each migration once", async () => {
    const url = await emptyDatabase();
    const results = await Promise.all([migrate(url), migrate(url)]);
    expect(results.flatMap((r) => r.applied).filter((m) => m === "0001_init")).toHaveLength(1);
    const rows = await query<{ n: number }>(url, `SELECT count(*)::int AS n FROM "_prisma_migrations"`);
    expect(rows[0].n).toBe(results[0].applied.length + results[1].applied.length);
  });

  it("refuses to run when an applied migration was edited", async () => {
    const url = await emptyDatabase();
    const dir = await copyOfMigrations();
    await migrate(url, dir);
    await appendFile(path.join(dir, "0001_init", "migration.sql"), "\n-- edited\n");
    await expect(migrate(url, dir)).rejects.toBeInstanceOf(EditedMigrationError);
  });

  it("rolls back a failing migration completely and records nothing for it", async () => {
    const url = await emptyDatabase();
    const dir = await copyOfMigrations();
    await mkdir(path.join(dir, "9999_broken"));
    await writeFile(path.join(dir, "9999_broken", "migration.sql"), "CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;\n");
    await expect(migrate(url, dir)).rejects.toThrow(/9999_broken failed/);
    const tables = await query(url, "SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'");
    expect(tables).toHaveLength(0);
    const recorded = await query(url, `SELECT 1 FROM "_prisma_migrations" WHERE migration_name = '9999_broken'`);
    expect(recorded).toHaveLength(0);
    // The migrations before it were applied and stay applied.
    expect((await migrate(url)).alreadyApplied).toContain("0001_init");
  });
});
