import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sql } from "@/lib/db/client";
import { bucketMidpoint, bucketWidth, EXACT_BELOW_MS, responseTimeBucket, responseTimeBucketSql } from "@/lib/stats/response-time-buckets";

const INT4_MAX = 2 ** 31 - 1;

describe("responseTimeBucket", () => {
  it("keeps response times below 128 ms exact", () => {
    for (let ms = 0; ms < EXACT_BELOW_MS; ms++) {
      expect(responseTimeBucket(ms)).toBe(ms);
      expect(bucketWidth(ms)).toBe(1);
      expect(bucketMidpoint(ms)).toBe(ms);
    }
  });

  it("splits every doubling above into 64 buckets that tile it without gaps", () => {
    expect([128, 129, 130, 255, 256, 257, 258, 259, 260].map(responseTimeBucket)).toEqual([128, 128, 130, 254, 256, 256, 256, 256, 260]);
    const wrong: number[] = [];
    const perDoubling = new Map<number, Set<number>>();
    let expected = EXACT_BELOW_MS;
    for (let ms = EXACT_BELOW_MS; ms < 2 ** 17; ms++) {
      if (ms === expected + bucketWidth(expected)) expected = ms;
      if (responseTimeBucket(ms) !== expected) wrong.push(ms);
      const doubling = 31 - Math.clz32(ms);
      perDoubling.set(doubling, (perDoubling.get(doubling) ?? new Set()).add(expected));
    }
    expect(wrong).toEqual([]);
    expect([...perDoubling.values()].map((s) => s.size)).toEqual(Array(10).fill(64));
  });

  it("stands every value of a bucket in for its midpoint to within 1/128 of the value", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: INT4_MAX }), (ms) => {
        const bucket = responseTimeBucket(ms);
        expect(bucket).toBeLessThanOrEqual(ms);
        expect(ms).toBeLessThan(bucket + bucketWidth(bucket));
        expect(responseTimeBucket(bucket)).toBe(bucket);
        expect(Math.abs(bucketMidpoint(bucket) - ms)).toBeLessThanOrEqual(ms / 128);
      }),
    );
  });

  it("needs a bounded number of buckets: about 630 from 5 ms to 30 s", () => {
    const buckets = new Set<number>();
    for (let ms = 5; ms <= 30_000; ms++) buckets.add(responseTimeBucket(ms));
    expect(buckets.size).toBeGreaterThan(600);
    expect(buckets.size).toBeLessThan(650);
  });

  it("maps every value to the same bucket in SQL as in TypeScript", async () => {
    const values = Array.from({ length: 70_000 }, (_, i) => i);
    for (let bit = 7; bit <= 31; bit++) {
      for (const d of [-2, -1, 0, 1, 2, 3]) {
        const v = 2 ** bit + d;
        if (v >= 0 && v <= INT4_MAX) values.push(v);
      }
    }
    fc.sample(fc.integer({ min: 0, max: INT4_MAX }), 20_000).forEach((v) => values.push(v));
    const { rows } = await sql().query<{ v: number; bucket: number }>(
      `SELECT v, b AS expected FROM unnest($1::int4[], $2::int4[]) AS t(v, b) WHERE (${responseTimeBucketSql("v")}) IS DISTINCT FROM b`,
      [values, values.map(responseTimeBucket)],
    );
    expect(rows).toEqual([]);
  });
});
