// The users of an account, managed by operators: add one (with a password, or with a one-time
// link to set it), rename, change role, send a new password link, remove. An email belongs to
// one user in all of Hookrelay (409), and an account with admin users keeps at least one (409):
// admins are the operators, and the last one must not lock everyone out.
import { z } from "zod";
import { db } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { hashPassword } from "@/lib/auth/passwords";
import { issuePasswordLink, NO_PASSWORD, passwordInput, type PasswordLink } from "@/lib/auth/password-tokens";
import type { Prisma, Role, User } from "@/lib/generated/prisma/client";
import { ApiError, notFound } from "@/lib/http/errors";

const role = z.enum(["admin", "member"], "role is `admin` or `member`");

export const addUserInput = z
  .strictObject({
    email: z.email("not an email address").max(254),
    name: z.string().trim().max(100).nullable().optional(),
    role,
    password: passwordInput.optional(),
  })
  .meta({ id: "AddUser" });

export const updateUserInput = z
  .strictObject({
    name: z.string().trim().max(100).nullable().optional(),
    role: role.optional(),
    reset_password: z.literal(true, "reset_password is `true` or left out").optional(),
  })
  .meta({ id: "UpdateUser" });

type UserRow = Pick<User, "id" | "accountId" | "email" | "name" | "role" | "passwordHash" | "createdAt">;

export function toUserJson(u: UserRow, link?: PasswordLink) {
  return {
    id: u.id,
    account_id: u.accountId,
    email: u.email,
    name: u.name,
    role: u.role,
    password_set: u.passwordHash !== NO_PASSWORD,
    created_at: u.createdAt.toISOString(),
    ...(link ? { set_password_url: link.url, set_password_expires_at: link.expiresAt.toISOString() } : {}),
  };
}

export async function listUsers(accountId: string) {
  return db().user.findMany({ where: { accountId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
}

async function findUser(accountId: string, userId: string) {
  const user = await db().user.findFirst({ where: { id: userId, accountId } });
  if (!user) throw notFound("user");
  return user;
}

/** Adds a user; without a password the answer carries a one-time link to set one. `origin`: where the app is served. */
export async function addUser(accountId: string, input: z.output<typeof addUserInput>, origin: string) {
  const email = input.email.trim().toLowerCase();
  if (await db().user.findUnique({ where: { email }, select: { id: true } })) {
    throw new ApiError("conflict", "a user with this email already exists", [{ path: "email", message: "already in use" }]);
  }
  const passwordHash = input.password ? await hashPassword(input.password) : NO_PASSWORD;
  const user = await db().user.create({ data: { id: newId("usr"), accountId, email, name: input.name ?? null, role: input.role, passwordHash } });
  const link = input.password ? undefined : await issuePasswordLink(user.id, origin);
  return { user, link };
}

/** The account's admin users, locked until the transaction ends, so two removals cannot both take "the other" admin. */
async function lockedAdminIds(tx: Prisma.TransactionClient, accountId: string): Promise<string[]> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM users WHERE account_id = ${accountId} AND role = 'admin' ORDER BY id FOR UPDATE`;
  return rows.map((r) => r.id);
}

function refuseLastAdmin(user: UserRow, admins: string[], action: string) {
  if (user.role === "admin" && admins.length === 1 && admins[0] === user.id) {
    throw new ApiError("conflict", `${user.email} is the last admin of this account: make another user an admin before you ${action} them`);
  }
}

export async function updateUser(accountId: string, userId: string, input: z.output<typeof updateUserInput>, origin: string) {
  await findUser(accountId, userId);
  const user = await db().$transaction(async (tx) => {
    const admins = input.role === "member" ? await lockedAdminIds(tx, accountId) : [];
    const current = await tx.user.findFirstOrThrow({ where: { id: userId, accountId } });
    if (input.role === "member") refuseLastAdmin(current, admins, "demote");
    const data: Prisma.UserUpdateInput = {};
    if (input.name !== undefined) data.name = input.name;
    if (input.role !== undefined) data.role = input.role as Role;
    return Object.keys(data).length === 0 ? current : tx.user.update({ where: { id: userId }, data });
  });
  const link = input.reset_password ? await issuePasswordLink(user.id, origin) : undefined;
  return { user, link };
}

export async function removeUser(accountId: string, userId: string) {
  await findUser(accountId, userId);
  await db().$transaction(async (tx) => {
    const admins = await lockedAdminIds(tx, accountId);
    const current = await tx.user.findFirstOrThrow({ where: { id: userId, accountId } });
    refuseLastAdmin(current, admins, "remove");
    await tx.user.delete({ where: { id: userId } });
  });
}
