// What a claim writes on disk. Leasing a delivery changes only columns no index names, so
// with room on the row's page (migration 0007) PostgreSQL keeps the new row version there as
// a heap-only tuple, with no new entry in any of the table's indexes. A row version that moved
// to another page would need an entry in all five. Checked by where the rows are, not by time.
import { beforeAll, describe, expect, it } from "vitest";
import { sql } from "@/lib/db/client";
import { claimDueDeliveries } from "@/lib/delivery/due-delivery";

const BACKLOG = 600;

/** Each delivery's page (the block of its current row version). */
async function pagesOf(ids: string[]): Promise<Map<string, number>> {
  const { rows } = await sql().query<{ id: string; page: number }>(`SELECT id, (ctid::text::point)[0]::int AS page FROM deliveries WHERE id = ANY($1::text[])`, [ids]);
  return new Map(rows.map((r) => [r.id, r.page]));
}

beforeAll(async () => {
  await sql().query(`INSERT INTO accounts (id, name) VALUES ('acct_store', 'store')`);
  await sql().query(
    `INSERT INTO webhooks (id, account_id, name, url, events, secret_ciphertext, ip_whitelist, updated_at)
     VALUES ('wh_store', 'acct_store', 'store', 'https://example.com/', ARRAY['*'], 'unused', ARRAY[]::text[], now())`,
  );
  await sql().query(`INSERT INTO events (id, account_id, type, data) SELECT 'evt_' || lpad(i::text, 26, '0'), 'acct_store', 'order.created', '{}' FROM generate_series(1, $1::int) AS i`, [BACKLOG]);
  // One statement, as a publish burst or a seeded backlog writes them: pages filled as far as
  // the table allows, with ids as long as real ones.
  await sql().query(
    `INSERT INTO deliveries (id, account_id, webhook_id, event_id, next_attempt_at)
     SELECT 'dlv_' || lpad(i::text, 26, '0'), 'acct_store', 'wh_store', 'evt_' || lpad(i::text, 26, '0'), now() - interval '1 minute' + i * interval '1 ms'
     FROM generate_series(1, $1::int) AS i`,
    [BACKLOG],
  );
});

describe("claiming deliveries", () => {
  it("writes each lease on the delivery's own page, so no index gets a new entry", async () => {
    const { rows } = await sql().query<{ id: string }>(`SELECT id FROM deliveries WHERE account_id = 'acct_store'`);
    const before = await pagesOf(rows.map((r) => r.id));
    expect(new Set(before.values()).size).toBeGreaterThan(5); // a backlog over many pages, not one

    // An owner as long as a dispatcher's (`dispatcher_` and a ULID): the new row version is that much longer.
    const claimed = await claimDueDeliveries(`dispatcher_${"0".repeat(26)}`, BACKLOG);
    expect(claimed).toHaveLength(BACKLOG);

    const after = await pagesOf(claimed.map((d) => d.id));
    const moved = claimed.filter((d) => after.get(d.id) !== before.get(d.id));
    expect(moved.map((d) => d.id)).toEqual([]);
  });
});
