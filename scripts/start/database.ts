// The database for `npm start`: the operator's DATABASE_URL, or the embedded PostgreSQL in the
// data directory (created on first start, reused afterwards). Migrations are applied either way.
import path from "node:path";
import { Client } from "pg";
import { startEmbeddedPostgres, withDatabase } from "@/lib/db/embedded-postgres";
import { migrate } from "@/lib/db/migrate";
import { prepareAttemptPartitions } from "@/lib/db/partitions";

type Log = (message: string) => void;

const DATABASE_NAME = "hookrelay";

export async function startDatabase(dataDir: string, log: Log) {
  let url = process.env.DATABASE_URL;
  let stop = async () => {};
  if (url) {
    log("using the PostgreSQL at DATABASE_URL");
  } else {
    log("starting the embedded PostgreSQL");
    const pg = await startEmbeddedPostgres(path.join(dataDir, "postgres"), log);
    const admin = new Client({ connectionString: pg.url });
    await admin.connect();
    const { rowCount } = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [DATABASE_NAME]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${DATABASE_NAME}`);
    await admin.end();
    url = withDatabase(pg.url, DATABASE_NAME);
    stop = pg.stop;
    log(`PostgreSQL is running on port ${pg.port}`);
  }
  log("applying database migrations");
  const result = await migrate(url);
  log(result.applied.length ? `applied ${result.applied.join(", ")}` : "database schema is up to date");
  // Not fatal: until a later run creates them, the default partition takes the attempts.
  const partitions = await prepareAttemptPartitions(url).catch((error: Error) => log(`could not create the attempts partitions ahead: ${error.message}`));
  if (partitions?.created.length) log(`created the attempts partitions ${partitions.created.join(", ")}`);
  return { url, stop };
}
