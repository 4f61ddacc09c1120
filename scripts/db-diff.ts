// Authors the next migration: `npm run db:diff -- <name>` writes
// prisma/migrations/<NNNN>_<name>/migration.sql with the SQL that takes the last committed
// prisma/schema.prisma (which the existing migrations produce) to the working copy.
// Prisma's JS engine can diff two datamodels but cannot introspect PostgreSQL (Prisma issue
// 27403), and it wants a reachable database even to diff, so a throw-away embedded
// PostgreSQL is started for it.
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { defaultMigrationsDir } from "@/lib/db/migrate";

function committedSchema(): string | undefined {
  try {
    return execFileSync("git", ["show", "HEAD:prisma/schema.prisma"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch {
    return undefined;
  }
}

async function main() {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9_]+$/.test(name)) throw new Error("usage: npm run db:diff -- <snake_case_name>");
  await mkdir(defaultMigrationsDir, { recursive: true });
  const existing = (await readdir(defaultMigrationsDir)).filter((n) => /^\d{4}_/.test(n)).sort();
  const dir = await mkdtemp(path.join(tmpdir(), "hookrelay-diff-"));
  const pg = await startEmbeddedPostgres(path.join(dir, "pg"));
  try {
    const previous = existing.length > 0 ? committedSchema() : undefined;
    const from = previous ? ["--from-schema-datamodel", path.join(dir, "previous.prisma")] : ["--from-empty"];
    if (previous) await writeFile(path.join(dir, "previous.prisma"), previous);
    const sql = execFileSync(
      "npx",
      ["prisma", "migrate", "diff", ...from, "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
      { env: { ...process.env, DATABASE_URL: pg.url }, encoding: "utf8" },
    );
    if (!/CREATE|ALTER|DROP/.test(sql)) {
      console.log("prisma/schema.prisma has no changes since the last commit: nothing to write");
      return;
    }
    const target = path.join(defaultMigrationsDir, `${String(existing.length + 1).padStart(4, "0")}_${name}`);
    await mkdir(target, { recursive: true });
    await writeFile(path.join(target, "migration.sql"), sql);
    console.log(`wrote ${path.relative(process.cwd(), target)}/migration.sql`);
  } finally {
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
