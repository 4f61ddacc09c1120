import { describe, expect, it } from "vitest";
import { api, routeFiles, routeMethods } from "@/test/api";

// Framework plumbing, not part of the public API.
const UNDOCUMENTED = new Set(["/api/auth/{}", "/api/inngest", "/api/openapi.json"]);
const shape = (path: string) => path.replace(/\{[^}]+\}/g, "{}");

describe("GET /api/openapi.json", () => {
  it("is an OpenAPI 3.1 document with the request schemas the routes validate with", async () => {
    const res = await api.get("/api/openapi.json");
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe("3.1.0");
    const create = res.body.components.schemas.CreateWebhook;
    expect(create.required).toEqual(["url", "events"]);
    expect(create.properties).toHaveProperty("active.type", "boolean");
    expect(create.properties).toHaveProperty("status.enum", ["active", "inactive"]);
    expect(create.properties.signature_profile.enum).toEqual(["standard", "omnisales", "sha256", "auraconnect"]);
  });

  it("describes the endpoint check's checklist and the replay's dry_run and preview", async () => {
    const doc = (await api.get("/api/openapi.json")).body;
    expect(doc.paths["/api/webhooks/{id}/check"].post).toBeDefined();
    expect(doc.components.schemas.EndpointCheck.properties.items.items.properties.result.enum).toEqual(["pass", "fail", "not_applicable"]);
    expect(JSON.stringify(doc.components.schemas.Replay)).toContain("dry_run");
    expect(JSON.stringify(doc.components.schemas.InboundReplay)).toContain("dry_run");
    expect(doc.components.schemas.ReplayPreview.properties.count).toBeDefined();
  });

  it("documents every API route file and every method it exports", async () => {
    const doc = (await api.get("/api/openapi.json")).body;
    const documented = new Set(Object.keys(doc.paths).map(shape));
    const missing = routeFiles.map((r) => shape(r.template)).filter((path) => !UNDOCUMENTED.has(path) && !documented.has(path));
    expect(missing, "add these routes to lib/openapi.ts").toEqual([]);

    const byShape = new Map(Object.entries(doc.paths as Record<string, object>).map(([p, ops]) => [shape(p), Object.keys(ops).map((m) => m.toUpperCase())]));
    for (const r of routeFiles.filter((r) => !UNDOCUMENTED.has(shape(r.template)))) {
      expect(byShape.get(shape(r.template)), `methods of ${r.template} in lib/openapi.ts`).toEqual(expect.arrayContaining(await routeMethods(r.file)));
    }
  });
});
