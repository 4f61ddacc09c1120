// API keys: `hr_` + 32 random bytes. Only the SHA-256 of a key is stored (a key has 256 bits of
// entropy, so a fast hash is safe and keeps every API request cheap); the plaintext is shown once.
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { newId } from "@/lib/db/ids";
import type { Role } from "@/lib/generated/prisma/client";

export const createApiKeyInput = z
  .strictObject({
    name: z.string().trim().min(1, "name is required").max(100),
    role: z.enum(["admin", "member"]).default("member"),
  })
  .meta({ id: "CreateApiKey" });

export const hashApiKey = (key: string) => createHash("sha256").update(key).digest("hex");

export function generateApiKey(): string {
  return `hr_${randomBytes(32).toString("base64url")}`;
}

export interface NewApiKey {
  accountId: string;
  name: string;
  role?: Role;
  /** A caller-chosen key (BOOTSTRAP_API_KEY); generated when absent. */
  key?: string;
}

export async function createApiKey(input: NewApiKey) {
  const key = input.key ?? generateApiKey();
  const apiKey = await db().apiKey.create({
    data: {
      id: newId("key"),
      accountId: input.accountId,
      name: input.name,
      role: input.role ?? "member",
      prefix: key.slice(0, 10),
      keyHash: hashApiKey(key),
    },
  });
  return { apiKey, key };
}

export async function listApiKeys(accountId: string) {
  return db().apiKey.findMany({ where: { accountId }, orderBy: { id: "desc" } });
}

/** Revokes one of the account's keys; false when there is no such key in the account. */
export async function revokeApiKey(accountId: string, id: string): Promise<boolean> {
  const { count } = await db().apiKey.updateMany({ where: { id, accountId, revokedAt: null }, data: { revokedAt: new Date() } });
  return count > 0;
}

const LAST_USED_RESOLUTION_MS = 60_000;

/** The key's record when the key is valid and not revoked. */
export async function findActiveApiKey(key: string) {
  if (!key.startsWith("hr_") && key.length < 16) return null;
  const apiKey = await db().apiKey.findUnique({ where: { keyHash: hashApiKey(key) } });
  if (!apiKey || apiKey.revokedAt) return null;
  // Recording every use would add a write to every request; minute resolution is enough.
  if (!apiKey.lastUsedAt || Date.now() - apiKey.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    void db()
      .apiKey.update({ where: { id: apiKey.id }, data: { lastUsedAt: new Date() } })
      .catch(() => {});
  }
  return apiKey;
}

export function toApiKeyJson(k: { id: string; name: string; prefix: string; role: Role; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null }) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    role: k.role,
    created_at: k.createdAt.toISOString(),
    last_used_at: k.lastUsedAt?.toISOString() ?? null,
    revoked_at: k.revokedAt?.toISOString() ?? null,
  };
}
