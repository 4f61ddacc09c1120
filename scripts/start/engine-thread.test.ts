// The engine thread runs with its heap limits (ENGINE_RESOURCE_LIMITS): the thread itself
// reports what V8 applied. A young generation under V8's default cost a fifth of the throughput.
import { describe, expect, it } from "vitest";
import { ENGINE_RESOURCE_LIMITS, startEngineThread } from "@/scripts/start/engine-thread";

describe("the engine thread", () => {
  it("starts with V8's default young generation and an old-generation ceiling", async () => {
    const thread = await startEngineThread(() => {});
    try {
      expect(thread.resourceLimits).toMatchObject(ENGINE_RESOURCE_LIMITS);
      expect(ENGINE_RESOURCE_LIMITS.maxYoungGenerationSizeMb).toBeGreaterThanOrEqual(48);
    } finally {
      await thread.stop();
    }
  }, 60_000);
});
