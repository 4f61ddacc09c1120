// The benchmark's smoke test: it runs end to end on tiny numbers and produces every figure it
// is asked for. Never a timing assertion: `npm run bench` is where speed is measured.
import { describe, expect, it } from "vitest";
import { createProgress } from "@/bench/progress";
import { resultTable, runOnce, SCALE_TARGETS, scaleTable, summarise, type BenchSizes } from "@/bench/run";

const TINY: BenchSizes = {
  limitDeliveries: 200,
  throughputEvents: 100,
  latencyPerSecond: 20,
  latencySeconds: 1,
  publishRequests: 200,
  slowPerSecond: 10,
  slowSeconds: 1,
  slowRounds: 1,
  historyAttempts: 2_000,
  scaleAttemptsPerDay: 400,
  scaleThroughputEvents: 50,
};

describe("npm run bench", () => {
  it("runs against a fresh Postgres and a real app and reports each figure", { timeout: 300_000 }, async () => {
    const result = await runOnce({ sizes: TINY, only: ["limit", "throughput", "latency", "publish", "history", "scale"], progress: createProgress(process.stderr, true) });
    for (const value of [
      result.limit_deliveries_per_s,
      result.deliveries_per_s_1,
      result.deliveries_per_s_10,
      result.ratio_to_limit,
      result.latency_ms.p50,
      result.latency_ms.p99,
      result.publish_per_s,
      result.stats_ms,
      result.logs_ms,
      result.peak_rss_mb,
    ]) {
      expect(value).toBeTypeOf("number");
      expect(Number.isFinite(value)).toBe(true);
      expect(value).toBeGreaterThan(0);
    }
    // The scale scenario: every figure, the history stored over 31 days and the oldest day purged.
    const scale = result.scale!;
    expect(scale.stored_attempts).toBeGreaterThanOrEqual(400 * 31);
    expect(scale.stored_deliveries).toBeGreaterThanOrEqual(200 * 31);
    expect(scale.stored_events).toBeGreaterThanOrEqual(100 * 31);
    for (const key of Object.keys(SCALE_TARGETS)) expect(Number.isFinite(scale[key as keyof typeof scale]), key).toBe(true);
    expect((scale.details.purge as { dropped: { names: string[] } }).dropped.names).toHaveLength(1);
    expect(scale.db_size_mb_after_purge).toBeGreaterThan(0);
    expect(scaleTable(scale)).toContain("purge_day_ms");
    // The peak after each scenario run, never above the run's peak.
    const { peakRssAfter } = result.details.memory as { peakRssAfter: Record<string, number> };
    expect(Object.keys(peakRssAfter)).toEqual(["start", "throughput_1", "throughput_10", "latency", "publish", "history", "scale"]);
    for (const mb of Object.values(peakRssAfter)) expect(mb).toBeLessThanOrEqual(result.peak_rss_mb!);
    const summary = summarise([result], "smoke");
    expect(resultTable(summary)).toContain("ratio to limit");
  });
});
