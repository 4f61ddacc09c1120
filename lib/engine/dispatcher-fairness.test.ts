// The dispatcher's periodic fairness look (past the groups it serves, for work nobody announced)
// is paced by what it costs: with sources in memory, one whose look is expensive (as past a slow
// webhook's backlog) and one whose look is cheap (as inbound events usually are).
import { afterEach, describe, expect, it } from "vitest";
import { createDispatcher, type Dispatcher, type WorkSource } from "@/lib/engine/dispatcher";

const LOOK_MS = 40;
let dispatcher: Dispatcher | undefined;

afterEach(async () => {
  await dispatcher?.stop();
  dispatcher = undefined;
});

/** One busy group whose items take a while; a look that skips that group costs LOOK_MS and finds nothing. */
function busySource() {
  let next = 0;
  const source: WorkSource<number> & { looksPast: number } = {
    name: "busy",
    looksPast: 0,
    async claim(_owner, limit, skipGroups, room) {
      if (skipGroups.includes("g")) {
        source.looksPast++;
        await new Promise((r) => setTimeout(r, LOOK_MS));
        return [];
      }
      const n = Math.min(limit, room?.byWebhook.get("g") ?? room?.otherwise ?? limit);
      return Array.from({ length: n }, () => next++);
    },
    group: () => "g",
    run: () => new Promise((r) => setTimeout(r, 500)),
    release: async () => {},
    nextDueAt: async () => null,
  };
  return source;
}

const cheapSource: WorkSource<number> = {
  name: "cheap",
  claim: async () => [],
  group: () => "h",
  run: async () => {},
  release: async () => {},
  nextDueAt: async () => null,
};

describe("the dispatcher's fairness look", () => {
  it("pauses in proportion to the whole look's cost, not to the cheapest source's part of it", async () => {
    const busy = busySource();
    dispatcher = createDispatcher([busy, cheapSource], { concurrency: 8, perGroupConcurrency: 8 });
    await dispatcher.start();
    await new Promise((r) => setTimeout(r, 1_500));
    // Each look costs ≥ 40 ms, so the pause after it is ≥ 800 ms: a look at the start, one
    // after the pause, and perhaps a look-past claim of the start. Paced by the cheap source's
    // look alone (the pause's 50 ms floor) it was 12.
    expect(busy.looksPast).toBeGreaterThanOrEqual(1);
    expect(busy.looksPast).toBeLessThanOrEqual(4);
  });
});
