import { route } from "@/lib/http/route";
import { ok } from "@/lib/http/responses";
import { rotateSecretInput } from "@/lib/webhooks/webhook-input";
import { rotateWebhookSecret, toWebhookJson } from "@/lib/webhooks/webhooks";

export const POST = route({ portal: "manage", body: rotateSecretInput, optionalBody: true }, async ({ account, params, body }) => {
  const { webhook, secret } = await rotateWebhookSecret(account.id, params.id, body.secret);
  return ok(toWebhookJson(webhook, { secret }));
});
