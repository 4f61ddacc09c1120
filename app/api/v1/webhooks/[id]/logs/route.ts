// Seed 003's webhook logs: `{logs: [{event_id, event_type, status, attempts, …}]}`, newest first.
import { route } from "@/lib/http/route";
import { JsonReply } from "@/lib/http/responses";
import { listAttempts } from "@/lib/delivery/delivery-log";
import { auraconnectLogsQuery, toAuraconnectLogJson, toLogsQuery } from "@/lib/webhooks/auraconnect-dialect";
import { getWebhook } from "@/lib/webhooks/webhooks";

export const GET = route({ query: auraconnectLogsQuery }, async ({ account, params, query }) => {
  const webhook = await getWebhook(account.id, params.id);
  const page = await listAttempts(webhook.id, toLogsQuery(query));
  return new JsonReply({ logs: page.items.map(toAuraconnectLogJson) }, 200);
});
