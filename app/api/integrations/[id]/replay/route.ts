import { route } from "@/lib/http/route";
import { ok } from "@/lib/http/responses";
import { inboundReplayInput } from "@/lib/inbound/integration-input";
import { previewInboundReplay, replayInboundEvents, toInboundReplayJson } from "@/lib/inbound/inbound-events";
import { getIntegration } from "@/lib/inbound/integrations";

export const POST = route({ body: inboundReplayInput, optionalBody: true }, async ({ account, params, body }) => {
  const integration = await getIntegration(account.id, params.id);
  const selector = "event_id" in body ? { eventId: body.event_id } : "since" in body ? { since: new Date(body.since) } : { allDead: true as const };
  if (body.dry_run) return ok(await previewInboundReplay(integration.id, selector));
  const eventIds = await replayInboundEvents(integration.id, selector);
  return ok(toInboundReplayJson(eventIds));
});
