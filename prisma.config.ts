// Prisma CLI configuration. The JS engine with the pg driver adapter keeps every Prisma
// command runnable offline (see shared NOTES.md: Prisma 6.19, not 7).
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  experimental: { adapter: true },
  engine: "js",
  adapter: async () => new PrismaPg({ connectionString: process.env.DATABASE_URL }),
});
