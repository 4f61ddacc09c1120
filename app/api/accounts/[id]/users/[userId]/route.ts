// One user of an account, for operators: rename, change role, issue a new password link
// (`reset_password: true`), remove. The last admin of an account stays (409).
import { getAccount } from "@/lib/accounts/accounts";
import { removeUser, toUserJson, updateUser, updateUserInput } from "@/lib/accounts/users";
import { route } from "@/lib/http/route";
import { requestOrigin } from "@/lib/http/request-origin";
import { noContent, ok } from "@/lib/http/responses";

export const PATCH = route({ auth: "admin", body: updateUserInput }, async ({ request, params, body }) => {
  await getAccount(params.id);
  const { user, link } = await updateUser(params.id, params.userId, body, requestOrigin(request));
  return ok(toUserJson(user, link));
});

export const DELETE = route({ auth: "admin" }, async ({ params }) => {
  await getAccount(params.id);
  await removeUser(params.id, params.userId);
  return noContent();
});
