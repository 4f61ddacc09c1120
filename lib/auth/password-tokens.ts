// One-time links to set a password: for a user an operator adds without one, and for a reset.
// The token is 32 random bytes; only its SHA-256 is stored (like API keys, its entropy makes a
// fast hash safe). A link works once, for 72 hours, and a newer link for the same user
// replaces the older ones.
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { hashPassword } from "@/lib/auth/passwords";
import { ApiError } from "@/lib/http/errors";

export const PASSWORD_LINK_TTL_MS = 72 * 3600 * 1000;
export const SET_PASSWORD_PATH = "/set-password";

/** Stored in place of a hash for a user who has not set a password yet: no password verifies against it. */
export const NO_PASSWORD = "!unset";

export const passwordInput = z.string().min(8, "a password needs at least 8 characters").max(200);

export const setPasswordInput = z
  .strictObject({ token: z.string().min(1, "token is required").max(200), password: passwordInput })
  .meta({ id: "SetPassword" });

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export interface PasswordLink {
  url: string;
  expiresAt: Date;
}

/** A new link for the user (earlier unused links stop working); `origin` is where the app is served. */
export async function issuePasswordLink(userId: string, origin: string, now = new Date()): Promise<PasswordLink> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + PASSWORD_LINK_TTL_MS);
  await db().$transaction([
    db().passwordToken.deleteMany({ where: { userId, usedAt: null } }),
    db().passwordToken.create({ data: { id: newId("pwt"), userId, tokenHash: hashToken(token), expiresAt, createdAt: now } }),
  ]);
  return { url: `${origin}${SET_PASSWORD_PATH}?token=${encodeURIComponent(token)}`, expiresAt };
}

/** The user a link is for while it is unused and unexpired (for the set-password page), else null. */
export async function findPasswordLinkUser(token: string, now = new Date()) {
  if (!token || token.length > 200) return null;
  const found = await db().passwordToken.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { user: { select: { id: true, email: true, name: true, account: { select: { disabledAt: true } } } } },
  });
  if (!found || found.usedAt || found.expiresAt <= now || found.user.account.disabledAt) return null;
  return found.user;
}

/** Sets the password and uses up the link; an unknown, used or expired link is a 404. */
export async function setPasswordWithLink(token: string, password: string, now = new Date()) {
  const passwordHash = await hashPassword(password);
  return db().$transaction(async (tx) => {
    // Marking the row used in the same statement that checks it makes a second use lose the race.
    const { count } = await tx.passwordToken.updateMany({
      where: { tokenHash: hashToken(token), usedAt: null, expiresAt: { gt: now }, user: { account: { disabledAt: null } } },
      data: { usedAt: now },
    });
    if (count === 0) throw new ApiError("not_found", "this link is invalid, expired or already used; ask your operator for a new one");
    const { userId } = await tx.passwordToken.findUniqueOrThrow({ where: { tokenHash: hashToken(token) }, select: { userId: true } });
    const user = await tx.user.update({ where: { id: userId }, data: { passwordHash }, select: { id: true, email: true } });
    await tx.passwordToken.deleteMany({ where: { userId, usedAt: null } });
    return user;
  });
}
