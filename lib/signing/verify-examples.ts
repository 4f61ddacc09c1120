// How a receiver verifies each signature profile, in Node.js. docs/signature-profiles.md quotes
// this file verbatim and lib/signing/sign-request.test.ts runs it against signRequest's output,
// so the documented snippets are known to work. It depends on node:crypto and the
// `standardwebhooks` npm package only, so a receiver can copy it as is.
import { createHmac, timingSafeEqual } from "node:crypto";
import { Webhook } from "standardwebhooks";

type Headers = Record<string, string>;

/** Header lookup ignoring case (Node lower-cases incoming header names). */
function header(headers: Headers, name: string): string {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return "";
}

/** Hex HMAC-SHA256 of the raw body, keyed by the secret string exactly as shown to you. */
function hmacHex(secret: string, rawBody: string): string {
  return createHmac("sha256", secret).update(rawBody, "utf8").digest("hex");
}

/** Constant-time string comparison; timingSafeEqual throws on different lengths. */
function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A generated secret: `whsec_` + base64. */
const WHSEC_BASE64 = /^whsec_(?=.)(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** `standard`: Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature). */
export function verifyStandard(rawBody: string, headers: Headers, secret: string): boolean {
  // The library decodes a generated `whsec_…` secret itself. A secret you chose is keyed by its
  // UTF-8 bytes: pass a Buffer, because with `format: "raw"` a string is read as UTF-16 code units.
  const webhook = WHSEC_BASE64.test(secret) ? new Webhook(secret) : new Webhook(Buffer.from(secret, "utf8"), { format: "raw" });
  try {
    // Accepts any one of the space-separated `v1,` signatures and rejects a timestamp more than
    // 5 minutes away from now.
    webhook.verify(rawBody, headers);
    return true;
  } catch {
    return false;
  }
}

/** `omnisales`: X-Webhook-Signature is the bare hex HMAC of the body; X-Webhook-Timestamp within 5 minutes. */
export function verifyOmnisales(rawBody: string, headers: Headers, secret: string): boolean {
  const timestamp = Number(header(headers, "X-Webhook-Timestamp"));
  const nowSeconds = Math.floor(Date.now() / 1000);
  if (!Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > 300) return false;
  return safeEqual(header(headers, "X-Webhook-Signature"), hmacHex(secret, rawBody));
}

/** `sha256`: X-Webhook-Signature is `sha256=` + the hex HMAC of the body. */
export function verifySha256(rawBody: string, headers: Headers, secret: string): boolean {
  return safeEqual(header(headers, "X-Webhook-Signature"), `sha256=${hmacHex(secret, rawBody)}`);
}

/** `auraconnect`: X-AuraConnect-Signature is `sha256=` + the hex HMAC of the body. */
export function verifyAuraconnect(rawBody: string, headers: Headers, secret: string): boolean {
  return safeEqual(header(headers, "X-AuraConnect-Signature"), `sha256=${hmacHex(secret, rawBody)}`);
}
