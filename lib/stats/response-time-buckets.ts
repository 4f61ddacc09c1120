// Response-time buckets of the hourly rollups (lib/stats/attempt-rollups.ts): whole
// milliseconds below 128 ms, and above that the value with all but its 7 leading bits cleared
// (64 buckets per doubling, each 1/128 to 1/64 of its value wide), as HdrHistogram does.
// Pure integer arithmetic, so the TypeScript and the SQL below agree on every value (a
// logarithm could land on either side of a boundary), and the rows stay few: 5 ms to 30 s is
// about 630 buckets.
//
// A bucket is named by its lowest value. Read back, every attempt of a bucket counts as the
// bucket's midpoint, which is at most 1/128 (< 0.8 %) of the value away from the true one.

const SIGNIFICANT_BITS = 7;
/** Response times below this are kept exactly. */
export const EXACT_BELOW_MS = 2 ** SIGNIFICANT_BITS;

/** The bucket (its lowest value) of a response time in whole milliseconds. */
export function responseTimeBucket(ms: number): number {
  if (ms < EXACT_BELOW_MS) return ms;
  const shift = 32 - Math.clz32(ms) - SIGNIFICANT_BITS;
  return (ms >>> shift) << shift;
}

/** How many whole-millisecond values a bucket holds. */
export function bucketWidth(bucket: number): number {
  return bucket < EXACT_BELOW_MS ? 1 : 2 ** (32 - Math.clz32(bucket) - SIGNIFICANT_BITS);
}

/** The value every attempt of a bucket stands for when percentiles are read from rollups. */
export function bucketMidpoint(bucket: number): number {
  return bucket + (bucketWidth(bucket) - 1) / 2;
}

// width_bucket(v, thresholds) counts the thresholds ≤ v: for 2^k ≤ v < 2^(k+1) (k ≥ 7) that is
// k - 6, the number of low bits to clear. Thresholds 2^7 … 2^30 cover every positive int4.
const POWERS_OF_TWO = Array.from({ length: 31 - SIGNIFICANT_BITS }, (_, i) => 2 ** (SIGNIFICANT_BITS + i));

/** `responseTimeBucket` as a SQL expression over an int4 expression (a column name). */
export function responseTimeBucketSql(ms: string): string {
  const shift = `width_bucket(${ms}, '{${POWERS_OF_TWO.join(",")}}'::int4[])`;
  return `CASE WHEN ${ms} < ${EXACT_BELOW_MS} THEN ${ms} ELSE (${ms} >> ${shift}) << ${shift} END`;
}
