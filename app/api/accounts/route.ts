// Accounts (tenants), for operators: the UI's account switcher lists them, and an operator
// creates a merchant's account here, optionally with its first member user.
import { z } from "zod";
import { createAccount, listAccounts } from "@/lib/accounts/accounts";
import { hashPassword } from "@/lib/auth/passwords";
import { db } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import { ApiError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { created, ok } from "@/lib/http/responses";

const createAccountInput = z
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

const toAccountJson = (a: { id: string; name: string; createdAt: Date }) => ({ id: a.id, name: a.name, created_at: a.createdAt.toISOString() });

export const GET = route({ auth: "admin" }, async () => ok((await listAccounts()).map(toAccountJson)));

export const POST = route({ auth: "admin", body: createAccountInput }, async ({ body }) => {
  if (!body.member_email) return created(toAccountJson(await createAccount(body.name)));
  const email = body.member_email.trim().toLowerCase();
  // A new member must not take over an existing user (upsertUser would reset its password).
  if (await db().user.findUnique({ where: { email }, select: { id: true } })) {
    throw new ApiError("conflict", "a user with this email already exists", [{ path: "member_email", message: "already in use" }]);
  }
  const passwordHash = await hashPassword(body.member_password!);
  const { account, user } = await db().$transaction(async (tx) => {
    const account = await tx.account.create({ data: { id: newId("acct"), name: body.name } });
    const user = await tx.user.create({
      data: { id: newId("usr"), accountId: account.id, email, name: body.member_name ?? null, passwordHash, role: "member" },
    });
    return { account, user };
  });
  return created({ ...toAccountJson(account), member: { id: user.id, email: user.email, role: user.role } });
});
