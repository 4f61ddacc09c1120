import { describe, expect, it } from "vitest";
import { batched } from "@/lib/db/batched";

/** A batch runner that records the batches it was given and doubles each input. */
function recorder(fail?: (inputs: number[]) => boolean) {
  const batches: number[][] = [];
  const run = async (inputs: number[]) => {
    batches.push(inputs);
    await new Promise((r) => setTimeout(r, 10));
    if (fail?.(inputs)) throw new Error(`bad batch ${inputs.join(",")}`);
    return inputs.map((n) => n * 2);
  };
  return { batches, run };
}

describe("batched (group commit)", () => {
  it("runs a lone call at once, and gathers the calls made while a batch runs into the next", async () => {
    const { batches, run } = recorder();
    const call = batched(run, { maxBatch: 100 });
    const first = call(1);
    await new Promise((r) => setImmediate(r));
    const rest = [2, 3, 4].map(call);
    expect(await Promise.all([first, ...rest])).toEqual([2, 4, 6, 8]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it("puts at most maxBatch inputs in a batch, and never two with the same key", async () => {
    const { batches, run } = recorder();
    const call = batched(run, { maxBatch: 3, keyOf: (n) => String(n % 10) });
    expect(await Promise.all([1, 2, 11, 3, 4, 5].map(call))).toEqual([2, 4, 22, 6, 8, 10]);
    expect(batches).toEqual([[1, 2, 3], [11, 4, 5]]);
  });

  it("fails only the caller whose input fails: a failed batch is retried one input at a time", async () => {
    const { batches, run } = recorder((inputs) => inputs.includes(13));
    const call = batched(run, { maxBatch: 100 });
    const results = await Promise.allSettled([12, 13, 14].map(call));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((results[0] as PromiseFulfilledResult<number>).value).toBe(24);
    expect(batches).toEqual([[12, 13, 14], [12], [13], [14]]);
  });

  it("starts batches at most every minIntervalMs while calls keep coming", async () => {
    const { batches, run } = recorder();
    const starts: number[] = [];
    const call = batched(
      async (inputs: number[]) => {
        starts.push(performance.now());
        return run(inputs);
      },
      { maxBatch: 100, minIntervalMs: 50 },
    );
    await call(1);
    await call(2);
    await call(3);
    expect(batches).toEqual([[1], [2], [3]]);
    // libuv's timers run on a millisecond clock read once per loop turn: one may fire up to
    // ~1 ms early by performance.now() (48.94 ms was seen here).
    expect(starts[1] - starts[0]).toBeGreaterThanOrEqual(48);
    expect(starts[2] - starts[1]).toBeGreaterThanOrEqual(48);
  });
});
