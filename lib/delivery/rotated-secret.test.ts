// The signing secrets an attempt uses after a rotation, through the delivery core with its
// cache of decrypted secrets: both while the rotated-out secret overlaps, the new one alone after.
import { afterAll, beforeAll, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { attemptDelivery } from "@/lib/delivery/attempt-delivery";
import { db } from "@/lib/db/client";
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

/** Publishes an event to the one webhook and attempts its delivery now; the request the receiver got. */
async function deliverOne(webhookId: string) {
  const published = await api.post("/api/events", { type: "order.created", data: { n: receiver.requests.length } }, { key });
  expect(published.status).toBe(202);
  const delivery = await db().delivery.findFirstOrThrow({ where: { webhookId, eventId: published.body.data.id } });
  expect((await attemptDelivery(delivery.id))?.state).toBe("succeeded");
  return receiver.requests.at(-1)!;
}

const verifies = (secret: string, request: Receiver["requests"][number]) => {
  try {
    new Webhook(secret).verify(request.body, request.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
};

it("signs with both secrets while the rotated-out one overlaps, and with the new one alone once it ends", async () => {
  const created = await api.post("/api/webhooks", { url: receiver.url, events: ["order.created"] }, { key });
  const { id, secret: oldSecret } = created.body.data;
  const before = await deliverOne(id);
  expect(verifies(oldSecret, before)).toBe(true);

  const rotated = await api.post(`/api/webhooks/${id}/rotate-secret`, undefined, { key });
  const newSecret = rotated.body.data.secret;
  const overlapping = await deliverOne(id);
  expect(String(overlapping.headers["webhook-signature"]).split(" ")).toHaveLength(2);
  expect(verifies(newSecret, overlapping) && verifies(oldSecret, overlapping)).toBe(true);

  // The overlap ends; the ciphertexts stay as they were.
  await db().webhook.update({ where: { id }, data: { previousSecretExpiresAt: new Date(Date.now() - 1000) } });
  const after = await deliverOne(id);
  expect(String(after.headers["webhook-signature"]).split(" ")).toHaveLength(1);
  expect(verifies(newSecret, after)).toBe(true);
  expect(verifies(oldSecret, after)).toBe(false);
});
