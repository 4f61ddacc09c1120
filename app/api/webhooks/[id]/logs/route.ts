import { route } from "@/lib/http/route";
import { list } from "@/lib/http/responses";
import { listAttempts, logsQuery, toAttemptJson } from "@/lib/delivery/delivery-log";
import { getWebhook } from "@/lib/webhooks/webhooks";

export const GET = route({ portal: "view", query: logsQuery }, async ({ account, params, query }) => {
  const webhook = await getWebhook(account.id, params.id);
  const page = await listAttempts(webhook.id, query);
  return list(page.items.map(toAttemptJson), page.nextCursor);
});
