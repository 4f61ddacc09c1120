import { revokeApiKey } from "@/lib/auth/api-keys";
import { db } from "@/lib/db/client";
import { ApiError, notFound } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { noContent } from "@/lib/http/responses";

// DELETE revokes: the key stops working at once and stays listed (revoked) for the record.
export const DELETE = route({}, async ({ account, principal, params }) => {
  const key = await db().apiKey.findFirst({ where: { id: params.id, accountId: account.id }, select: { role: true } });
  if (!key) throw notFound("API key");
  if (key.role === "admin" && principal.role !== "admin") throw new ApiError("forbidden", "only an admin may revoke an admin key");
  if (!(await revokeApiKey(account.id, params.id))) throw notFound("API key");
  return noContent();
});
