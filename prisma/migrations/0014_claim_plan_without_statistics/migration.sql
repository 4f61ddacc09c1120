-- One webhook's oldest pending, unleased deliveries, read in index order and stopping after `n`
-- (the claim's per-webhook lookup, lib/delivery/due-delivery.ts). Without statistics that know
-- of a backlog (a table never analyzed, or analyzed while nothing was pending, before a burst)
-- the planner expected ~3 rows and chose a bitmap scan plus a sort: every claim then read each
-- served webhook's whole backlog (20 000 rows each, ~1 s a claim, bench/evidence/). A bitmap
-- scan cannot return rows in order, so with it switched off inside this function the only
-- sensible plan is the ordered scan of the webhook's own partial index, whatever the statistics.
-- A keyed delivery that an earlier one of its key holds back is passed over (migration 0013).
CREATE FUNCTION hookrelay_oldest_pending_deliveries(webhook text, n bigint)
RETURNS TABLE (id text, webhook_id text, next_attempt_at timestamp(3))
LANGUAGE sql STABLE
SET enable_bitmapscan = off
AS $$
  SELECT d.id, d.webhook_id, d.next_attempt_at
  FROM deliveries d
  WHERE d.webhook_id = webhook AND d.status = 'pending'
    AND (d.lease_expires_at IS NULL OR d.lease_expires_at < now())
    AND (d.ordering_key IS NULL OR NOT hookrelay_key_held_back(d.webhook_id, d.ordering_key, d.order_seq))
  ORDER BY d.next_attempt_at
  LIMIT n
$$;

-- Statistics that follow a burst: analyze after 5 000 changed rows whatever the table's size
-- (the default waits for 10 % of it, a million rows at 10 million), so the other statements
-- on the queue also see a backlog within a minute of it arriving. ANALYZE reads a fixed sample.
ALTER TABLE deliveries SET (autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 5000);
