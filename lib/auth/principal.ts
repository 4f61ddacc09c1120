// "Who is calling and what may they touch", decided once for every route. A caller is an API
// key or a signed-in user; both belong to an account. Members act on their own account only;
// admins (operators) may act on any account by naming it (the UI's account switcher), and
// everything they touch is still scoped to that one account.
import { ApiError } from "@/lib/http/errors";
import { db } from "@/lib/db/client";
import { accountDisabled } from "@/lib/auth/account-disabled";
import { findActiveApiKey } from "@/lib/auth/api-keys";
import { hasSessionCookie, sessionPrincipal } from "@/lib/auth/session";

export interface Principal {
  kind: "api_key" | "session";
  /** The API key's or the user's id. */
  subjectId: string;
  accountId: string;
  role: "admin" | "member";
}

/** The account a request acts on. */
export interface AccountScope {
  id: string;
  principal: Principal;
}

export const ACCOUNT_HEADER = "x-hookrelay-account";

/** The caller, or null when there are no valid credentials; throws `account_disabled` for a disabled account's key or user. */
export async function authenticate(request: Request): Promise<Principal | null> {
  const authorization = request.headers.get("authorization");
  if (authorization) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) return null;
    const key = await findActiveApiKey(match[1]);
    if (key?.accountDisabled) throw accountDisabled();
    return key ? { kind: "api_key", subjectId: key.id, accountId: key.accountId, role: key.role } : null;
  }
  if (hasSessionCookie(request)) return sessionPrincipal(request);
  return null;
}

/** The account the principal acts on: its own, or for an admin the one named in the request. */
export async function resolveAccount(request: Request, principal: Principal): Promise<AccountScope> {
  const url = new URL(request.url);
  const requested = request.headers.get(ACCOUNT_HEADER) ?? url.searchParams.get("account_id");
  if (!requested || requested === principal.accountId) return { id: principal.accountId, principal };
  if (principal.role !== "admin") throw new ApiError("not_found", "account not found");
  const account = await db().account.findUnique({ where: { id: requested }, select: { id: true } });
  if (!account) throw new ApiError("not_found", "account not found");
  return { id: account.id, principal };
}
