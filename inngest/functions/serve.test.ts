// The Inngest serve endpoint (/api/inngest), called in-process through the real route handler.
import { afterEach, describe, expect, it, vi } from "vitest";
import { functions } from "@/inngest/functions";
import { resetConfig } from "@/lib/config";
import { api } from "@/test/api";

afterEach(() => {
  vi.unstubAllEnvs();
  resetConfig();
});

describe("/api/inngest", () => {
  it("serves every function: the deliverer, the inbound processor, the sweeper and the purge", () => {
    expect(functions.map((f) => f.id("hookrelay")).sort()).toEqual(["hookrelay-deliver-webhook", "hookrelay-process-inbound", "hookrelay-purge-old-history", "hookrelay-sweep-deliveries"]);
  });

  it("answers a GET introspection in dev mode (INNGEST_DEV) with the functions it serves", async () => {
    vi.stubEnv("INNGEST_DEV", "1");
    resetConfig();
    const res = await api.get("/api/inngest");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ mode: "dev", function_count: functions.length });
  });

  it("answers a GET introspection in cloud mode without a valid signature with 401, not a crash", async () => {
    vi.stubEnv("INNGEST_DEV", "0");
    vi.stubEnv("INNGEST_SIGNING_KEY", "signkey-prod-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
    resetConfig();
    const res = await api.get("/api/inngest");
    expect(res.status).toBe(401);
    // A step request that Inngest did not sign is refused the same way.
    const post = await api.post("/api/inngest?fnId=hookrelay-deliver-webhook&stepId=step", { event: {}, steps: {} });
    expect(post.status).toBe(401);
  });

  it("answers 404 with the error envelope when no Inngest server is configured (the embedded default)", async () => {
    vi.stubEnv("INNGEST_DEV", "");
    vi.stubEnv("INNGEST_SIGNING_KEY", "");
    resetConfig();
    for (const res of [await api.get("/api/inngest"), await api.post("/api/inngest", {}), await api.put("/api/inngest", {})]) {
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ success: false, code: "not_found" });
    }
  });
});
