// The benchmark's smoke test: it runs end to end on tiny numbers and produces every figure it
// is asked for. Never a timing assertion: `npm run bench` is where speed is measured.
import { describe, expect, it } from "vitest";
import { createProgress } from "@/bench/progress";
import { resultTable, runOnce, summarise, type BenchSizes } from "@/bench/run";

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
};

describe("npm run bench", () => {
  it("runs against a fresh Postgres and a real app and reports each figure", { timeout: 300_000 }, async () => {
    const result = await runOnce({ sizes: TINY, only: ["limit", "throughput", "latency", "publish", "history"], progress: createProgress(process.stderr, true) });
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
    // The peak after each scenario run, never above the run's peak.
    const { peakRssAfter } = result.details.memory as { peakRssAfter: Record<string, number> };
    expect(Object.keys(peakRssAfter)).toEqual(["start", "throughput_1", "throughput_10", "latency", "publish", "history"]);
    for (const mb of Object.values(peakRssAfter)) expect(mb).toBeLessThanOrEqual(result.peak_rss_mb!);
    const summary = summarise([result], "smoke");
    expect(resultTable(summary)).toContain("ratio to limit");
  });
});
