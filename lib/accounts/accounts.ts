// Accounts (tenants) and their users.
import { db } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { hashPassword } from "@/lib/auth/passwords";
import type { Role } from "@/lib/generated/prisma/client";

export async function createAccount(name: string) {
  return db().account.create({ data: { id: newId("acct"), name } });
}

export async function listAccounts() {
  return db().account.findMany({ orderBy: { createdAt: "asc" } });
}

/** Creates the user, or sets the password and role of the existing user with that email. */
export async function upsertUser(input: { accountId: string; email: string; password: string; role: Role; name?: string }) {
  const email = input.email.trim().toLowerCase();
  const passwordHash = await hashPassword(input.password);
  return db().user.upsert({
    where: { email },
    create: { id: newId("usr"), accountId: input.accountId, email, name: input.name ?? null, passwordHash, role: input.role },
    update: { passwordHash, role: input.role },
  });
}
