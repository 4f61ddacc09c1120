// One account, for operators: read it, rename it, set its portal branding, disable or enable
// it, delete it (with everything it owns).
import { deleteAccount, getAccount, toAccountJson, updateAccount, updateAccountInput } from "@/lib/accounts/accounts";
import { route } from "@/lib/http/route";
import { noContent, ok } from "@/lib/http/responses";

export const GET = route({ auth: "admin" }, async ({ params }) => ok(toAccountJson(await getAccount(params.id))));

export const PATCH = route({ auth: "admin", body: updateAccountInput }, async ({ params, principal, body }) =>
  ok(toAccountJson(await updateAccount(principal, params.id, body))),
);

export const DELETE = route({ auth: "admin" }, async ({ params, principal }) => {
  await deleteAccount(principal, params.id);
  return noContent();
});
