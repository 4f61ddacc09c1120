// The attempt-recording statement's plan for a full batch (lib/delivery/attempt-delivery.ts):
// its work must grow with the batch, not with the batch squared. Work is counted from EXPLAIN
// ANALYZE (rows every scan returned, over all its loops), never timed.
import { beforeAll, describe, expect, it } from "vitest";
import { sql } from "@/lib/db/client";
import { recordAttemptsStatement, type AttemptRecord } from "@/lib/delivery/attempt-delivery";
import { explainAnalyzed, rowsReturned } from "@/test/query-plan";

const BATCH = 200;

const deliveryId = (i: number) => `dlv_record_${i}`;

beforeAll(async () => {
  await sql().query(`INSERT INTO accounts (id, name) VALUES ('acct_record', 'record')`);
  await sql().query(
    `INSERT INTO webhooks (id, account_id, name, url, events, secret_ciphertext, ip_whitelist, updated_at)
     VALUES ('wh_record', 'acct_record', 'record', 'https://example.com/', ARRAY['*'], 'unused', ARRAY[]::text[], now())`,
  );
  await sql().query(
    `INSERT INTO events (id, account_id, type, data) SELECT 'evt_record_' || i, 'acct_record', 'order.created', '{}' FROM generate_series(1, $1::int) AS i`,
    [BATCH],
  );
  // History first, analyzed, as on a server that has run a while; then the batch's leased deliveries.
  await sql().query(
    `INSERT INTO deliveries (id, account_id, webhook_id, event_id, status, attempts, next_attempt_at, completed_at)
     SELECT 'dlv_record_old_' || i, 'acct_record', 'wh_record', 'evt_record_' || (1 + i % $1::int), 'succeeded', 1, NULL, now() FROM generate_series(1, 20000) AS i`,
    [BATCH],
  );
  await sql().query("ANALYZE deliveries");
  await sql().query(
    `INSERT INTO deliveries (id, account_id, webhook_id, event_id, lease_owner, lease_expires_at)
     SELECT 'dlv_record_' || i, 'acct_record', 'wh_record', 'evt_record_' || i, 'engine', now() + interval '1 minute' FROM generate_series(1, $1::int) AS i`,
    [BATCH],
  );
});

function succeeded(i: number): AttemptRecord {
  const at = new Date();
  return {
    deliveryId: deliveryId(i),
    leaseOwner: "engine",
    state: "succeeded",
    attemptsMade: 1,
    at,
    nextAttemptAt: null,
    responseCode: 200,
    lastError: null,
    attemptId: `att_record_${i}`,
    eventType: "order.created",
    status: "succeeded",
    responseTimeMs: 5,
    errorClass: null,
    errorMessage: null,
    requestHeaders: "{}",
    requestBody: "{}",
    responseHeaders: "{}",
    responseBody: "ok",
    deadLetterId: null,
    deadReason: null,
    touchesWebhook: false,
    failingSince: null,
    disableReason: null,
  };
}

describe("the attempt-recording statement", () => {
  it(`reads a batch of ${BATCH} a few times over, not once per delivery`, async () => {
    const { text, values } = recordAttemptsStatement(Array.from({ length: BATCH }, (_, i) => succeeded(i + 1)));
    const plan = await explainAnalyzed(text, values);
    expect(plan["Actual Rows"]).toBe(0); // it names the deliveries it could not move: none here
    // The input, the deliveries and the kept rows are each read a handful of times; the
    // plan that scanned the input once per delivery read 40 000 rows.
    expect(rowsReturned(plan)).toBeLessThanOrEqual(BATCH * 20);
  });
});
