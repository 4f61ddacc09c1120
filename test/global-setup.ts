// One real PostgreSQL for the whole test run, with a migrated template database; each test
// file then gets its own copy of the template (test/setup-file.ts).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres, withDatabase } from "@/lib/db/embedded-postgres";
import { migrate } from "@/lib/db/migrate";

export const TEMPLATE_DB = "hookrelay_template";

declare module "vitest" {
  export interface ProvidedContext {
    /** The test cluster's `postgres` database (test/database.ts makes each file's). */
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(path.join(tmpdir(), "hookrelay-test-"));
  const pg = await startEmbeddedPostgres(path.join(dir, "pg"));
  const admin = new Client({ connectionString: pg.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  await admin.end();
  await migrate(withDatabase(pg.url, TEMPLATE_DB));
  project.provide("postgresUrl", pg.url);
  return async () => {
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
