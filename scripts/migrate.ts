// `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded
// PostgreSQL in the data directory when DATABASE_URL is unset.
import { prepareEnvironment } from "@/scripts/start/environment";
import { startDatabase } from "@/scripts/start/database";
import { stopAll } from "@/scripts/start/start-failure";

const log = (message: string) => console.log(`[hookrelay] ${message}`);

const started: Array<() => Promise<void>> = [];

async function main() {
  const dataDir = await prepareEnvironment(process.cwd(), log);
  await startDatabase(dataDir, log, (stop) => started.push(stop));
}

main()
  .catch((error) => {
    console.error(`[hookrelay] migration failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await stopAll(started);
    process.exit();
  });
