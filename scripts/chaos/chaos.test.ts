// The reduced chaos runs of `npm test`: 300 events, the app killed with SIGKILL once and its
// PostgreSQL restarted once; then two instances on one database, one killed once; and not one
// accepted event lost. `npm run chaos` is the full run.
import { describe, expect, it } from "vitest";
import { formatSummary, runChaos } from "@/scripts/chaos/run-chaos";

describe("chaos", () => {
  // Under two minutes when the production build is current; a first start builds it first.
  it("loses no accepted event across a kill -9 of the app and a PostgreSQL restart", { timeout: 900_000 }, async () => {
    const lines: string[] = [];
    const result = await runChaos({
      name: "chaos-test",
      events: 300,
      appKills: 1,
      postgresRestarts: 1,
      seed: Number(process.env.CHAOS_SEED ?? Date.now() % 1_000_000),
      log: (line) => lines.push(line),
    });
    const summary = formatSummary(result);
    expect({ ok: result.ok, problems: result.problems }, `${summary}\n${lines.join("\n")}`).toEqual({ ok: true, problems: [] });
    expect(result.published).toBe(300);
    expect(result.missing).toBe(0);
    expect(result.delivered + result.dead).toBe(result.deliveries);
    // Every 40th event is refused for good by one receiver: those end as dead letters.
    expect(result.dead).toBeGreaterThanOrEqual(8);
    expect(result.disruptions.map((d) => d.kind).sort()).toEqual(["app-kill", "postgres-restart"]);
    // The publisher saw the outage as 503s and retried; none was answered with a 500.
    expect(result.publisher.statuses[500]).toBeUndefined();
  });

  it("loses no accepted event with two instances on one database, one of them killed with SIGKILL", { timeout: 900_000 }, async () => {
    const lines: string[] = [];
    const result = await runChaos({
      name: "chaos-two-instances",
      events: 300,
      instances: 2,
      appKills: 1,
      postgresRestarts: 0,
      seed: Number(process.env.CHAOS_SEED ?? Date.now() % 1_000_000),
      log: (line) => lines.push(line),
    });
    const summary = formatSummary(result);
    expect({ ok: result.ok, problems: result.problems }, `${summary}\n${lines.join("\n")}`).toEqual({ ok: true, problems: [] });
    expect(result.instances).toBe(2);
    expect(result.published).toBe(300);
    expect(result.missing).toBe(0);
    expect(result.delivered + result.dead).toBe(result.deliveries);
    expect(result.disruptions.map((d) => d.kind)).toEqual(["app-kill"]);
  });
});
