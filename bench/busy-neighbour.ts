// One webhook with a long backlog and a quiet one beside it, the engine in this process: how long
// the quiet webhook's new events wait while the busy one's backlog drains (publish → recorded
// outcome). A busy tenant must not hold up everyone else. `npx tsx bench/busy-neighbour.ts
// [backlog]` (default 40 000); like `bench/engine.ts`, a tool for comparing changes, not a figure
// of `npm run bench`.
import { Client } from "pg";
import { seedBacklog } from "@/bench/seed";
import { connectBenchDatabase, createBenchDispatcher, createBenchWebhook } from "@/bench/engine";
import { sleep } from "@/bench/numbers";
import type { BenchPostgres } from "@/bench/postgres";
import type { Receivers } from "@/bench/receivers";

const QUIET_EVENTS = 40;

async function main() {
  const { startBenchPostgres } = await import("@/bench/postgres");
  const { startReceivers } = await import("@/bench/receivers");
  const backlog = Number(process.argv[2] ?? 40000);
  const pg = await startBenchPostgres();
  const receivers = await startReceivers();
  try {
    await measure(pg, receivers, backlog);
  } finally {
    const { disconnectDb } = await import("@/lib/db/client");
    await disconnectDb();
    await receivers.close();
    await pg.stop();
  }
}

async function measure(pg: BenchPostgres, receivers: Receivers, backlog: number) {
  const { urls } = await receivers.listen([0, 0]);
  const databaseUrl = await pg.createDatabase("neighbour");
  await connectBenchDatabase(databaseUrl);
  const { createAccount } = await import("@/lib/accounts/accounts");
  const { publishEvent } = await import("@/lib/events/publish");
  const account = await createAccount("bench busy neighbour");
  const busy = await createBenchWebhook(account.id, "busy", urls[0], ["order.created"]);
  const quiet = await createBenchWebhook(account.id, "quiet", urls[1], ["customer.created"]);
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  await seedBacklog(client, { accountId: account.id, webhookIds: [busy], events: backlog, eventType: "order.created" });
  const dispatcher = await createBenchDispatcher();
  await dispatcher.start();
  try {
    await sleep(500); // the busy webhook's backlog is being drained
    for (let i = 0; i < QUIET_EVENTS; i++) {
      await publishEvent(account.id, { type: "customer.created", data: { i }, id: undefined });
      await sleep(50);
    }
    while ((await client.query(`SELECT count(*)::int AS n FROM deliveries WHERE status = 'pending'`)).rows[0].n > 0) await sleep(100);
  } finally {
    await dispatcher.stop();
  }
  const { rows } = await client.query(
    `SELECT extract(epoch FROM d.completed_at - e.created_at) * 1000 AS ms FROM deliveries d JOIN events e ON e.id = d.event_id WHERE d.webhook_id = $1 ORDER BY e.created_at`,
    [quiet],
  );
  const ms = rows.map((r) => Math.round(Number(r.ms)));
  const { rows: b } = await client.query(`SELECT extract(epoch FROM max(completed_at) - min(completed_at)) AS s FROM deliveries WHERE webhook_id = $1`, [busy]);
  console.log(`busy backlog ${backlog} drained in ${Number(b[0].s).toFixed(2)} s; quiet webhook's latencies (ms): ${ms.join(" ")}`);
  const sorted = [...ms].sort((a, c) => a - c);
  console.log(`quiet median ${sorted[Math.floor(sorted.length / 2)]} ms, max ${sorted[sorted.length - 1]} ms`);
  await client.end();
}
main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
