// The engine thread runs with the heap limits that keep `npm start`'s memory down
// (ENGINE_RESOURCE_LIMITS): the thread itself reports what V8 applied.
import { describe, expect, it } from "vitest";
import { ENGINE_RESOURCE_LIMITS, startEngineThread } from "@/scripts/start/engine-thread";

describe("the engine thread", () => {
  it("starts with a small young generation and an old-generation ceiling", async () => {
    const thread = await startEngineThread(() => {});
    try {
      expect(thread.resourceLimits).toMatchObject(ENGINE_RESOURCE_LIMITS);
      expect(ENGINE_RESOURCE_LIMITS.maxYoungGenerationSizeMb).toBeLessThanOrEqual(16);
    } finally {
      await thread.stop();
    }
  }, 60_000);
});
