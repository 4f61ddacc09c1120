// The first operator and the bootstrap API key, so a fresh install can be used at once.
import { randomBytes } from "node:crypto";
import { createAccount, upsertUser } from "@/lib/accounts/accounts";
import { createApiKey, hashApiKey } from "@/lib/auth/api-keys";
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";

type Log = (message: string) => void;

const DEFAULT_ADMIN_EMAIL = "admin@hookrelay.local";

async function operatorAccountId(): Promise<string> {
  const admin = await db().user.findFirst({ where: { role: "admin" }, orderBy: { createdAt: "asc" } });
  if (admin) return admin.accountId;
  const first = await db().account.findFirst({ orderBy: { createdAt: "asc" } });
  return (first ?? (await createAccount("Default"))).id;
}

export async function bootstrapAccounts(log: Log): Promise<void> {
  const { adminEmail, adminPassword, bootstrapApiKey } = config();
  const accountId = await operatorAccountId();

  if (adminEmail && adminPassword) {
    await upsertUser({ accountId, email: adminEmail, password: adminPassword, role: "admin" });
    log(`admin ${adminEmail} is ready (password from ADMIN_PASSWORD)`);
  } else if ((await db().user.count()) === 0) {
    const password = randomBytes(12).toString("base64url");
    await upsertUser({ accountId, email: adminEmail ?? DEFAULT_ADMIN_EMAIL, password, role: "admin" });
    log(`created the first admin: ${adminEmail ?? DEFAULT_ADMIN_EMAIL} / ${password}  (shown once; set ADMIN_PASSWORD to choose it)`);
  }

  if (bootstrapApiKey) {
    const existing = await db().apiKey.findUnique({ where: { keyHash: hashApiKey(bootstrapApiKey) } });
    if (!existing) await createApiKey({ accountId, name: "bootstrap", role: "admin", key: bootstrapApiKey });
    else if (existing.revokedAt) log("BOOTSTRAP_API_KEY was revoked and stays revoked");
    log("BOOTSTRAP_API_KEY is registered");
  }
}
