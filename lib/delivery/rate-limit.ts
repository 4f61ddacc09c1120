// A webhook's `rate_limit_per_hour`: when it may be called again. Both engines postpone a
// delivery past its limit (never drop it); the embedded one also counts attempts under way.
import { db } from "@/lib/db/client";

const HOUR_MS = 3_600_000;

/**
 * When the webhook may be called again if it has used its hourly allowance, else null.
 * `inFlight`: attempts under way in this process (attempt id → start, ms), counted as made
 * now. One that was recorded meanwhile is in both and counts once: counting it twice
 * postponed a delivery the limit allowed.
 */
export async function rateLimitedUntil(webhookId: string, perHour: number, now = new Date(), inFlight: ReadonlyMap<string, number> = new Map()): Promise<Date | null> {
  // Raw: the read must stop at the limit, not scan the whole hour of a busy webhook.
  const recorded = await db().$queryRaw<{ id: string; created_at: Date }[]>`
    SELECT id, created_at FROM attempts
    WHERE webhook_id = ${webhookId} AND created_at > ${new Date(now.getTime() - HOUR_MS)}
    ORDER BY created_at DESC
    LIMIT ${perHour}`;
  const times = [...inFlight.values(), ...recorded.filter((a) => !inFlight.has(a.id)).map((a) => a.created_at.getTime())].sort((a, b) => b - a);
  return times.length >= perHour ? new Date(times[perHour - 1] + HOUR_MS) : null;
}
