// Per-caller request rate limit on the public API: a token bucket per API key or user, in this
// process's memory. Small enough to write here; a shared limit across instances would need
// Redis or Postgres and is not worth its cost for a safety valve.
import { config } from "@/lib/config";

interface Bucket {
  tokens: number;
  updatedAt: number;
}

// Shared through globalThis: the custom server's direct routes and Next.js's bundle each load
// this module, and a caller's limit must count both.
const buckets: Map<string, Bucket> = ((globalThis as { __hookrelayRateLimits?: Map<string, Bucket> }).__hookrelayRateLimits ??= new Map());

export function checkRateLimit(subject: string, perMinute = config().apiRateLimitPerMinute, now = Date.now()) {
  const refillPerMs = perMinute / 60_000;
  const bucket = buckets.get(subject) ?? { tokens: perMinute, updatedAt: now };
  bucket.tokens = Math.min(perMinute, bucket.tokens + (now - bucket.updatedAt) * refillPerMs);
  bucket.updatedAt = now;
  buckets.set(subject, bucket);
  if (bucket.tokens < 1) return { allowed: false, retryAfterSeconds: Math.ceil((1 - bucket.tokens) / refillPerMs / 1000) };
  bucket.tokens -= 1;
  return { allowed: true, retryAfterSeconds: 0 };
}

export function resetRateLimits() {
  buckets.clear();
}
