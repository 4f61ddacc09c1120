import { route } from "@/lib/http/route";
import { accepted, list, ok } from "@/lib/http/responses";
import { publishEventIdempotently, publishEventInput, toEventJson } from "@/lib/events/publish";
import { eventFiltersFrom, eventsQuery, listEvents, toEventSummaryJson } from "@/lib/events/event-browser";
import { announceDeliveries } from "@/lib/engine/announce";

export const POST = route({ body: publishEventInput }, async ({ account, body }) => {
  const { event, deliveries, duplicate } = await publishEventIdempotently(account.id, body);
  if (!duplicate) await announceDeliveries(deliveries);
  // Object.assign, not a spread: cheaper to build and to serialise (docs/engine.md, "Hot-path notes").
  const data = Object.assign(toEventJson(event), { duplicate, deliveries: deliveries.map((d) => ({ id: d.id, webhook_id: d.webhookId })) });
  // A repeated id is not an error: the publisher gets the original event back.
  return duplicate ? ok(data) : accepted(data);
});

export const GET = route({ portal: "view", query: eventsQuery }, async ({ account, query }) => {
  const filters = await eventFiltersFrom(account.id, query);
  const page = await listEvents(account.id, filters, { limit: query.limit, cursor: query.cursor });
  return list(page.items.map(toEventSummaryJson), page.nextCursor);
});
