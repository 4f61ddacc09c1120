// The claim's plan under the statistics a queue table usually has: gathered while nothing was
// pending, then a slow endpoint's backlog builds up. The planner then believes the pending set
// is empty, and every plan looks as cheap as every other. Work is counted from EXPLAIN ANALYZE
// (rows read only to be dropped), never timed.
import { beforeAll, describe, expect, it } from "vitest";
import { genericPlanSql, sql } from "@/lib/db/client";
import { claimDueDeliveries, claimStatement, NOT_HELD_BACK } from "@/lib/delivery/due-delivery";
import { explainAnalyzed, type PlanNode } from "@/test/query-plan";

const WEBHOOKS = 10;
const FINISHED_EVENTS = 2_000;
const SLOW_BACKLOG = 1_500;
const FAST_PENDING = 30;

/** Rows the plan read only to drop them (EXPLAIN reports them per loop). */
function rowsDropped(node: PlanNode): number {
  const own = ((node["Rows Removed by Filter"] ?? 0) + (node["Rows Removed by Join Filter"] ?? 0)) * node["Actual Loops"];
  return own + (node.Plans ?? []).reduce((sum, child) => sum + rowsDropped(child), 0);
}

const webhookId = (n: number) => `wh_plan_${n}`;
const slow = webhookId(WEBHOOKS - 1);
const fast = Array.from({ length: WEBHOOKS - 1 }, (_, n) => webhookId(n));

beforeAll(async () => {
  await sql().query(`INSERT INTO accounts (id, name) VALUES ('acct_plan', 'plan')`);
  await sql().query(
    `INSERT INTO webhooks (id, account_id, name, url, events, secret_ciphertext, ip_whitelist, updated_at)
     SELECT 'wh_plan_' || n, 'acct_plan', 'plan', 'https://example.com/' || n, ARRAY['*'], 'unused', ARRAY[]::text[], now()
     FROM generate_series(0, $1::int - 1) AS n`,
    [WEBHOOKS],
  );
  await sql().query(
    `INSERT INTO events (id, account_id, type, data)
     SELECT 'evt_plan_' || i, 'acct_plan', 'order.created', '{}' FROM generate_series(1, $1::int) AS i`,
    [FINISHED_EVENTS + SLOW_BACKLOG + FAST_PENDING],
  );
  // The history: every event delivered to every webhook, long finished.
  await sql().query(
    `INSERT INTO deliveries (id, account_id, webhook_id, event_id, status, attempts, next_attempt_at, completed_at)
     SELECT 'dlv_plan_' || i || '_' || n, 'acct_plan', 'wh_plan_' || n, 'evt_plan_' || i, 'succeeded', 1, NULL, now()
     FROM generate_series(1, $1::int) AS i, generate_series(0, $2::int - 1) AS n`,
    [FINISHED_EVENTS, WEBHOOKS],
  );
  await sql().query("ANALYZE deliveries");
  // Then the queue: the slow webhook's backlog, older than the fast webhooks' new work.
  await sql().query(
    `INSERT INTO deliveries (id, account_id, webhook_id, event_id, next_attempt_at)
     SELECT 'dlv_plan_slow_' || i, 'acct_plan', $2, 'evt_plan_' || ($3::int + i), now() - interval '1 minute' + i * interval '1 ms'
     FROM generate_series(1, $1::int) AS i`,
    [SLOW_BACKLOG, slow, FINISHED_EVENTS],
  );
  await sql().query(
    `INSERT INTO deliveries (id, account_id, webhook_id, event_id, next_attempt_at)
     SELECT 'dlv_plan_fast_' || i || '_' || n, 'acct_plan', 'wh_plan_' || n, 'evt_plan_' || ($3::int + i), now() - interval '1 second'
     FROM generate_series(1, $1::int) AS i, generate_series(0, $2::int - 2) AS n`,
    [FAST_PENDING, WEBHOOKS, FINISHED_EVENTS + SLOW_BACKLOG],
  );
});

/** The claim's plan, run and rolled back (its leases undone), and how many rows it leased. */
async function explainClaim(...args: Parameters<typeof claimStatement>): Promise<{ plan: PlanNode; leased: number }> {
  const { text, values } = claimStatement(...args);
  const plan = await explainAnalyzed(text, values, { generic: true });
  return { plan, leased: plan["Actual Rows"] };
}

const queue = SLOW_BACKLOG + FAST_PENDING * fast.length;

const pendingInStatistics = async () => {
  const { rows } = await sql().query(`SELECT most_common_vals::text AS vals FROM pg_stats WHERE tablename = 'deliveries' AND attname = 'status'`);
  return (rows[0]?.vals ?? "").includes("pending");
};

