// Browser sign-in: next-auth 4 with email + password (credentials) and JWT sessions. The
// session carries the user's account and role; `sessionPrincipal` reads it from the cookie
// of a plain `Request`, so route handlers and tests need no Next.js request scope.
import { getServerSession, type NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { decode } from "next-auth/jwt";
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { verifyPassword } from "@/lib/auth/passwords";
import { accountDisabled, ACCOUNT_DISABLED_SIGN_IN } from "@/lib/auth/account-disabled";
import type { Principal } from "@/lib/auth/principal";

export const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

export function authSecret(): string {
  const secret = config().authSecret;
  if (!secret) throw new Error("NEXTAUTH_SECRET is not set: start Hookrelay with `npm start`, which generates one");
  return secret;
}

export function authOptions(): NextAuthOptions {
  return {
    secret: authSecret(),
    session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
    pages: { signIn: "/sign-in" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials) {
          const email = credentials?.email?.trim().toLowerCase();
          if (!email || !credentials?.password) return null;
          const user = await db().user.findUnique({ where: { email }, include: { account: { select: { disabledAt: true } } } });
          if (!user || !(await verifyPassword(credentials.password, user.passwordHash))) return null;
          // next-auth hands the message to the sign-in form as `error`.
          if (user.account.disabledAt) throw new Error(ACCOUNT_DISABLED_SIGN_IN);
          return { id: user.id, email: user.email, name: user.name ?? user.email, accountId: user.accountId, role: user.role };
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) {
          const u = user as unknown as { accountId: string; role: string };
          token.accountId = u.accountId;
          token.role = u.role;
        }
        return token;
      },
      session({ session, token }) {
        return { ...session, user: { ...session.user, id: token.sub, accountId: token.accountId, role: token.role } };
      },
    },
  };
}

function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return decodeURIComponent(value.join("="));
  }
  return undefined;
}

export function hasSessionCookie(request: Request): boolean {
  const header = request.headers.get("cookie");
  return SESSION_COOKIES.some((name) => readCookie(header, name) !== undefined);
}

/**
 * The session's user as stored now, for the pages: the role and account may have changed
 * since sign-in, and the user may have been removed (null) or their account disabled.
 */
export async function currentSessionUser(userId: string | undefined) {
  if (!userId) return null;
  const user = await db().user.findUnique({
    where: { id: userId },
    select: { id: true, email: true, role: true, accountId: true, account: { select: { disabledAt: true } } },
  });
  return user && { id: user.id, email: user.email, role: user.role, accountId: user.accountId, accountDisabled: user.account.disabledAt !== null };
}

/** Whether the page is viewed by a signed-in admin (operator) as stored now: operator-only pages 404 for everyone else. */
export async function sessionIsAdmin(): Promise<boolean> {
  const session = await getServerSession(authOptions());
  const user = await currentSessionUser((session?.user as { id?: string } | undefined)?.id);
  return user?.role === "admin" && !user.accountDisabled;
}

/** The signed-in user behind the request's session cookie, or null. */
export async function sessionPrincipal(request: Request): Promise<Principal | null> {
  const header = request.headers.get("cookie");
  for (const name of SESSION_COOKIES) {
    const token = readCookie(header, name);
    if (!token) continue;
    const payload = await decode({ token, secret: authSecret() }).catch(() => null);
    if (!payload?.sub) continue;
    const user = await db().user.findUnique({ where: { id: payload.sub }, include: { account: { select: { disabledAt: true } } } });
    if (!user) continue;
    if (user.account.disabledAt) throw accountDisabled();
    return { kind: "session", subjectId: user.id, accountId: user.accountId, role: user.role };
  }
  return null;
}
