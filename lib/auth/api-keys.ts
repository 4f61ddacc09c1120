// API keys: `hr_` + 32 random bytes. Only the SHA-256 of a key is stored (a key has 256 bits of
// entropy, so a fast hash is safe and keeps every API request cheap); the plaintext is shown once.
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { batched } from "@/lib/db/batched";
import { db, sql } from "@/lib/db/client";
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

/** Recording every use would add a write to every request; minute resolution is enough. */
const LAST_USED_RESOLUTION = "1 minute";

// Every API request runs this lookup, so it is raw SQL on the shared pool (through Prisma it
// cost ~0.5 ms of CPU a request: query compilation and result mapping), and the lookups of
// concurrent requests share one statement (lib/db/batched.ts).
const FIND_KEYS = `
  SELECT k.key_hash AS "keyHash", k.id, k.account_id AS "accountId", k.role::text AS role, a.disabled_at IS NOT NULL AS "accountDisabled",
         k.last_used_at IS NULL OR k.last_used_at < (now() AT TIME ZONE 'UTC') - interval '${LAST_USED_RESOLUTION}' AS "staleUse"
  FROM api_keys k JOIN accounts a ON a.id = k.account_id
  WHERE k.key_hash = ANY($1::text[]) AND k.revoked_at IS NULL`;
const TOUCH_KEY = `UPDATE api_keys SET last_used_at = now() AT TIME ZONE 'UTC' WHERE id = $1`;

export interface ActiveApiKey {
  id: string;
  accountId: string;
  role: Role;
  /** The key's account is disabled: the caller is known, but refused. */
  accountDisabled: boolean;
}

type FoundKey = ActiveApiKey & { keyHash: string; staleUse: boolean };

const findKeysByHash = batched(
  async (hashes: string[]) => {
    const { rows } = await sql().query<FoundKey>({ name: "hookrelay_find_api_keys", text: FIND_KEYS, values: [[...new Set(hashes)]] });
    const byHash = new Map(rows.map((row) => [row.keyHash, row]));
    return hashes.map((hash) => byHash.get(hash) ?? null);
  },
  { maxBatch: 100 },
);

/** The key's id, account and role when the key is valid and not revoked. */
export async function findActiveApiKey(key: string): Promise<ActiveApiKey | null> {
  if (!key.startsWith("hr_") && key.length < 16) return null;
  const found = await findKeysByHash(hashApiKey(key));
  if (!found) return null;
  if (found.staleUse) void sql().query({ name: "hookrelay_touch_api_key", text: TOUCH_KEY, values: [found.id] }).catch(() => {});
  return { id: found.id, accountId: found.accountId, role: found.role, accountDisabled: found.accountDisabled };
}

/** An API key as the API returns it; the key itself only right after it is created. */
export function toApiKeyJson(k: { id: string; name: string; prefix: string; role: Role; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null }, options: { key?: string } = {}) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    role: k.role,
    created_at: k.createdAt.toISOString(),
    last_used_at: k.lastUsedAt?.toISOString() ?? null,
    revoked_at: k.revokedAt?.toISOString() ?? null,
    ...(options.key ? { key: options.key } : {}),
  };
}

export type ApiKeyJson = ReturnType<typeof toApiKeyJson>;
