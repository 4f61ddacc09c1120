// An account's users, for operators. Adding one without a password answers with a one-time
// link (72 h) the person opens to choose it.
import { getAccount } from "@/lib/accounts/accounts";
import { addUser, addUserInput, listUsers, toUserJson } from "@/lib/accounts/users";
import { route } from "@/lib/http/route";
import { requestOrigin } from "@/lib/http/request-origin";
import { created, ok } from "@/lib/http/responses";

export const GET = route({ auth: "admin" }, async ({ params }) => {
  await getAccount(params.id);
  return ok((await listUsers(params.id)).map((u) => toUserJson(u)));
});

export const POST = route({ auth: "admin", body: addUserInput }, async ({ request, params, body }) => {
  await getAccount(params.id);
  const { user, link } = await addUser(params.id, body, requestOrigin(request));
  return created(toUserJson(user, link));
});
