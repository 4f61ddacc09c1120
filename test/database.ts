// A fresh database per test file, copied from the migrated template (fast: a file copy).
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { withDatabase } from "@/lib/db/embedded-postgres";

export async function createDatabaseFromTemplate(adminUrl: string, template = "hookrelay_template"): Promise<string> {
  const name = `test_${randomBytes(6).toString("hex")}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  } finally {
    await admin.end();
  }
  return withDatabase(adminUrl, name);
}
