-- History goes by whole days (lib/delivery/retention.ts): attempts a day partition at a time,
-- events and their deliveries by plain batched deletes. These three foreign keys made each of
-- those deletes fire a trigger per row (a deleted delivery probed every day partition of
-- attempts and dead_letters), 144 s for one day among 10 M attempts (bench/README.md, "Scale").
-- Without them the purge deletes a day's events, then their deliveries, then those deliveries'
-- attempts outside the day it drops, each as one set-based statement; deleting a webhook or an
-- account deletes its attempts itself (lib/webhooks/webhooks.ts, lib/accounts/accounts.ts).
-- Deliveries and dead letters still belong to their webhook and account by foreign key.
ALTER TABLE "deliveries" DROP CONSTRAINT "deliveries_event_id_fkey";
ALTER TABLE "attempts" DROP CONSTRAINT "attempts_delivery_id_fkey";
ALTER TABLE "dead_letters" DROP CONSTRAINT "dead_letters_delivery_id_fkey";
