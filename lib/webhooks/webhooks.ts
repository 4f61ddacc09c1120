// Webhooks (endpoints): create, read, change, delete and rotate their secrets, always inside
// one account. Secrets are encrypted at rest and returned only by create and rotate.
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { belowCursor, toPage } from "@/lib/db/pagination";
import { newId } from "@/lib/db/ids";
import { Prisma, type Webhook } from "@/lib/generated/prisma/client";
import { ApiError, notFound } from "@/lib/http/errors";
import { announcePendingDeliveries } from "@/lib/engine/announce";
import { WORK_CHANNEL } from "@/lib/engine/work-channel";
import { decryptSecret, encryptSecret, generateSigningSecret } from "@/lib/webhooks/secret-box";
import { resolveAllowedAddresses } from "@/lib/webhooks/url-guard";
import type { RetryPolicy } from "@/lib/delivery/retry-policy";
import { defaultWebhookName, MAX_WEBHOOKS_PER_ACCOUNT, type CreateWebhookInput, type UpdateWebhookInput, type WebhookFilters, type WebhookHeaders } from "@/lib/webhooks/webhook-input";

export const SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;

/**
 * Refuses a URL whose host is, or resolves to, an address the webhook may not reach. A host
 * that does not resolve yet is accepted: DNS can change, and every attempt checks again.
 */
async function assertReachableUrl(url: string, ipWhitelist: string[]) {
  const result = await resolveAllowedAddresses(url, { allowPrivateNetworks: config().allowPrivateNetworks, ipWhitelist });
  if (!result.ok && result.problem.code !== "unresolvable") {
    throw new ApiError("validation_error", "invalid request body", [{ path: "url", message: result.problem.message }]);
  }
}

const jsonOrNull = (value: unknown) => (value === null || value === undefined ? Prisma.DbNull : (value as Prisma.InputJsonValue));

export async function createWebhook(accountId: string, input: CreateWebhookInput) {
  await assertReachableUrl(input.url, input.ip_whitelist);
  const secret = input.secret ?? generateSigningSecret();
  const webhook = await db().$transaction(async (tx) => {
    // Serialise creations per account so the quota cannot be overshot by concurrent requests.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${accountId}))`;
    const count = await tx.webhook.count({ where: { accountId } });
    if (count >= MAX_WEBHOOKS_PER_ACCOUNT) {
      throw new ApiError("limit_exceeded", `an account can have at most ${MAX_WEBHOOKS_PER_ACCOUNT} webhooks`);
    }
    return tx.webhook.create({
      data: {
        id: newId("wh"),
        accountId,
        name: input.name,
        url: input.url,
        description: input.description ?? null,
        events: input.events,
        filters: jsonOrNull(input.filters),
        secretCiphertext: encryptSecret(secret),
        isActive: input.is_active,
        signatureProfile: input.signature_profile,
        retryPolicy: input.retry_policy,
        timeoutMs: input.timeout_ms,
        ipWhitelist: input.ip_whitelist,
        headers: input.headers,
        rateLimitPerHour: input.rate_limit_per_hour ?? null,
        debugMode: input.debug_mode,
        ordering: input.ordering,
      },
    });
  });
  return { webhook, secret };
}

export async function listWebhooks(accountId: string, page: { limit: number; cursor?: string }) {
  const rows = await db().webhook.findMany({
    where: { accountId, ...belowCursor(page.cursor) },
    orderBy: { id: "desc" },
    take: page.limit + 1,
  });
  return toPage(rows, page.limit);
}

export async function getWebhook(accountId: string, id: string): Promise<Webhook> {
  const webhook = await db().webhook.findFirst({ where: { id, accountId } });
  if (!webhook) throw notFound("webhook");
  return webhook;
}

