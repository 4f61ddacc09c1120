// Accounts (tenants), for operators: the account list (with each account's webhooks, users,
// 24 h success rate and dead letters waiting) feeds the Accounts page and the account
// switcher; an operator creates a merchant's account here, optionally with its first member.
import { createAccount, createAccountInput, createAccountWithMember, toAccountJson } from "@/lib/accounts/accounts";
import { listAccountSummaries } from "@/lib/accounts/account-summaries";
import { route } from "@/lib/http/route";
import { created, ok } from "@/lib/http/responses";

export const GET = route({ auth: "admin" }, async () => ok(await listAccountSummaries()));

export const POST = route({ auth: "admin", body: createAccountInput }, async ({ body }) => {
  if (!body.member_email || !body.member_password) return created(toAccountJson(await createAccount(body.name)));
  const { account, user } = await createAccountWithMember({ name: body.name, email: body.member_email, password: body.member_password, memberName: body.member_name });
  return created({ ...toAccountJson(account), member: { id: user.id, email: user.email, role: user.role } });
});
