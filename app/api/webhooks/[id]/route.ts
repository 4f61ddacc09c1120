import { route } from "@/lib/http/route";
import { noContent, ok } from "@/lib/http/responses";
import { updateWebhookInput } from "@/lib/webhooks/webhook-input";
import { deleteWebhook, getWebhook, toWebhookJson, updateWebhook } from "@/lib/webhooks/webhooks";

export const GET = route({ portal: "view" }, async ({ account, params }) => ok(toWebhookJson(await getWebhook(account.id, params.id))));

// PUT changes only the fields given, like PATCH: seeds 002 and 003 send partial PUT bodies.
export const PATCH = route({ portal: "manage", body: updateWebhookInput }, async ({ account, params, body }) =>
  ok(toWebhookJson(await updateWebhook(account.id, params.id, body))),
);

export const PUT = PATCH;

export const DELETE = route({ portal: "manage" }, async ({ account, params }) => {
  await deleteWebhook(account.id, params.id);
  return noContent();
});