/** Applies a PUT or a PATCH: only the fields given change; a `null` name is the URL's host again. */
export async function updateWebhook(accountId: string, id: string, input: UpdateWebhookInput): Promise<Webhook> {
  const current = await getWebhook(accountId, id);
  if (input.url !== undefined || input.ip_whitelist !== undefined) {
    await assertReachableUrl(input.url ?? current.url, input.ip_whitelist ?? current.ipWhitelist);
  }
  const data: Prisma.WebhookUpdateInput = {
    name: input.name === null ? defaultWebhookName(input.url ?? current.url) : input.name,
    url: input.url,
    description: input.description,
    events: input.events,
    filters: input.filters === undefined ? undefined : jsonOrNull(input.filters),
    signatureProfile: input.signature_profile,
    retryPolicy: input.retry_policy,
    timeoutMs: input.timeout_ms,
    ipWhitelist: input.ip_whitelist,
    headers: input.headers,
    rateLimitPerHour: input.rate_limit_per_hour,
    debugMode: input.debug_mode,
    ordering: input.ordering,
  };
  if (input.is_active !== undefined && input.is_active !== current.isActive) {
    data.isActive = input.is_active;
    // Re-enabling clears the automatic-disable reason and the failure streak.
    if (input.is_active) Object.assign(data, { disabledReason: null, disabledAt: null, failingSince: null });
    else Object.assign(data, { disabledReason: "disabled by a user", disabledAt: new Date() });
  }
  const webhook = await db().webhook.update({ where: { id: current.id }, data });
  if (data.isActive === true) await resumeParkedDeliveries(webhook.id);
  return webhook;
}

/** Parked deliveries of a re-enabled webhook become due now. */
async function resumeParkedDeliveries(webhookId: string) {
  await db().delivery.updateMany({ where: { webhookId, status: "pending" }, data: { nextAttemptAt: new Date() } });
  await db().$executeRaw`SELECT pg_notify(${WORK_CHANNEL}, 'delivery')`;
  await announcePendingDeliveries(webhookId);
}

/**
 * Deletes the webhook with its deliveries and dead letters (ON DELETE CASCADE) and its attempts,
 * which have no foreign key (migration 0015): one statement, so both or neither.
 */
export async function deleteWebhook(accountId: string, id: string): Promise<void> {
  const [{ deleted }] = await db().$queryRaw<{ deleted: boolean }[]>`
    WITH w AS (DELETE FROM webhooks WHERE id = ${id} AND account_id = ${accountId} RETURNING id),
         a AS (DELETE FROM attempts WHERE webhook_id IN (SELECT id FROM w))
    SELECT EXISTS (SELECT 1 FROM w) AS deleted`;
  if (!deleted) throw notFound("webhook");
}

/** A new secret; the old one keeps signing alongside it for 24 h so receivers can switch over. */
export async function rotateWebhookSecret(accountId: string, id: string, newSecret?: string) {
  const current = await getWebhook(accountId, id);
  const secret = newSecret ?? generateSigningSecret();
  const webhook = await db().webhook.update({
    where: { id: current.id },
    data: {
      secretCiphertext: encryptSecret(secret),
      previousSecretCiphertext: current.secretCiphertext,
      previousSecretExpiresAt: new Date(Date.now() + SECRET_OVERLAP_MS),
    },
  });
  return { webhook, secret };
}

/** The secrets that sign a delivery now: the current one, then the previous one while it overlaps. */
export function signingSecrets(webhook: Pick<Webhook, "secretCiphertext" | "previousSecretCiphertext" | "previousSecretExpiresAt">, now = new Date()): string[] {
  const secrets = [decryptSecret(webhook.secretCiphertext)];
  if (webhook.previousSecretCiphertext && webhook.previousSecretExpiresAt && webhook.previousSecretExpiresAt > now) {
    secrets.push(decryptSecret(webhook.previousSecretCiphertext));
  }
  return secrets;
}

/** A webhook as the API returns it; the JSON columns are typed as their input schemas stored them. */
export function toWebhookJson(webhook: Webhook, options: { secret?: string } = {}) {
  return {
    id: webhook.id,
    name: webhook.name,
    url: webhook.url,
    description: webhook.description,
    events: webhook.events,
    filters: (webhook.filters ?? null) as WebhookFilters | null,
    is_active: webhook.isActive,
    disabled_reason: webhook.disabledReason,
    disabled_at: webhook.disabledAt?.toISOString() ?? null,
    signature_profile: webhook.signatureProfile,
    retry_policy: webhook.retryPolicy as RetryPolicy,
    timeout_ms: webhook.timeoutMs,
    ip_whitelist: webhook.ipWhitelist,
    headers: webhook.headers as WebhookHeaders,
    rate_limit_per_hour: webhook.rateLimitPerHour,
    debug_mode: webhook.debugMode,
    ordering: webhook.ordering as "skip_dead" | "halt",
    failing_since: webhook.failingSince?.toISOString() ?? null,
    created_at: webhook.createdAt.toISOString(),
    updated_at: webhook.updatedAt.toISOString(),
    ...(options.secret ? { secret: options.secret } : {}),
  };
}

export type WebhookJson = ReturnType<typeof toWebhookJson>;
