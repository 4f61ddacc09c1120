import { route } from "@/lib/http/route";
import { noContent, ok } from "@/lib/http/responses";
import { replaceWebhookInput, updateWebhookInput } from "@/lib/webhooks/webhook-input";
import { deleteWebhook, getWebhook, toWebhookJson, updateWebhook } from "@/lib/webhooks/webhooks";

export const GET = route({}, async ({ account, params }) => ok(toWebhookJson(await getWebhook(account.id, params.id))));

export const PUT = route({ body: replaceWebhookInput }, async ({ account, params, body }) =>
  ok(toWebhookJson(await updateWebhook(account.id, params.id, { description: null, filters: null, rate_limit_per_hour: null, ...body }))),
);

export const PATCH = route({ body: updateWebhookInput }, async ({ account, params, body }) =>
  ok(toWebhookJson(await updateWebhook(account.id, params.id, body))),
);

export const DELETE = route({}, async ({ account, params }) => {
  await deleteWebhook(account.id, params.id);
  return noContent();
});
