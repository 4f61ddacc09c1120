// The webhook columns an attempt needs (URL, secrets, policy…), read once per version of the
// webhook's row instead of with every claimed delivery: a claim returns each row's webhook
// version, and only a webhook not seen at that version is read. The version is the row's
// `xmin`, which every UPDATE of the row changes, whoever writes it (docs/engine.md, "The claim").
import { sql } from "@/lib/db/client";

export interface WebhookSettings {
  url: string;
  isActive: boolean;
  signatureProfile: string;
  retryPolicy: unknown;
  timeoutMs: number;
  ipWhitelist: string[];
  headers: Record<string, string>;
  rateLimitPerHour: number | null;
  debugMode: boolean;
  secretCiphertext: string;
  previousSecretCiphertext: string | null;
  previousSecretExpiresAt: Date | null;
  failingSince: Date | null;
}

/** The settings as columns of `webhooks w` (also read with every row by the non-hot statements). */
export const WEBHOOK_SETTINGS_COLUMNS = `w.url, w.is_active AS "isActive", w.signature_profile AS "signatureProfile",
  w.retry_policy AS "retryPolicy", w.timeout_ms AS "timeoutMs", w.ip_whitelist AS "ipWhitelist", w.headers,
  w.rate_limit_per_hour AS "rateLimitPerHour", w.debug_mode AS "debugMode", w.secret_ciphertext AS "secretCiphertext",
  w.previous_secret_ciphertext AS "previousSecretCiphertext", w.previous_secret_expires_at AT TIME ZONE 'UTC' AS "previousSecretExpiresAt",
  w.failing_since AT TIME ZONE 'UTC' AS "failingSince"`;

/** A webhook row's version, as SQL over `webhooks w`. */
export const WEBHOOK_VERSION = `w.xmin::text`;

/** Webhooks remembered; past this the oldest read goes first (a busy engine serves far fewer at once). */
const CACHE_SIZE = 4096;
const cache = new Map<string, { version: string; settings: WebhookSettings }>();

async function readSettings(ids: string[]): Promise<void> {
  const { rows } = await sql().query<WebhookSettings & { id: string; version: string }>({
    name: "hookrelay_webhook_settings",
    text: `SELECT w.id, ${WEBHOOK_VERSION} AS version, ${WEBHOOK_SETTINGS_COLUMNS} FROM webhooks w WHERE w.id = ANY($1::text[])`,
    values: [ids],
  });
  // A webhook asked for and not found was deleted: its older settings must not answer for it.
  for (const id of ids) cache.delete(id);
  for (const { id, version, ...settings } of rows) {
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    cache.set(id, { version, settings });
  }
}

/**
 * Each webhook's settings at (at least) the version given: read in one statement for those not
 * cached at that version. A webhook missing from the answer was deleted meanwhile.
 */
export async function webhookSettings(versions: Map<string, string>): Promise<Map<string, WebhookSettings>> {
  const stale: string[] = [];
  for (const [id, version] of versions) if (cache.get(id)?.version !== version) stale.push(id);
  if (stale.length > 0) await readSettings(stale);
  const found = new Map<string, WebhookSettings>();
  for (const id of versions.keys()) {
    const cached = cache.get(id);
    if (cached) found.set(id, cached.settings);
  }
  return found;
}
