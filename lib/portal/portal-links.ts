// Portal links: signed, expiring URLs that open one account's merchant portal. The token in the
// URL is the whole credential — `v1.<claims>.<hmac>`, claims `{a: account id, c: capability,
// e: expiry in unix seconds}` — signed with a key derived from the app's auth secret, so no
// table is needed and a link cannot be widened to another account, capability or expiry.
// The portal's pages send it back as `Authorization: Portal <token>` (never a cookie: the portal
// runs in cross-site iframes, where cookies are not sent back).
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { authSecret } from "@/lib/auth/session";
import { db } from "@/lib/db/client";
import { ApiError } from "@/lib/http/errors";

export const PORTAL_CAPABILITIES = ["view", "manage"] as const;
export type PortalCapability = (typeof PORTAL_CAPABILITIES)[number];

export const MAX_PORTAL_LINK_SECONDS = 7 * 24 * 3600;

export const createPortalLinkInput = z
  .strictObject({
    account_id: z.string().min(1, "account_id is required").max(100),
    capability: z.enum(PORTAL_CAPABILITIES),
    expires_in: z
      .number()
      .int("expires_in is a whole number of seconds")
      .min(1, "expires_in is at least 1 second")
      .max(MAX_PORTAL_LINK_SECONDS, "expires_in is at most 604800 seconds (7 days)")
      .default(3600),
  })
  .meta({ id: "CreatePortalLink" });

export interface PortalClaims {
  accountId: string;
  capability: PortalCapability;
  expiresAt: Date;
}

export type PortalTokenCheck = { ok: true; claims: PortalClaims } | { ok: false; reason: "invalid" | "expired" };

const TOKEN_VERSION = "v1";

/** A key of its own for portal links, so a portal signature can never pass as a session's. */
function signingKey(): Buffer {
  return createHmac("sha256", authSecret()).update("hookrelay portal link signing key v1").digest();
}

const sign = (text: string) => createHmac("sha256", signingKey()).update(text).digest("base64url");

export function signPortalToken(claims: PortalClaims): string {
  const body = Buffer.from(
    JSON.stringify({ a: claims.accountId, c: claims.capability, e: Math.floor(claims.expiresAt.getTime() / 1000), n: randomBytes(6).toString("base64url") }),
  ).toString("base64url");
  const text = `${TOKEN_VERSION}.${body}`;
  return `${text}.${sign(text)}`;
}

const claimsShape = z.object({ a: z.string().min(1), c: z.enum(PORTAL_CAPABILITIES), e: z.number().int() });

/** Checks the signature first (nothing unsigned is parsed), then the expiry. */
export function verifyPortalToken(token: string, now = new Date()): PortalTokenCheck {
  const [version, body, signature, ...rest] = token.split(".");
  if (version !== TOKEN_VERSION || !body || !signature || rest.length > 0) return { ok: false, reason: "invalid" };
  const expected = Buffer.from(sign(`${version}.${body}`));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "invalid" };
  let parsed: z.infer<typeof claimsShape>;
  try {
    parsed = claimsShape.parse(JSON.parse(Buffer.from(body, "base64url").toString("utf8")));
  } catch {
    return { ok: false, reason: "invalid" };
  }
  const claims = { accountId: parsed.a, capability: parsed.c, expiresAt: new Date(parsed.e * 1000) };
  if (claims.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: "expired" };
  return { ok: true, claims };
}

/** The account behind a portal link, or why the link opens nothing (also a disabled account). */
export async function openPortalToken(token: string) {
  const check = verifyPortalToken(token);
  if (!check.ok) return check;
  const account = await db().account.findUnique({ where: { id: check.claims.accountId } });
  if (!account || account.disabledAt) return { ok: false as const, reason: "invalid" as const };
  return { ok: true as const, claims: check.claims, account };
}

export interface PortalLinkRequest {
  accountId: string;
  capability: PortalCapability;
  expiresIn: number;
  /** The caller's own account and role: a member may link only its own account. */
  caller: { accountId: string; role: "admin" | "member" };
  /** Where the app is reached, e.g. `https://hooks.example.com`. */
  origin: string;
}

export async function createPortalLink(input: PortalLinkRequest) {
  if (input.caller.role !== "admin" && input.accountId !== input.caller.accountId) throw new ApiError("not_found", "account not found");
  const account = await db().account.findUnique({ where: { id: input.accountId }, select: { id: true, disabledAt: true } });
  if (!account) throw new ApiError("not_found", "account not found");
  if (account.disabledAt) throw new ApiError("conflict", "this account is disabled: it cannot have portal links");
  const expiresAt = new Date(Math.floor(Date.now() / 1000) * 1000 + input.expiresIn * 1000);
  const token = signPortalToken({ accountId: account.id, capability: input.capability, expiresAt });
  return { url: `${input.origin}/portal/${token}`, expiresAt };
}
