// Integrations (inbound sources): an outside system (POS, accounting, payments) identified by
// `source_system` + `user_id`, with the secret it signs its webhooks with. This module owns
// creating, reading, changing and deleting them inside one account, rotating their secrets and
// turning them into API JSON. Receiving lives in receive-inbound.ts, processing in
// process-inbound.ts, what was received (list, replay) in inbound-events.ts.
import { db } from "@/lib/db/client";
import { belowCursor, toPage } from "@/lib/db/pagination";
import { newId } from "@/lib/db/ids";
import type { Integration, Prisma } from "@/lib/generated/prisma/client";
import { ApiError, notFound } from "@/lib/http/errors";
import { encryptSecret, generateSigningSecret } from "@/lib/webhooks/secret-box";
import type { CreateIntegrationInput, UpdateIntegrationInput } from "@/lib/inbound/integration-input";

export interface IntegrationStats {
  received: number;
  processed: number;
  pending: number;
  dead: number;
}

const isUniqueClash = (error: unknown) => (error as { code?: string })?.code === "P2002";

function conflict(sourceSystem: string, userId: string) {
  return new ApiError("conflict", `an integration for source_system \`${sourceSystem}\` and user_id \`${userId}\` already exists`, [
    { path: "user_id", message: "this source_system and user_id pair is taken" },
  ]);
}

/** The path an outside system posts to (relative to the Hookrelay base URL). */
export const receivePath = (integration: Pick<Integration, "sourceSystem" | "userId">) =>
  `/v1/integrations/webhooks/${integration.sourceSystem}/${integration.userId}`;

export async function createIntegration(accountId: string, input: CreateIntegrationInput) {
  const secret = input.webhook_secret ?? generateSigningSecret();
  try {
    const integration = await db().integration.create({
      data: {
        id: newId("int"),
        accountId,
        name: input.name ?? null,
        sourceSystem: input.source_system,
        userId: input.user_id,
        secretCiphertext: encryptSecret(secret),
        forwardAs: input.forward_as ?? null,
        isActive: input.is_active,
        rateLimitPerMinute: input.rate_limit_per_minute,
      },
    });
    return { integration, secret };
  } catch (error) {
    // (source_system, user_id) is unique across all accounts: it is the receive URL.
    if (isUniqueClash(error)) throw conflict(input.source_system, input.user_id);
    throw error;
  }
}

export async function listIntegrations(accountId: string, page: { limit: number; cursor?: string }) {
  const rows = await db().integration.findMany({
    where: { accountId, ...belowCursor(page.cursor) },
    orderBy: { id: "desc" },
    take: page.limit + 1,
  });
  return toPage(rows, page.limit);
}

export async function getIntegration(accountId: string, id: string): Promise<Integration> {
  const integration = await db().integration.findFirst({ where: { id, accountId } });
  if (!integration) throw notFound("integration");
  return integration;
}

export async function updateIntegration(accountId: string, id: string, input: UpdateIntegrationInput): Promise<Integration> {
  const current = await getIntegration(accountId, id);
  const data: Prisma.IntegrationUpdateInput = {
    sourceSystem: input.source_system,
    userId: input.user_id,
    name: input.name,
    forwardAs: input.forward_as,
    isActive: input.is_active,
    rateLimitPerMinute: input.rate_limit_per_minute,
  };
  try {
    return await db().integration.update({ where: { id: current.id }, data });
  } catch (error) {
    if (isUniqueClash(error)) throw conflict(input.source_system ?? current.sourceSystem, input.user_id ?? current.userId);
    throw error;
  }
}

export async function deleteIntegration(accountId: string, id: string): Promise<void> {
  const { count } = await db().integration.deleteMany({ where: { id, accountId } });
  if (count === 0) throw notFound("integration");
}

/**
 * A new secret, effective at once. There is no overlap window (unlike webhooks): the sender
 * signs, so the operator switches the sender over right after rotating.
 */
export async function rotateIntegrationSecret(accountId: string, id: string, newSecret?: string) {
  const current = await getIntegration(accountId, id);
  const secret = newSecret ?? generateSigningSecret();
  const integration = await db().integration.update({ where: { id: current.id }, data: { secretCiphertext: encryptSecret(secret) } });
  return { integration, secret };
}

/** Counts of inbound events by status, per integration. */
export async function integrationStats(integrationIds: string[]): Promise<Map<string, IntegrationStats>> {
  const stats = new Map<string, IntegrationStats>(integrationIds.map((id) => [id, { received: 0, processed: 0, pending: 0, dead: 0 }]));
  if (integrationIds.length === 0) return stats;
  const groups = await db().inboundEvent.groupBy({
    by: ["integrationId", "status"],
    where: { integrationId: { in: integrationIds } },
    _count: { _all: true },
  });
  for (const group of groups) {
    const entry = stats.get(group.integrationId);
    if (!entry) continue;
    entry[group.status] += group._count._all;
    entry.received += group._count._all;
  }
  return stats;
}

export function toIntegrationJson(integration: Integration, options: { secret?: string; stats?: IntegrationStats } = {}) {
  return {
    id: integration.id,
    name: integration.name,
    source_system: integration.sourceSystem,
    user_id: integration.userId,
    receive_url: receivePath(integration),
    forward_as: integration.forwardAs,
    is_active: integration.isActive,
    rate_limit_per_minute: integration.rateLimitPerMinute,
    created_at: integration.createdAt.toISOString(),
    updated_at: integration.updatedAt.toISOString(),
    ...(options.stats ? { stats: options.stats } : {}),
    ...(options.secret ? { webhook_secret: options.secret } : {}),
  };
}

export type IntegrationJson = ReturnType<typeof toIntegrationJson>;
