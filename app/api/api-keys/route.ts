import { createApiKey, createApiKeyInput, listApiKeys, toApiKeyJson } from "@/lib/auth/api-keys";
import { ApiError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { created, ok } from "@/lib/http/responses";

export const GET = route({}, async ({ account }) => ok((await listApiKeys(account.id)).map((k) => toApiKeyJson(k))));

// The key itself is in this response only; afterwards only its prefix is shown.
export const POST = route({ body: createApiKeyInput }, async ({ account, principal, body }) => {
  if (body.role === "admin" && principal.role !== "admin") throw new ApiError("forbidden", "only an admin may create an admin key");
  const { apiKey, key } = await createApiKey({ accountId: account.id, name: body.name, role: body.role });
  return created(toApiKeyJson(apiKey, { key }));
});
