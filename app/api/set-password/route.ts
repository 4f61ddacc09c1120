// The one-time password link's form posts here: no session or key, the link's token is the
// credential. An unknown, used or expired token is a 404.
import { setPasswordInput, setPasswordWithLink } from "@/lib/auth/password-tokens";
import { route } from "@/lib/http/route";
import { ok } from "@/lib/http/responses";

export const POST = route({ auth: "none", body: setPasswordInput }, async ({ body }) => {
  const user = await setPasswordWithLink(body.token, body.password);
  return ok({ email: user.email });
});
