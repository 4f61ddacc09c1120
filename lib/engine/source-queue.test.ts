// One source's queue state in the dispatcher, without a database: what a claim asks for and
// what it does with the answer.
import { describe, expect, it } from "vitest";
import { GroupPaces } from "@/lib/engine/pacing";
import { SourceQueue } from "@/lib/engine/source-queue";
import type { WorkSource } from "@/lib/engine/work-source";

type Item = { id: number; group: string };

const source: WorkSource<Item> = {
  name: "test",
  claim: async () => [],
  group: (item) => item.group,
  run: async () => {},
  release: async () => {},
  nextDueAt: async () => null,
};

const items = (group: string, n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ id: from + i, group }));

function queue() {
  // Per-group cap 4: a new group's lease cap is 4 slots + 4 queued; a new group may take 8 in one claim.
  return new SourceQueue(source, new GroupPaces(4), 8);
}

describe("a source's queue", () => {
  it("wants a claim at first, and looks past the groups it serves then", () => {
    const q = queue();
    expect(q.wantsClaim()).toBe(true);
    const plan = q.planClaim(false);
    expect(plan).toMatchObject({ lookPast: true, room: 8, skip: [], fresh: [] });
  });

  it("queues what a claim brought, hands back what is over a group's cap, and remembers full groups", () => {
    const q = queue();
    const plan = q.planClaim(false);
    q.beginClaim(plan);
    const excess = q.accept([...items("a", 8), ...items("b", 2, 100)], plan, Date.now());
    q.endClaim(plan, 10, 8);
    expect(excess).toEqual([]);
    expect(q.queued).toBe(10);
    expect(q.leasedIn("a")).toBe(8);
    // "a" filled a new group's room: more may be due; only the served groups are asked for next.
    const next = q.planClaim(false);
    expect(next.lookPast).toBe(true); // the claim came back full: others may wait too
    expect(next.skip).toEqual(["a"]);
    expect([...next.byWebhook]).toEqual([["b", 6]]);
  });

  it("starts queued items while allowed, and hands back those queued too long", () => {
    const q = queue();
    const plan = q.planClaim(false);
    q.accept([...items("a", 3)], plan, 0);
    q.accept([...items("b", 3, 10)], q.planClaim(false), 20_000);
    const started: number[] = [];
    const stale = q.startQueued(20_001, 10_000, (group) => q.runningIn(group) < 2, (item, group) => {
      q.started(group);
      started.push(item.id);
    });
    expect(stale.map((i) => i.id)).toEqual([0, 1, 2]);
    expect(started).toEqual([10, 11]);
    expect(q.queued).toBe(1);
    q.finished("b");
    expect(q.runningIn("b")).toBe(1);
  });

  it("after a claim that came back short wants no other until a NOTIFY names a group", () => {
    const q = queue();
    const plan = q.planClaim(false);
    q.beginClaim(plan);
    q.endClaim(plan, 0, 8);
    expect(q.wantsClaim()).toBe(false);
    q.announce(["c"]);
    expect(q.wantsClaim()).toBe(true);
    const named = q.planClaim(false);
    expect(named).toMatchObject({ lookPast: false, fresh: ["c"], room: 8 });
    expect(named.byWebhook.get("c")).toBe(8);
  });

  it("in a fairness look skips every group it serves and asks for others only", () => {
    const q = queue();
    q.accept(items("a", 2), q.planClaim(false), Date.now());
    const plan = q.planClaim(true);
    expect(plan).toMatchObject({ fairness: true, lookPast: true, skip: ["a"], room: 8 });
    expect(plan.byWebhook.size).toBe(0);
  });

  it("gives back everything queued on stop", () => {
    const q = queue();
    q.accept(items("a", 3), q.planClaim(false), Date.now());
    expect(q.takeQueued()).toHaveLength(3);
    expect(q.queued).toBe(0);
  });
});
