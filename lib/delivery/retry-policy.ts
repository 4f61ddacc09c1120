// Retry policies: how long to wait before each retry of a failed delivery (DESIGN.md, "Retry
// policies"). Pure functions of the policy, the number of attempts made and the receiver's
// Retry-After, so both engines and the tests agree on every schedule. The schedules are the
// seeds' tables; no library models named, jittered schedules like these.
import { z } from "zod";

export const retryPolicyNames = ["standard", "template", "auraconnect", "exponential", "inbound"] as const;
export type RetryPolicyName = (typeof retryPolicyNames)[number];
/** A named policy, or a custom list of delays in seconds. */
export type RetryPolicy = RetryPolicyName | number[];

export const MAX_CUSTOM_RETRIES = 20;
export const MAX_CUSTOM_DELAY_SECONDS = 7 * 24 * 3600;
/** An event older than this is not retried. */
export const MAX_EVENT_AGE_MS = 7 * 24 * 3600 * 1000;
/** A receiver's Retry-After can postpone the next attempt by at most this much. */
export const MAX_RETRY_AFTER_MS = 24 * 3600 * 1000;
/** ±20 % on the standard policy, so endpoints that failed together do not retry together. */
const STANDARD_JITTER = 0.2;

/** seed 001: 1 s doubling, at most 60 s, 3 retries. */
const exponentialDelays = Array.from({ length: 3 }, (_, i) => Math.min(2 ** i, 60));

const schedules: Record<RetryPolicyName, readonly number[]> = {
  standard: [5, 300, 1800, 7200, 18000, 36000, 36000],
  template: [1, 300, 1800, 7200, 21600, 43200],
  auraconnect: [10, 30, 60, 300, 1800],
  exponential: exponentialDelays,
  inbound: [60, 300, 900],
};

export const retryPolicySchema: z.ZodType<RetryPolicy> = z
  .union([
    z.enum(retryPolicyNames),
    z
      .array(z.number().int("delays are whole seconds").min(1, "a delay is at least 1 second").max(MAX_CUSTOM_DELAY_SECONDS, "a delay is at most 7 days (604800 seconds)"))
      .min(1, "a custom retry policy needs at least one delay")
      .max(MAX_CUSTOM_RETRIES, `a custom retry policy has at most ${MAX_CUSTOM_RETRIES} delays`),
  ])
  .meta({
    description: `A named policy (${retryPolicyNames.join(", ")}) or a list of delays in seconds before each retry.`,
    example: "standard",
  });

/** Seconds before retry 1, 2, …. */
export function retryDelays(policy: RetryPolicy): number[] {
  if (Array.isArray(policy)) return [...policy];
  // A value stored before a policy was renamed falls back to the default rather than never retrying.
  return [...(schedules[policy] ?? schedules.standard)];
}

/**
 * Delay in ms before the next attempt after `attemptsMade` failed attempts, or null when the
 * policy is exhausted. A Retry-After from the receiver postpones (never hastens) the retry, up
 * to 24 h.
 */
export function nextRetryDelayMs(
  policy: RetryPolicy,
  attemptsMade: number,
  opts: { retryAfterSeconds?: number | null; random?: () => number } = {},
): number | null {
  if (attemptsMade < 1) return 0; // nothing has failed yet: attempt now
  const seconds = retryDelays(policy)[attemptsMade - 1];
  if (seconds === undefined) return null;
  let delayMs = seconds * 1000;
  if (policy === "standard") {
    const random = opts.random ?? Math.random;
    delayMs *= 1 - STANDARD_JITTER + 2 * STANDARD_JITTER * random();
  }
  const retryAfter = opts.retryAfterSeconds;
  if (retryAfter != null && Number.isFinite(retryAfter) && retryAfter > 0) {
    delayMs = Math.max(delayMs, Math.min(retryAfter * 1000, MAX_RETRY_AFTER_MS));
  }
  return Math.round(delayMs);
}
