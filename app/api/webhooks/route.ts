import { route } from "@/lib/http/route";
import { created, list } from "@/lib/http/responses";
import { createWebhookInput, listQuery } from "@/lib/webhooks/webhook-input";
import { createWebhook, listWebhooks, toWebhookJson } from "@/lib/webhooks/webhooks";

export const POST = route({ portal: "manage", body: createWebhookInput }, async ({ account, body }) => {
  const { webhook, secret } = await createWebhook(account.id, body);
  return created(toWebhookJson(webhook, { secret }));
});

export const GET = route({ portal: "view", query: listQuery }, async ({ account, query }) => {
  const page = await listWebhooks(account.id, query);
  return list(page.items.map((w) => toWebhookJson(w)), page.nextCursor);
});
