// The database for `npm start`: the operator's DATABASE_URL, or the embedded PostgreSQL in the
// data directory (created on first start, reused afterwards). Migrations are applied either way.
import path from "node:path";
import { Client } from "pg";
import { startEmbeddedPostgres, withDatabase } from "@/lib/db/embedded-postgres";
import { migrate } from "@/lib/db/migrate";
import { redactedUrl, StartFailure } from "@/scripts/start/start-failure";
import { prepareAttemptPartitions } from "@/lib/db/partitions";

type Log = (message: string) => void;

const DATABASE_NAME = "hookrelay";

/** Fails with a clear line unless DATABASE_URL names a PostgreSQL server that lets us in. */
async function checkDatabaseUrl(url: string): Promise<void> {
  if (!/^postgres(ql)?:$/.test(URL.canParse(url) ? new URL(url).protocol : "")) {
    throw new StartFailure(`DATABASE_URL is not a postgresql:// URL (${redactedUrl(url)}); fix or unset it`);
  }
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new StartFailure(`cannot connect to the PostgreSQL at DATABASE_URL ${redactedUrl(url)} (${reason}); check DATABASE_URL`);
  } finally {
    await client.end().catch(() => {});
  }
}

/** The migrated database's URL. `onStarted` gets the embedded server's stop as soon as it runs, so a later failure can stop it. */
export async function startDatabase(dataDir: string, log: Log, onStarted: (stop: () => Promise<void>) => void) {
  let url = process.env.DATABASE_URL;
  if (url) {
    log("using the PostgreSQL at DATABASE_URL");
    await checkDatabaseUrl(url);
  } else {
    log("starting the embedded PostgreSQL");
    const pg = await startEmbeddedPostgres(path.join(dataDir, "postgres"), log);
    onStarted(pg.stop);
    const admin = new Client({ connectionString: pg.url });
    await admin.connect();
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [DATABASE_NAME]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${DATABASE_NAME}`);
    await admin.end();
    url = withDatabase(pg.url, DATABASE_NAME);
    log(`PostgreSQL is running on port ${pg.port}`);
  }
  log("applying database migrations");
  const result = await migrate(url);
  log(result.applied.length ? `applied ${result.applied.join(", ")}` : "database schema is up to date");
  // Not fatal: until a later run creates them, the default partition takes the attempts.
  const partitions = await prepareAttemptPartitions(url).catch((error: Error) => log(`could not create the attempts partitions ahead: ${error.message}`));
  if (partitions?.created.length) log(`created the attempts partitions ${partitions.created.join(", ")}`);
  return url;
}
