// `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded
// PostgreSQL in the data directory when DATABASE_URL is unset.
import { prepareEnvironment } from "@/scripts/start/environment";
import { startDatabase } from "@/scripts/start/database";

const log = (message: string) => console.log(`[hookrelay] ${message}`);

async function main() {
  const dataDir = await prepareEnvironment(process.cwd(), log);
  const database = await startDatabase(dataDir, log);
  await database.stop();
}

main().catch((error) => {
  console.error(`[hookrelay] migration failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
