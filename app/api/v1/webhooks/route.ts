// Seed 003's register and list (lib/webhooks/auraconnect-dialect.ts): bare objects, `active`.
import { route } from "@/lib/http/route";
import { JsonReply } from "@/lib/http/responses";
import { auraconnectCreateInput, toAuraconnectWebhookJson } from "@/lib/webhooks/auraconnect-dialect";
import { MAX_WEBHOOKS_PER_ACCOUNT } from "@/lib/webhooks/webhook-input";
import { createWebhook, listWebhooks } from "@/lib/webhooks/webhooks";

export const POST = route({ body: auraconnectCreateInput }, async ({ account, body }) => {
  const { webhook, secret } = await createWebhook(account.id, body);
  return new JsonReply(toAuraconnectWebhookJson(webhook, { generatedSecret: body.secret === undefined ? secret : undefined }), 201);
});

// One page holds them all: an account has at most 100 webhooks.
export const GET = route({}, async ({ account }) => {
  const { items } = await listWebhooks(account.id, { limit: MAX_WEBHOOKS_PER_ACCOUNT });
  return new JsonReply({ webhooks: items.map((w) => toAuraconnectWebhookJson(w)), total: items.length }, 200);
});
