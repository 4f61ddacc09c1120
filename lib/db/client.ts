// The Prisma client, one per process and database URL. Route handlers, scripts and tests all
// take it from here so connection pools are not multiplied by hot reloads or imports.
//
// The same node-postgres pool also serves `sql()`: the few hot-path statements (claiming due
// deliveries, recording a batch of attempts, publishing an event) run there directly, because
// Prisma's per-query overhead (~0.4 ms of CPU, measured in bench/history.md) would otherwise
// be most of their cost. One pool for both keeps the connection budget in one place.
import { PrismaPg } from "@prisma/adapter-pg";
import { Pool } from "pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { config } from "@/lib/config";

export type Db = PrismaClient;

interface Connection {
  prisma: PrismaClient;
  pool: Pool;
  genericPlanPool?: Pool;
}

// Shared through globalThis: the custom server (tsx) and Next.js's bundle each load this module.
const connections: Map<string, Connection> = ((globalThis as { __hookrelayConnections?: Map<string, Connection> }).__hookrelayConnections ??=
  new Map());

/** Connections per process: the web server's requests and the dispatcher's batched records share them. */
const POOL_SIZE = 20;
/** The dispatcher claims one batch at a time; a second connection serves a claim from elsewhere (Send Test, tests). */
const GENERIC_PLAN_POOL_SIZE = 2;

export function databaseUrl(): string {
  const url = config().databaseUrl;
  if (!url) throw new Error("DATABASE_URL is not set: start Hookrelay with `npm start`, which provides one");
  return url;
}

function createConnection(connectionString: string, poolSize: number): Connection {
  const pool = new Pool({ connectionString, max: poolSize });
  // An idle connection that breaks (database restart) must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  const prisma = new PrismaClient({
    adapter: new PrismaPg(pool, { disposeExternalPool: true }),
    // Under a burst every pooled connection may be busy; waiting for one is better than
    // failing the request (Prisma's default gives up after 2 s).
    transactionOptions: { maxWait: 10_000, timeout: 15_000 },
  });
  return { prisma, pool };
}

export function createDb(connectionString: string, poolSize = 10): PrismaClient {
  return createConnection(connectionString, poolSize).prisma;
}

function connection(): Connection {
  const url = databaseUrl();
  let found = connections.get(url);
  if (!found) {
    found = createConnection(url, POOL_SIZE);
    connections.set(url, found);
  }
  return found;
}

/** The shared client for the configured database. */
export function db(): PrismaClient {
  return connection().prisma;
}

/** The shared client's connection pool, for hot-path raw SQL (see the header). */
export function sql(): Pool {
  return connection().pool;
}

/**
 * A small pool whose connections plan each prepared statement once, without its values
 * (`plan_cache_mode = force_generic_plan`), for a hot statement whose plan is tested that way
 * (the delivery claim: PostgreSQL kept re-planning it, ~1 ms of its CPU per claim).
 */
export function genericPlanSql(): Pool {
  const found = connection();
  if (!found.genericPlanPool) {
    found.genericPlanPool = new Pool({ connectionString: databaseUrl(), max: GENERIC_PLAN_POOL_SIZE, options: "-c plan_cache_mode=force_generic_plan" });
    found.genericPlanPool.on("error", () => {});
  }
  return found.genericPlanPool;
}

export async function disconnectDb(): Promise<void> {
  const all = [...connections.values()];
  connections.clear();
  await Promise.all(all.map((c) => c.prisma.$disconnect()));
  // Prisma disposes the pool only if it ever connected; end it either way.
  await Promise.all(all.map((c) => (c.pool.ended ? undefined : c.pool.end().catch(() => {}))));
  await Promise.all(all.map((c) => c.genericPlanPool?.end().catch(() => {})));
}
