// Accounts (tenants) and their users.
import { z } from "zod";
import { db } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { hashPassword } from "@/lib/auth/passwords";
import type { Account, Role } from "@/lib/generated/prisma/client";
import { ApiError } from "@/lib/http/errors";

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

export const toAccountJson = (a: Pick<Account, "id" | "name" | "createdAt">) => ({ id: a.id, name: a.name, created_at: a.createdAt.toISOString() });
export type AccountJson = ReturnType<typeof toAccountJson>;

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
