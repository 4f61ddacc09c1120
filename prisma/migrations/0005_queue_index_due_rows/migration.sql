-- The queue-wide claim index also requires a due time, so that only statements that name one
-- (the look for any webhook's due work, the next-due timer) can use it. The claim's lookup of
-- one webhook's due work names none and so must use that webhook's own index range
-- (lib/delivery/due-delivery.ts): with statistics gathered while nothing was pending, the
-- planner had found both indexes equally cheap and took this one, stepping over every other
-- webhook's backlog row by row.
DROP INDEX "deliveries_status_next_attempt_at_idx";
CREATE INDEX "deliveries_status_next_attempt_at_idx" ON "deliveries"("status", "next_attempt_at") WHERE "status" = 'pending' AND "next_attempt_at" IS NOT NULL;
