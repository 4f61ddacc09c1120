// Encryption at rest for signing secrets (webhooks, integrations): AES-256-GCM with the key
// from SECRETS_ENCRYPTION_KEY. Stored as `v1:<iv>:<tag>:<ciphertext>` (base64) so the scheme
// can change later without guessing.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { config } from "@/lib/config";

let cachedKey: { source: string; key: Buffer } | undefined;

function encryptionKey(): Buffer {
  const source = config().secretsEncryptionKey;
  if (!source) throw new Error("SECRETS_ENCRYPTION_KEY is not set: start Hookrelay with `npm start`, which generates one");
  if (cachedKey?.source !== source) {
    const raw = Buffer.from(source, "base64");
    // A 32-byte base64 key is used as is; any other string is stretched to 32 bytes.
    cachedKey = { source, key: raw.length === 32 ? raw : createHash("sha256").update(source).digest() };
  }
  return cachedKey.key;
}

export function encryptSecret(plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", encryptionKey(), iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64"), cipher.getAuthTag().toString("base64"), ciphertext.toString("base64")].join(":");
}

export function decryptSecret(stored: string): string {
  const [version, iv, tag, ciphertext] = stored.split(":");
  if (version !== "v1" || !iv || !tag || ciphertext === undefined) throw new Error("unknown secret encoding");
  const decipher = createDecipheriv("aes-256-gcm", encryptionKey(), Buffer.from(iv, "base64"));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64")), decipher.final()]).toString("utf8");
}

/** A new signing secret in the Standard Webhooks format: `whsec_` + base64 of 32 random bytes. */
export function generateSigningSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}
