import { beforeAll, describe, expect, it } from "vitest";
import { api } from "@/test/api";
import { newAccount } from "@/test/fixtures";

let memberKey: string;
let adminKey: string;

beforeAll(async () => {
  ({ key: memberKey } = await newAccount("member"));
  ({ key: adminKey } = await newAccount("admin"));
});

describe("/api/api-keys", () => {
  it("creates a key that works at once and is shown only in the create response", async () => {
    const res = await api.post("/api/api-keys", { name: "CI" }, { key: memberKey });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ name: "CI", role: "member", revoked_at: null, last_used_at: null });
    expect(res.body.data.key).toMatch(/^hr_/);
    expect(res.body.data.prefix).toBe(res.body.data.key.slice(0, 10));

    expect((await api.get("/api/webhooks", { key: res.body.data.key })).status).toBe(200);
    const listed = await api.get("/api/api-keys", { key: memberKey });
    expect(listed.status).toBe(200);
    const row = listed.body.data.find((k: { id: string }) => k.id === res.body.data.id);
    expect(row).toMatchObject({ name: "CI", prefix: res.body.data.prefix });
    expect(JSON.stringify(listed.body)).not.toContain(res.body.data.key);
  });

  it("lets only an admin create an admin key", async () => {
    const refused = await api.post("/api/api-keys", { name: "root", role: "admin" }, { key: memberKey });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe("forbidden");
    const allowed = await api.post("/api/api-keys", { name: "root", role: "admin" }, { key: adminKey });
    expect(allowed.status).toBe(201);
    expect(allowed.body.data.role).toBe("admin");
  });

  it("rejects a missing name, an unknown role and unknown fields with 422", async () => {
    for (const body of [{}, { name: "" }, { name: "x", role: "owner" }, { name: "x", colour: "blue" }]) {
      const res = await api.post("/api/api-keys", body, { key: memberKey });
      expect(res.status, JSON.stringify(body)).toBe(422);
    }
  });

  it("revokes a key: it stops authenticating and is listed as revoked", async () => {
    const { key, id } = (await api.post("/api/api-keys", { name: "temp" }, { key: memberKey })).body.data;
    expect((await api.delete(`/api/api-keys/${id}`, { key: memberKey })).status).toBe(204);
    expect((await api.get("/api/webhooks", { key })).status).toBe(401);
    const row = (await api.get("/api/api-keys", { key: memberKey })).body.data.find((k: { id: string }) => k.id === id);
    expect(row.revoked_at).not.toBeNull();
    expect((await api.delete(`/api/api-keys/${id}`, { key: memberKey })).status).toBe(404);
  });

  it("never shows or revokes another account's keys", async () => {
    const { id } = (await api.post("/api/api-keys", { name: "theirs" }, { key: adminKey })).body.data;
    const mine = await api.get("/api/api-keys", { key: memberKey });
    expect(mine.body.data.find((k: { id: string }) => k.id === id)).toBeUndefined();
    expect((await api.delete(`/api/api-keys/${id}`, { key: memberKey })).status).toBe(404);
  });

  it("needs authentication", async () => {
    expect((await api.get("/api/api-keys")).status).toBe(401);
    expect((await api.post("/api/api-keys", { name: "x" })).status).toBe(401);
  });
});
