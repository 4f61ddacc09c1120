// Accounts, users and API keys for tests, made through the same functions the app uses.
import { createApiKey } from "@/lib/auth/api-keys";
import { createAccount } from "@/lib/accounts/accounts";
import type { Role } from "@/lib/generated/prisma/client";

let counter = 0;

export async function newAccount(role: Role = "member") {
  counter += 1;
  const account = await createAccount(`Test account ${counter}`);
  const { key, apiKey } = await createApiKey({ accountId: account.id, name: "test", role });
  return { account, key, apiKey };
}
