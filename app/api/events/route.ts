import { route } from "@/lib/http/route";
import { accepted, ok } from "@/lib/http/responses";
import { publishEventIdempotently, publishEventInput, toEventJson } from "@/lib/events/publish";
import { announceDeliveries } from "@/lib/engine/announce";

export const POST = route({ body: publishEventInput }, async ({ account, body }) => {
  const { event, deliveries, duplicate } = await publishEventIdempotently(account.id, body);
  if (!duplicate) await announceDeliveries(deliveries);
  // Object.assign, not a spread: cheaper to build and to serialise (docs/engine.md, "Hot-path notes").
  const data = Object.assign(toEventJson(event), { duplicate, deliveries: deliveries.map((d) => ({ id: d.id, webhook_id: d.webhookId })) });
  // A repeated id is not an error: the publisher gets the original event back.
  return duplicate ? ok(data) : accepted(data);
});
