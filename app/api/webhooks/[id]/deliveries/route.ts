import { route } from "@/lib/http/route";
import { list } from "@/lib/http/responses";
import { deliveriesQuery, listDeliveries, toDeliveryJson } from "@/lib/delivery/delivery-log";
import { getWebhook } from "@/lib/webhooks/webhooks";

export const GET = route({ portal: "view", query: deliveriesQuery }, async ({ account, params, query }) => {
  const webhook = await getWebhook(account.id, params.id);
  const page = await listDeliveries(webhook.id, query);
  return list(page.items.map(toDeliveryJson), page.nextCursor);
});
