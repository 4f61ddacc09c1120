// An attempt counts only for the holder of its delivery's lease: when another worker took the
// lease meanwhile (ours expired), the request went out but its outcome must not move the
// delivery, and the caller must learn that it did not count.
import { afterAll, beforeAll, expect, it } from "vitest";
import { runAttempt } from "@/lib/delivery/attempt-delivery";
import { claimDueDeliveries } from "@/lib/delivery/due-delivery";
import { db, sql } from "@/lib/db/client";
import { api } from "@/test/api";
import { newAccount } from "@/test/fixtures";
import { startReceiver, type Receiver } from "@/test/receiver";

let key: string;
let receiver: Receiver;

beforeAll(async () => {
  ({ key } = await newAccount());
  receiver = await startReceiver(200);
});

afterAll(async () => {
  await receiver.close();
});

it("records the attempts whose lease is still held and reports the one whose lease another worker took", async () => {
  const { id } = (await api.post("/api/webhooks", { url: receiver.url, events: ["order.created"] }, { key })).body.data;
  for (let i = 0; i < 2; i++) expect((await api.post("/api/events", { type: "order.created", data: { i } }, { key })).status).toBe(202);
  const [kept, taken] = await claimDueDeliveries("worker_a", 10, [], { byWebhook: new Map([[id, 10]]), otherwise: 0 });
  await sql().query(`UPDATE deliveries SET lease_owner = 'worker_b' WHERE id = $1`, [taken.id]);

  // Both at once, so that they are recorded in one statement.
  const [keptResult, takenResult] = await Promise.all([runAttempt(kept, "worker_a"), runAttempt(taken, "worker_a")]);
  expect(receiver.requests).toHaveLength(2);
  expect(keptResult?.state).toBe("succeeded");
  expect(takenResult).toBeNull();

  const stored = async (deliveryId: string) => db().delivery.findUniqueOrThrow({ where: { id: deliveryId } });
  expect(await stored(kept.id)).toMatchObject({ status: "succeeded", attempts: 1, leaseOwner: null });
  expect(await stored(taken.id)).toMatchObject({ status: "pending", attempts: 0, leaseOwner: "worker_b" });
  expect(await db().attempt.count({ where: { deliveryId: taken.id } })).toBe(0);
});
