// The Prisma client, one per process and database URL. Route handlers, scripts and tests all
// take it from here so connection pools are not multiplied by hot reloads or imports.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { config } from "@/lib/config";

export type Db = PrismaClient;

const clients: Map<string, PrismaClient> = ((globalThis as { __hookrelayDb?: Map<string, PrismaClient> }).__hookrelayDb ??=
  new Map());

export function databaseUrl(): string {
  const url = config().databaseUrl;
  if (!url) throw new Error("DATABASE_URL is not set: start Hookrelay with `npm start`, which provides one");
  return url;
}

export function createDb(connectionString: string, poolSize = 10): PrismaClient {
  return new PrismaClient({
    adapter: new PrismaPg({ connectionString, max: poolSize }),
    // Under a burst every pooled connection may be busy; waiting for one is better than
    // failing the request (Prisma's default gives up after 2 s).
    transactionOptions: { maxWait: 10_000, timeout: 15_000 },
  });
}

/** The shared client for the configured database. */
export function db(): PrismaClient {
  const url = databaseUrl();
  let client = clients.get(url);
  if (!client) {
    client = createDb(url, 20);
    clients.set(url, client);
  }
  return client;
}

export async function disconnectDb(): Promise<void> {
  await Promise.all([...clients.values()].map((c) => c.$disconnect()));
  clients.clear();
}
