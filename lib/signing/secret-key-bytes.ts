// The HMAC key of the `standard` signature profile, derived from a webhook's signing secret.

/**
 * `whsec_` followed by canonical (padded) base64: the Standard Webhooks secret format, which
 * Hookrelay generates. Exported so the tests can pin the rule; receivers get the same regex in
 * lib/signing/verify-examples.ts.
 */
export const WHSEC_BASE64 = /^whsec_(?=.)(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * The key the `standard` profile signs with: for a `whsec_<base64>` secret the decoded bytes
 * after the prefix (what every Standard Webhooks library does); for any other string a user
 * chose — including one that starts with `whsec_` but is not base64 after it, which the
 * `standardwebhooks` library would reject — its UTF-8 bytes. The other profiles do not use
 * this: they key the HMAC with the secret string itself, as the seeds' sample code does.
 */
export function secretKeyBytes(secret: string): Buffer {
  if (WHSEC_BASE64.test(secret)) return Buffer.from(secret.slice("whsec_".length), "base64");
  return Buffer.from(secret, "utf8");
}
