import { route } from "@/lib/http/route";
import { noContent, ok } from "@/lib/http/responses";
import { updateIntegrationInput } from "@/lib/inbound/integration-input";
import { deleteIntegration, getIntegration, integrationStats, toIntegrationJson, updateIntegration } from "@/lib/inbound/integrations";

export const GET = route({}, async ({ account, params }) => {
  const integration = await getIntegration(account.id, params.id);
  const stats = await integrationStats([integration.id]);
  return ok(toIntegrationJson(integration, { stats: stats.get(integration.id) }));
});

export const PATCH = route({ body: updateIntegrationInput }, async ({ account, params, body }) =>
  ok(toIntegrationJson(await updateIntegration(account.id, params.id, body))),
);

export const DELETE = route({}, async ({ account, params }) => {
  await deleteIntegration(account.id, params.id);
  return noContent();
});
