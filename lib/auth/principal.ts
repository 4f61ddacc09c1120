// "Who is calling and what may they touch", decided once for every route. A caller is an API
// key or a signed-in user; both belong to an account. Members act on their own account only;
// admins (operators) may act on any account by naming it (the UI's account switcher), and
// everything they touch is still scoped to that one account. A portal link (lib/portal) is a
// third kind of caller: bound to its one account, and only on the routes that admit it.
import { ApiError } from "@/lib/http/errors";
import { db } from "@/lib/db/client";
import { accountDisabled } from "@/lib/auth/account-disabled";
import { findActiveApiKey } from "@/lib/auth/api-keys";
import { hasSessionCookie, sessionPrincipal } from "@/lib/auth/session";
import { openPortalToken, type PortalCapability } from "@/lib/portal/portal-links";

export interface Principal {
  kind: "api_key" | "session" | "portal";
  /** The API key's or the user's id; for a portal link, `portal:<account id>`. */
  subjectId: string;
  accountId: string;
  role: "admin" | "member";
  /** What a portal link may do; only for `kind: "portal"`. */
  capability?: PortalCapability;
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
    const portal = /^Portal\s+(\S+)\s*$/i.exec(authorization);
    if (portal) return portalPrincipal(portal[1]);
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) return null;
    const key = await findActiveApiKey(match[1]);
    if (key?.accountDisabled) throw accountDisabled();
    return key ? { kind: "api_key", subjectId: key.id, accountId: key.accountId, role: key.role } : null;
  }
  if (hasSessionCookie(request)) return sessionPrincipal(request);
  return null;
}

/** A portal link's caller; an expired or forged link is a 401 that says which. */
async function portalPrincipal(token: string): Promise<Principal> {
  const opened = await openPortalToken(token);
  if (!opened.ok) {
    const message = opened.reason === "expired" ? "this portal link has expired: ask for a new one" : "invalid portal link";
    throw new ApiError("unauthorized", message, [], { "www-authenticate": "Portal" });
  }
  const { accountId, capability } = opened.claims;
  return { kind: "portal", subjectId: `portal:${accountId}`, accountId, role: "member", capability };
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
