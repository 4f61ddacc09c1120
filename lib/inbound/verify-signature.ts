// The inbound signature of seed 000: `X-Webhook-Signature: sha256=<hex>` where hex is the
// HMAC-SHA256 of the raw request body keyed with the UTF-8 bytes of the integration's secret
// (Python: `hmac.new(webhook_secret.encode(), payload_bytes, hashlib.sha256).hexdigest()`).
// Compared in constant time, as the seed's `hmac.compare_digest` does.
import { createHmac, timingSafeEqual } from "node:crypto";

export const SIGNATURE_PREFIX = "sha256=";

/** `sha256=<lowercase hex>` of `body` under `secret`. */
export function inboundSignature(secret: string, body: Uint8Array): string {
  return SIGNATURE_PREFIX + createHmac("sha256", Buffer.from(secret, "utf8")).update(body).digest("hex");
}

/**
 * True when `received` is exactly the signature of `body` under `secret`. A missing header, a
 * different prefix or a different length is false without a short-circuiting string compare,
 * so the time taken says nothing about how much of the signature was right.
 */
export function verifyInboundSignature(secret: string, body: Uint8Array, received: string | null | undefined): boolean {
  const expected = Buffer.from(inboundSignature(secret, body), "utf8");
  const given = Buffer.from(received ?? "", "utf8");
  if (given.length !== expected.length) {
    // Still spend one comparison, so a wrong length costs what a wrong signature costs.
    timingSafeEqual(expected, expected);
    return false;
  }
  return timingSafeEqual(given, expected);
}
