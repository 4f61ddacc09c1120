// Portal links: an admin (any account) or a member (its own) asks for a signed, expiring URL
// that opens the account's merchant portal. Portal links themselves cannot ask for more.
import { route } from "@/lib/http/route";
import { created } from "@/lib/http/responses";
import { requestOrigin } from "@/lib/http/request-origin";
import { createPortalLink, createPortalLinkInput } from "@/lib/portal/portal-links";

export const POST = route({ body: createPortalLinkInput }, async ({ request, principal, body }) => {
  const link = await createPortalLink({
    accountId: body.account_id,
    capability: body.capability,
    expiresIn: body.expires_in,
    caller: { accountId: principal.accountId, role: principal.role },
    origin: requestOrigin(request),
  });
  return created({ url: link.url, expires_at: link.expiresAt.toISOString() });
});
