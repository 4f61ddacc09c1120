// The benchmark's PostgreSQL: a fresh embedded cluster in a temp dir (started the way `npm
// start` starts it, same flags), or the server at DATABASE_URL. Either way the bench works in
// databases it creates for this run and drops afterwards, so runs never see each other's rows.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "pg";
import { startEmbeddedPostgres, withDatabase } from "@/lib/db/embedded-postgres";
import { migrate } from "@/lib/db/migrate";

export interface BenchPostgres {
  /** `embedded` or the external server's host. */
  kind: string;
  /** A new, migrated, empty database on the cluster; dropped by stop(). */
  createDatabase(label: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startBenchPostgres(externalUrl = process.env.DATABASE_URL): Promise<BenchPostgres> {
  let adminUrl: string;
  let stopServer = async () => {};
  let kind: string;
  if (externalUrl) {
    adminUrl = externalUrl;
    kind = new URL(externalUrl).host;
  } else {
    const dir = await mkdtemp(path.join(tmpdir(), "hookrelay-bench-"));
    const pg = await startEmbeddedPostgres(path.join(dir, "pg"));
    adminUrl = pg.url;
    kind = "embedded";
    stopServer = async () => {
      await pg.stop();
      await rm(dir, { recursive: true, force: true });
    };
  }
  const created: string[] = [];
  const admin = <T>(work: (client: Client) => Promise<T>) => withClient(adminUrl, work);
  return {
    kind,
    async createDatabase(label) {
      const name = `bench_${label}_${randomBytes(4).toString("hex")}`;
      await admin((c) => c.query(`CREATE DATABASE ${name}`));
      created.push(name);
      const url = withDatabase(adminUrl, name);
      await migrate(url);
      return url;
    },
    async stop() {
      await admin(async (c) => {
        for (const name of created) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
      }).catch(() => {});
      await stopServer();
    },
  };
}

/** Runs `work` on a connection of its own to `url`, closed afterwards. */
export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
