// Accounts (tenants) and their users. Operators (admins) create, rename, brand, disable and
// delete merchant accounts; the account an operator works from cannot be deleted or disabled,
// and no change may leave Hookrelay without a signed-in way back (an admin user).
import { z } from "zod";
import { db } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { hashPassword } from "@/lib/auth/passwords";
import type { Principal } from "@/lib/auth/principal";
import { Prisma, type Account, type Role } from "@/lib/generated/prisma/client";
import { ApiError, notFound } from "@/lib/http/errors";
import { portalBrandingInput, toPortalBranding } from "@/lib/accounts/portal-branding";

export const createAccountInput = z
  .strictObject({
    name: z.string().trim().min(1, "name is required").max(100),
    member_email: z.email("not an email address").max(254).optional(),
    member_password: z.string().min(8, "a password needs at least 8 characters").max(200).optional(),
    member_name: z.string().trim().max(100).optional(),
  })
  .refine((b) => (b.member_email === undefined) === (b.member_password === undefined), {
    message: "send member_email and member_password together",
    path: ["member_password"],
  })
  .meta({ id: "CreateAccount" });

export async function createAccount(name: string) {
  return db().account.create({ data: { id: newId("acct"), name } });
}

/** A merchant's account with its first member user; an email already in use is a 409 (never a takeover). */
export async function createAccountWithMember(input: { name: string; email: string; password: string; memberName?: string }) {
  const email = input.email.trim().toLowerCase();
  if (await db().user.findUnique({ where: { email }, select: { id: true } })) {
    throw new ApiError("conflict", "a user with this email already exists", [{ path: "member_email", message: "already in use" }]);
  }
  const passwordHash = await hashPassword(input.password);
  return db().$transaction(async (tx) => {
    const account = await tx.account.create({ data: { id: newId("acct"), name: input.name } });
    const user = await tx.user.create({
      data: { id: newId("usr"), accountId: account.id, email, name: input.memberName ?? null, passwordHash, role: "member" },
    });
    return { account, user };
  });
}

export async function listAccounts() {
  return db().account.findMany({ orderBy: { createdAt: "asc" } });
}

export const toAccountJson = (a: Pick<Account, "id" | "name" | "createdAt" | "portalBranding" | "disabledAt">) => ({
  id: a.id,
  name: a.name,
  portal_branding: toPortalBranding(a.portalBranding),
  disabled: a.disabledAt !== null,
  disabled_at: a.disabledAt?.toISOString() ?? null,
  created_at: a.createdAt.toISOString(),
});
export type AccountJson = ReturnType<typeof toAccountJson>;

export const updateAccountInput = z
  .strictObject({
    name: z.string().trim().min(1, "name is required").max(100).optional(),
    portal_branding: portalBrandingInput.nullable().optional(),
    disabled: z.boolean().optional(),
  })
  .meta({ id: "UpdateAccount" });

export async function getAccount(id: string) {
  const account = await db().account.findUnique({ where: { id } });
  if (!account) throw notFound("account");
  return account;
}

/**
 * Refuses (409) to delete or disable the account the caller works from, or the one account
 * whose admin users are the only ones left: either would lock the operators out.
 */
async function assertOperatorsKeepAccess(principal: Principal, accountId: string, action: "delete" | "disable") {
  if (accountId === principal.accountId) throw new ApiError("conflict", `you cannot ${action} the account you are signed in with (your operator account)`);
  const [here, elsewhere] = await Promise.all([
    db().user.count({ where: { accountId, role: "admin" } }),
    db().user.count({ where: { accountId: { not: accountId }, role: "admin", account: { disabledAt: null } } }),
  ]);
  if (here > 0 && elsewhere === 0) throw new ApiError("conflict", `this account holds the only admin users: you cannot ${action} it`);
}

export async function updateAccount(principal: Principal, id: string, input: z.output<typeof updateAccountInput>) {
  const account = await getAccount(id);
  const data: Prisma.AccountUpdateInput = {};
  if (input.name !== undefined) data.name = input.name;
  if (input.portal_branding !== undefined) {
    data.portalBranding = input.portal_branding === null ? Prisma.DbNull : { display_name: null, accent_color: null, logo_url: null, ...input.portal_branding };
  }
  if (input.disabled === true && !account.disabledAt) {
    await assertOperatorsKeepAccess(principal, id, "disable");
    data.disabledAt = new Date();
  }
  if (input.disabled === false) data.disabledAt = null;
  if (Object.keys(data).length === 0) return account;
  return db().account.update({ where: { id }, data });
}

/**
 * Deletes the account and everything it owns: webhooks, events, deliveries, users and keys by
 * ON DELETE CASCADE, and its attempts (by webhook, their index) in the same statement: they
 * have no foreign key (migration 0015).
 */
export async function deleteAccount(principal: Principal, id: string) {
  await getAccount(id);
  await assertOperatorsKeepAccess(principal, id, "delete");
  await db().$executeRaw`
    WITH acct AS (DELETE FROM accounts WHERE id = ${id}),
         a AS (DELETE FROM attempts WHERE webhook_id IN (SELECT w.id FROM webhooks w WHERE w.account_id = ${id}))
    SELECT 1`;
}

/** Creates the user, or sets the password and role of the existing user with that email (start-up bootstrap). */
export async function upsertUser(input: { accountId: string; email: string; password: string; role: Role; name?: string }) {
  const email = input.email.trim().toLowerCase();
  const passwordHash = await hashPassword(input.password);
  return db().user.upsert({
    where: { email },
    create: { id: newId("usr"), accountId: input.accountId, email, name: input.name ?? null, passwordHash, role: input.role },
    update: { passwordHash, role: input.role },
  });
}
