import { afterAll, beforeAll, inject } from "vitest";
import { resetConfig } from "@/lib/config";
import { disconnectDb } from "@/lib/db/client";
import { createDatabaseFromTemplate } from "@/test/database";

beforeAll(async () => {
  process.env.DATABASE_URL = await createDatabaseFromTemplate(inject("postgresUrl"));
  resetConfig();
});

afterAll(async () => {
  await disconnectDb();
});
