import { route } from "@/lib/http/route";
import { noContent, ok } from "@/lib/http/responses";
import { replaceWebhookInput, updateWebhookInput } from "@/lib/webhooks/webhook-input";
import { deleteWebhook, getWebhook, toWebhookJson, updateWebhook } from "@/lib/webhooks/webhooks";

export const GET = route({ portal: "view" }, async ({ account, params }) => ok(toWebhookJson(await getWebhook(account.id, params.id))));

export const PUT = route({ portal: "manage", body: replaceWebhookInput }, async ({ account, params, body }) =>
  ok(toWebhookJson(await updateWebhook(account.id, params.id, { description: null, filters: null, rate_limit_per_hour: null, ...body }))),
);

export const PATCH = route({ portal: "manage", body: updateWebhookInput }, async ({ account, params, body }) =>
  ok(toWebhookJson(await updateWebhook(account.id, params.id, body))),
);

export const DELETE = route({ portal: "manage" }, async ({ account, params }) => {
  await deleteWebhook(account.id, params.id);
  return noContent();
});
