// `npx tsx bench/purge-probe.ts seed [days] [attemptsPerDay]`, then `… run` as often as wanted:
// the scale scenario's daily purge (bench/scale.ts) without its 20 minutes. `seed` writes `days`
// UTC days of history the way the scale scenario does into a template database; each `run`
// copies the template, checkpoints (so the purge meets pages as a server does a day after
// writing them), purges the oldest day and prints how long each part took. Needs DATABASE_URL
// (a server of your own; the template stays there). A diagnostic, not part of `npm run bench`.
import { withDatabase } from "@/lib/db/embedded-postgres";
import { migrate } from "@/lib/db/migrate";
import { connectBenchDatabase, createBenchWebhook } from "@/bench/engine";
import { withClient } from "@/bench/postgres";
import { seedDay } from "@/bench/scale";
import { runTag } from "@/bench/seed";

const DAY_MS = 24 * 3600 * 1000;
const TEMPLATE = "purge_probe_template";
const RUN = "purge_probe_run";

const oldestDay = (days: number) => Math.floor(Date.now() / DAY_MS) * DAY_MS - days * DAY_MS;

async function seed(serverUrl: string, days: number, attemptsPerDay: number) {
  await withClient(serverUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${TEMPLATE} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${TEMPLATE}`);
  });
  const url = withDatabase(serverUrl, TEMPLATE);
  await migrate(url);
  await connectBenchDatabase(url);
  const { disconnectDb } = await import("@/lib/db/client");
  const { maintainAttemptPartitions } = await import("@/lib/db/partitions");
  const { createAccount } = await import("@/lib/accounts/accounts");
  const account = await createAccount("purge probe");
  const webhookIds: string[] = [];
  for (let i = 0; i < 4; i++) webhookIds.push(await createBenchWebhook(account.id, `probe ${i}`, "http://127.0.0.1:9/never", ["order.refunded"]));
  await disconnectDb();
  await withClient(url, async (sql) => {
    await sql.query("SET synchronous_commit = off");
    const start = oldestDay(days);
    await maintainAttemptPartitions(sql, { now: new Date(start), daysAhead: days + 1 });
    const tag = runTag();
    for (let d = 0; d < days; d++) {
      await seedDay(sql, tag, d, new Date(start + d * DAY_MS), DAY_MS / 1000, Math.round(attemptsPerDay / 4), webhookIds, account.id);
      process.stderr.write(`\rday ${d + 1}/${days}`);
    }
    for (const table of ["events", "deliveries", "attempts"]) await sql.query(`VACUUM ANALYZE ${table}`);
  });
  console.log(`\n${TEMPLATE}: ${days} days of ${attemptsPerDay} attempts`);
}

async function run(serverUrl: string) {
  await withClient(serverUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${RUN} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${RUN} TEMPLATE ${TEMPLATE}`);
    await c.query("CHECKPOINT");
  });
  const url = withDatabase(serverUrl, RUN);
  const days = await withClient(url, async (c) => Number((await c.query(`SELECT count(DISTINCT created_at::date) AS n FROM events`)).rows[0].n));
  await connectBenchDatabase(url);
  const { purgeOldHistory } = await import("@/lib/delivery/retention");
  const { disconnectDb } = await import("@/lib/db/client");
  const started = performance.now();
  const result = await purgeOldHistory(new Date(oldestDay(days) + DAY_MS));
  console.log(`purge: ${Math.round(performance.now() - started)} ms`, JSON.stringify({ ms: result.ms, events: result.events, deliveries: result.deliveries, attempts: result.attempts, dropped: result.dropped }));
  await disconnectDb();
}

const [command = "run", days = "8", perDay = "330000"] = process.argv.slice(2);
const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) throw new Error("set DATABASE_URL to a server of your own");
(command === "seed" ? seed(serverUrl, Number(days), Number(perDay)) : run(serverUrl)).then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
