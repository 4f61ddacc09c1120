// The claim right after a burst written in one transaction into a table never analyzed (a fresh
// install, the benchmark): the planner has no statistics and expects ~3 pending rows per
// webhook. The served webhooks' lookups must still read about their room, not their backlog.
// Work is counted from EXPLAIN ANALYZE (rows the scans read), never timed.
import { beforeAll, describe, expect, it } from "vitest";
import { sql } from "@/lib/db/client";
import { claimStatement } from "@/lib/delivery/due-delivery";
import { explainAnalyzed, rowsRead } from "@/test/query-plan";

const WEBHOOKS = 10;
// The benchmark's order: one webhook's backlog drained, then ten webhooks' in one transaction.
const BACKLOG = 20_000;

const webhookId = (n: number) => `wh_burst_${n}`;

beforeAll(async () => {
  // This file's own database: no autovacuum, which (migration 0014) would analyze the burst
  // within a minute and take away the missing statistics this test is about.
  await sql().query(`ALTER TABLE deliveries SET (autovacuum_enabled = false)`);
  await sql().query(`INSERT INTO accounts (id, name) VALUES ('acct_burst', 'burst')`);
  await sql().query(
    `INSERT INTO webhooks (id, account_id, name, url, events, secret_ciphertext, ip_whitelist, updated_at)
     SELECT 'wh_burst_' || n, 'acct_burst', 'burst', 'https://example.com/' || n, ARRAY['*'], 'unused', ARRAY[]::text[], now()
     FROM generate_series(0, $1::int - 1) AS n UNION ALL SELECT 'wh_burst_done', 'acct_burst', 'burst', 'https://example.com/done', ARRAY['*'], 'unused', ARRAY[]::text[], now()`,
    [WEBHOOKS],
  );
  const client = await sql().connect();
  try {
    await client.query("BEGIN");
    await client.query(
      `INSERT INTO events (id, account_id, type, data) SELECT 'evt_burst_' || i, 'acct_burst', 'order.created', '{}' FROM generate_series(1, $1::int) AS i`,
      [BACKLOG],
    );
    await client.query(
      `INSERT INTO deliveries (id, account_id, webhook_id, event_id, status, attempts, completed_at)
       SELECT 'dlv_done_' || i, 'acct_burst', 'wh_burst_done', 'evt_burst_' || i, 'succeeded', 1, now() FROM generate_series(1, $1::int) AS i`,
      [BACKLOG],
    );
    await client.query("COMMIT");
    await client.query("BEGIN");
    await client.query(
      `INSERT INTO deliveries (id, account_id, webhook_id, event_id, next_attempt_at)
       SELECT 'dlv_burst_' || i || '_' || n, 'acct_burst', 'wh_burst_' || n, 'evt_burst_' || i, now() AT TIME ZONE 'UTC'
       FROM generate_series(1, $1::int) AS i, generate_series(0, $2::int - 1) AS n`,
      [BACKLOG, WEBHOOKS],
    );
    await client.query("COMMIT");
  } finally {
    client.release();
  }
});

describe("the claim right after a burst, on a table never analyzed", () => {
  it("has no statistics to go by", async () => {
    const { rows } = await sql().query(`SELECT reltuples FROM pg_class WHERE relname = 'deliveries'`);
    expect(Number(rows[0].reltuples)).toBeLessThan(0);
  });

  it("refilling served webhooks reads about their room, not their backlogs", async () => {
    // The bitmap scan plus sort the planner chose here read every served webhook's whole
    // backlog on every claim: ~1 s a claim at the bench's 20 000 rows a webhook (bench/README.md).
    const room = 10;
    const served = new Map(Array.from({ length: WEBHOOKS }, (_, n) => [webhookId(n), room]));
    const { text, values } = claimStatement("burst", room * WEBHOOKS, [], { byWebhook: served, otherwise: 0 });
    const plan = await explainAnalyzed(text, values, { generic: true });
    expect(plan["Actual Rows"]).toBe(room * WEBHOOKS);
    // The lookups' rows, then the lock step's and the lease's by key, and the joins: a few times the rows taken.
    expect(rowsRead(plan)).toBeLessThanOrEqual(room * WEBHOOKS * 20);
  });
});
