// The start's database step on an external PostgreSQL (the test's): migrations, then the
// attempts' day partitions, before the engine runs (lib/db/partitions.ts).
import { Client } from "pg";
import { describe, expect, it } from "vitest";
import { config } from "@/lib/config";
import { attemptPartitionName, utcDay } from "@/lib/db/partitions";
import { startDatabase } from "@/scripts/start/database";

describe("startDatabase", () => {
  it("creates today's attempts partition when it is missing, as after weeks switched off", async () => {
    const today = attemptPartitionName(utcDay(new Date()));
    const client = new Client({ connectionString: config().databaseUrl });
    await client.connect();
    try {
      await client.query(`DROP TABLE "${today}"`);
    } finally {
      await client.end();
    }
    const lines: string[] = [];
    await startDatabase("/nonexistent", (line) => lines.push(line), () => {});
    expect(lines).toContain("database schema is up to date");
    // Around midnight UTC the week ahead may also lack its last day: today need only be among those created.
    const created = lines.find((line) => line.startsWith("created the attempts partitions "));
    expect(created?.slice("created the attempts partitions ".length).split(", ")).toContain(today);
  });
});
