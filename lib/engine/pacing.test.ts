// The dispatcher's pacing arithmetic, without a database: slots, queue depths and pauses as
// functions of a group's pace.
import { describe, expect, it } from "vitest";
import { fairnessPauseMs, fullLookPauseMs, GroupPaces, leaseCapFor, nextPace, queueDepthFor, slotsFor, timerDelayMs } from "@/lib/engine/pacing";

describe("a group's slots", () => {
  it("are the per-group cap for a group not yet seen or as fast as 50 ms an item", () => {
    expect(slotsFor(undefined, 64)).toBe(64);
    expect(slotsFor(10, 64)).toBe(64);
    expect(slotsFor(50, 64)).toBe(64);
  });

  it("shrink in proportion for a slower group", () => {
    expect(slotsFor(100, 64)).toBe(32);
    expect(slotsFor(80, 10)).toBe(6);
  });

  it("never go below a quarter of the cap, rounded up", () => {
    expect(slotsFor(5_000, 64)).toBe(16);
    expect(slotsFor(5_000, 3)).toBe(1);
  });
});

describe("a group's queue depth", () => {
  it("is one round of slots for a group not yet seen", () => {
    expect(queueDepthFor(undefined, 64)).toBe(64);
  });

  it("holds about 200 ms of the group's work, between a quarter and four times its slots", () => {
    expect(queueDepthFor(20, 64)).toBe(256); // 64 × 200 / 20 = 640, capped at 4 × 64
    expect(queueDepthFor(2, 8)).toBe(32);
    expect(queueDepthFor(40, 64)).toBe(256); // 64 × 200 / 40 = 320, capped
    expect(queueDepthFor(100, 64)).toBe(64); // 32 slots × 200 / 100
    expect(queueDepthFor(5_000, 64)).toBe(4); // 16 slots, floor of a quarter
  });

  it("treats a pace of 0 as 0.1 ms (no division by zero)", () => {
    expect(queueDepthFor(0, 4)).toBe(16);
  });
});

describe("a group's lease cap", () => {
  it("is its slots plus its queue depth", () => {
    expect(leaseCapFor(undefined, 64)).toBe(128);
    expect(leaseCapFor(100, 64)).toBe(96);
  });
});

describe("a group's pace", () => {
  it("starts at the first item's time, then moves a tenth of the way to each new one", () => {
    expect(nextPace(undefined, 30)).toBe(30);
    expect(nextPace(30, 130)).toBeCloseTo(40);
  });

  it("feeds the caps of the group it was noted for only", () => {
    const paces = new GroupPaces(64);
    for (let i = 0; i < 50; i++) paces.note("slow", 5_000);
    expect(paces.slots("slow")).toBe(16);
    expect(paces.slots("other")).toBe(64);
    expect(paces.leaseCap("slow")).toBe(20);
  });
});

describe("the dispatcher's pauses", () => {
  it("pause after a fairness look twenty times what it cost, at least 50 ms", () => {
    expect(fairnessPauseMs(0)).toBe(50);
    expect(fairnessPauseMs(1)).toBe(50);
    expect(fairnessPauseMs(40)).toBe(800);
  });

  it("pause after a full look at least the idle interval", () => {
    expect(fullLookPauseMs(10, 2_000)).toBe(2_000);
    expect(fullLookPauseMs(150, 2_000)).toBe(3_000);
  });

  it("set the timer no sooner than 5 ms and no later than the idle interval", () => {
    expect(timerDelayMs(-100, 2_000)).toBe(5);
    expect(timerDelayMs(300, 2_000)).toBe(300);
    expect(timerDelayMs(60_000, 2_000)).toBe(2_000);
  });
});
