import { route } from "@/lib/http/route";
import { list } from "@/lib/http/responses";
import { inboundEventsQuery } from "@/lib/inbound/integration-input";
import { listInboundEvents, toInboundEventJson } from "@/lib/inbound/inbound-events";
import { getIntegration } from "@/lib/inbound/integrations";

export const GET = route({ query: inboundEventsQuery }, async ({ account, params, query }) => {
  const integration = await getIntegration(account.id, params.id);
  const page = await listInboundEvents(integration.id, query);
  return list(page.items.map(toInboundEventJson), page.nextCursor);
});
