import { describe, expect, it } from "vitest";
import { MAX_EVENT_AGE_MS, nextRetryDelayMs, retryDelays, retryPolicyNames, retryPolicySchema, type RetryPolicy } from "@/lib/delivery/retry-policy";

const middle = () => 0.5; // jitter factor exactly 1

describe("retryDelays", () => {
  it.each<[RetryPolicy, number[]]>([
    ["standard", [5, 300, 1800, 7200, 18000, 36000, 36000]],
    ["template", [1, 300, 1800, 7200, 21600, 43200]],
    ["auraconnect", [10, 30, 60, 300, 1800]],
    ["exponential", [1, 2, 4]],
    ["inbound", [60, 300, 900]],
    [[15, 60, 3600], [15, 60, 3600]],
  ])("%j retries after %j seconds", (policy, delays) => {
    expect(retryDelays(policy)).toEqual(delays);
  });

  it("returns a copy that callers cannot use to change the policy", () => {
    retryDelays("inbound").push(1);
    expect(retryDelays("inbound")).toEqual([60, 300, 900]);
  });
});

describe("nextRetryDelayMs", () => {
  it.each(retryPolicyNames)("walks the %s schedule exactly, then gives up", (name) => {
    const delays = retryDelays(name);
    delays.forEach((seconds, i) => {
      expect(nextRetryDelayMs(name, i + 1, { random: middle })).toBe(seconds * 1000);
    });
    expect(nextRetryDelayMs(name, delays.length + 1, { random: middle })).toBeNull();
  });

  it("applies ±20% jitter to the standard policy", () => {
    expect(nextRetryDelayMs("standard", 2, { random: () => 0 })).toBe(240_000);
    expect(nextRetryDelayMs("standard", 2, { random: () => 0.999999 })).toBeCloseTo(360_000, -1);
    for (let i = 0; i < 200; i++) {
      const delay = nextRetryDelayMs("standard", 1)!;
      expect(delay).toBeGreaterThanOrEqual(4000);
      expect(delay).toBeLessThanOrEqual(6000);
    }
  });

  it("does not jitter the other policies", () => {
    for (const name of ["template", "auraconnect", "exponential", "inbound"] as const) {
      expect(nextRetryDelayMs(name, 1, { random: () => 0 })).toBe(retryDelays(name)[0] * 1000);
    }
    expect(nextRetryDelayMs([42], 1, { random: () => 0 })).toBe(42_000);
  });

  it("follows a custom list and is exhausted after its last delay", () => {
    expect(nextRetryDelayMs([2, 20], 1)).toBe(2000);
    expect(nextRetryDelayMs([2, 20], 2)).toBe(20_000);
    expect(nextRetryDelayMs([2, 20], 3)).toBeNull();
  });

  it("postpones to the receiver's Retry-After when it is longer than the policy's delay", () => {
    expect(nextRetryDelayMs("auraconnect", 1, { retryAfterSeconds: 120 })).toBe(120_000);
  });

  it("keeps the policy's delay when Retry-After is shorter", () => {
    expect(nextRetryDelayMs("inbound", 1, { retryAfterSeconds: 5 })).toBe(60_000);
  });

  it("caps a Retry-After postponement at 24 hours", () => {
    expect(nextRetryDelayMs("exponential", 1, { retryAfterSeconds: 10 * 24 * 3600 })).toBe(24 * 3600 * 1000);
  });

  it("ignores a missing or nonsensical Retry-After", () => {
    expect(nextRetryDelayMs("exponential", 2, { retryAfterSeconds: null })).toBe(2000);
    expect(nextRetryDelayMs("exponential", 2, { retryAfterSeconds: -10 })).toBe(2000);
    expect(nextRetryDelayMs("exponential", 2, { retryAfterSeconds: Number.NaN })).toBe(2000);
  });

  it("does not let Retry-After revive an exhausted policy", () => {
    expect(nextRetryDelayMs("exponential", 4, { retryAfterSeconds: 30 })).toBeNull();
  });

  it("attempts at once when nothing has failed yet", () => {
    expect(nextRetryDelayMs("standard", 0)).toBe(0);
  });

  it("stops retrying events older than 7 days", () => {
    expect(MAX_EVENT_AGE_MS).toBe(604_800_000);
  });
});

describe("retryPolicySchema", () => {
  it.each<unknown>(["standard", "template", "auraconnect", "exponential", "inbound", [1], [5, 60, 604800], Array.from({ length: 20 }, () => 60)])("accepts %j", (value) => {
    expect(retryPolicySchema.parse(value)).toEqual(value);
  });

  it.each<unknown>(["linear", "", 5, null, {}, [], [0], [-1], [1.5], [604801], ["5"], Array.from({ length: 21 }, () => 60)])("rejects %j", (value) => {
    expect(retryPolicySchema.safeParse(value).success).toBe(false);
  });
});
