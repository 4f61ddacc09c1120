import { route } from "@/lib/http/route";
import { created, list } from "@/lib/http/responses";
import { createIntegrationInput, integrationListQuery } from "@/lib/inbound/integration-input";
import { createIntegration, integrationStats, listIntegrations, toIntegrationJson } from "@/lib/inbound/integrations";

export const POST = route({ body: createIntegrationInput }, async ({ account, body }) => {
  const { integration, secret } = await createIntegration(account.id, body);
  return created(toIntegrationJson(integration, { secret }));
});

export const GET = route({ query: integrationListQuery }, async ({ account, query }) => {
  const page = await listIntegrations(account.id, query);
  const stats = await integrationStats(page.items.map((i) => i.id));
  return list(page.items.map((i) => toIntegrationJson(i, { stats: stats.get(i.id) })), page.nextCursor);
});
