import { route } from "@/lib/http/route";
import { ok } from "@/lib/http/responses";
import { statsQuery, webhookStats } from "@/lib/stats/webhook-stats";
import { getWebhook } from "@/lib/webhooks/webhooks";

export const GET = route({ portal: "view", query: statsQuery }, async ({ account, params, query }) => {
  const webhook = await getWebhook(account.id, params.id);
  return ok(await webhookStats({ webhookId: webhook.id }, query.window));
});
