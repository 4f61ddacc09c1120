// Seed 003's read, update (only the fields given) and delete (lib/webhooks/auraconnect-dialect.ts).
import { route } from "@/lib/http/route";
import { JsonReply, noContent } from "@/lib/http/responses";
import { auraconnectUpdateInput, toAuraconnectWebhookJson } from "@/lib/webhooks/auraconnect-dialect";
import { deleteWebhook, getWebhook, updateWebhook } from "@/lib/webhooks/webhooks";

export const GET = route({}, async ({ account, params }) => new JsonReply(toAuraconnectWebhookJson(await getWebhook(account.id, params.id)), 200));

export const PUT = route({ body: auraconnectUpdateInput }, async ({ account, params, body }) =>
  new JsonReply(toAuraconnectWebhookJson(await updateWebhook(account.id, params.id, body)), 200),
);

export const DELETE = route({}, async ({ account, params }) => {
  await deleteWebhook(account.id, params.id);
  return noContent();
});