describe("the claim's plan with statistics that say nothing is pending", () => {
  it("takes the served webhooks' work stepping over the slow backlog once", async () => {
    expect(await pendingInStatistics()).toBe(false);
    // What the dispatcher asks while the slow webhook is at its cap and the fast ones are
    // served: the look past the served webhooks, which steps over the backlog, and nine
    // per-webhook lookups, which must not (nor the lock step, which looks its ids up by key).
    const served = await explainClaim("planner", 99, [slow], { byWebhook: new Map(fast.map((id) => [id, 79])), otherwise: 32 });
    expect(served.leased).toBe(99);
    expect(rowsDropped(served.plan)).toBeLessThanOrEqual(queue);
  });

  it("refilling the served webhooks alone, does not step over the slow backlog at all", async () => {
    const served = await explainClaim("planner", 99, [slow], { byWebhook: new Map(fast.map((id) => [id, 11])), otherwise: 0 });
    expect(served.leased).toBe(99);
    expect(rowsDropped(served.plan)).toBe(0);
  });

  it("the fairness look at work that came due lately does not step over the slow backlog; the full look does", async () => {
    // The dispatcher serves every webhook but the last fast one, whose 30 rows (due 1 s ago)
    // are what the look is after. The slow backlog came due a minute ago.
    const served = [slow, ...fast.slice(0, -1)];
    const lately = await explainClaim("planner", 99, served, { byWebhook: new Map(), otherwise: 32, dueWithinMs: 5_000 });
    expect(lately.leased).toBe(FAST_PENDING);
    expect(rowsDropped(lately.plan)).toBeLessThanOrEqual(FAST_PENDING * (fast.length - 1));
    const full = await explainClaim("planner", 99, served, { byWebhook: new Map(), otherwise: 32 });
    expect(full.leased).toBe(FAST_PENDING);
    expect(rowsDropped(full.plan)).toBeGreaterThanOrEqual(SLOW_BACKLOG);
  });

  it("steps over the slow backlog once to take new webhooks' work", async () => {
    const { plan, leased } = await explainClaim("planner", 99, [slow], { byWebhook: new Map(), otherwise: 32 });
    expect(leased).toBe(99);
    expect(rowsDropped(plan)).toBeLessThanOrEqual(queue);
  });
});

/** The plan's nodes and the indexes they read, in order, without figures. */
function shape(node: PlanNode): string[] {
  return [`${node["Node Type"]} ${node["Index Name"] ?? ""}`.trim(), ...(node.Plans ?? []).flatMap(shape)];
}

describe("the claim and ordering keys", () => {
  it("plans the unkeyed claim exactly as before keys: the key check is a cheap function call", async () => {
    // Written inline, the key check's subqueries made the planner trade the queue index for a sequential scan.
    const room = { byWebhook: new Map(fast.map((id): [string, number] => [id, 79])), otherwise: 32 };
    const { text, values } = claimStatement("planner", 99, [slow], room);
    const withoutKeys = text.split(` AND ${NOT_HELD_BACK}`).join("");
    expect(withoutKeys).not.toBe(text);
    expect(shape(await explainAnalyzed(text, values, { generic: true }))).toEqual(shape(await explainAnalyzed(withoutKeys, values, { generic: true })));
  });

  it("takes only the first of each key from a keyed backlog", async () => {
    await sql().query(`INSERT INTO webhooks (id, account_id, name, url, events, secret_ciphertext, ip_whitelist, updated_at)
      VALUES ('wh_plan_keyed', 'acct_plan', 'plan', 'https://example.com/keyed', ARRAY['*'], 'unused', ARRAY[]::text[], now())`);
    await sql().query(
      `INSERT INTO deliveries (id, account_id, webhook_id, event_id, next_attempt_at, ordering_key)
       SELECT 'dlv_plan_keyed_' || i, 'acct_plan', 'wh_plan_keyed', 'evt_plan_' || i, now() - interval '1 second', 'key-' || (i % 5)
       FROM generate_series(1, 200) AS i ORDER BY i`,
    );
    const { leased } = await explainClaim("planner", 99, [], { byWebhook: new Map([["wh_plan_keyed", 50]]), otherwise: 0 });
    expect(leased).toBe(5);
  });
});

describe("the claim's planning", () => {
  it("plans the claim once, without its values, as the tests above see it", async () => {
    // Every webhook skipped: the claims run and plan but lease nothing.
    const everyWebhook = [...fast, slow, "wh_plan_keyed"];
    for (let i = 0; i < 8; i++) expect(await claimDueDeliveries("planner", 10, everyWebhook)).toEqual([]);
    const clients = await Promise.all([genericPlanSql().connect(), genericPlanSql().connect()]);
    try {
      const plans = { generic: 0, custom: 0 };
      for (const client of clients) {
        const { rows } = await client.query(`SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE name = 'hookrelay_claim_deliveries'`);
        plans.generic += Number(rows[0]?.generic_plans ?? 0);
        plans.custom += Number(rows[0]?.custom_plans ?? 0);
      }
      expect(plans).toEqual({ generic: 8, custom: 0 });
    } finally {
      for (const client of clients) client.release();
    }
  });
});
