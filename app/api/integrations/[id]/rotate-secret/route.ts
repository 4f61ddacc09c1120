import { route } from "@/lib/http/route";
import { ok } from "@/lib/http/responses";
import { rotateIntegrationSecretInput } from "@/lib/inbound/integration-input";
import { rotateIntegrationSecret, toIntegrationJson } from "@/lib/inbound/integrations";

export const POST = route({ body: rotateIntegrationSecretInput, optionalBody: true }, async ({ account, params, body }) => {
  const { integration, secret } = await rotateIntegrationSecret(account.id, params.id, body.webhook_secret);
  return ok(toIntegrationJson(integration, { secret }));
});
