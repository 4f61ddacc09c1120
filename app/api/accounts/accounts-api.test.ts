import { beforeAll, describe, expect, it } from "vitest";
import { verifyPassword } from "@/lib/auth/passwords";
import { db } from "@/lib/db/client";
import { api } from "@/test/api";
import { newAccount } from "@/test/fixtures";

let adminKey: string;
let memberKey: string;

beforeAll(async () => {
  ({ key: adminKey } = await newAccount("admin"));
  ({ key: memberKey } = await newAccount("member"));
});

describe("/api/accounts", () => {
  it("lists every account for an admin", async () => {
    const res = await api.get("/api/accounts", { key: adminKey });
    expect(res.status).toBe(200);
    expect(res.body.data.length).toBeGreaterThanOrEqual(2);
    expect(res.body.data[0]).toMatchObject({ id: expect.stringMatching(/^acct_/), name: expect.any(String), disabled: false, created_at: expect.any(String) });
  });

  it("is admin-only: a member gets 403 for list and create", async () => {
    expect((await api.get("/api/accounts", { key: memberKey })).status).toBe(403);
    expect((await api.post("/api/accounts", { name: "x" }, { key: memberKey })).status).toBe(403);
    expect((await api.get("/api/accounts")).status).toBe(401);
  });

  it("creates an account with a first member user who can sign in to it only", async () => {
    const res = await api.post("/api/accounts", { name: "Acme", member_email: "Owner@Acme.test", member_password: "acme-password-1" }, { key: adminKey });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ name: "Acme", member: { email: "owner@acme.test", role: "member" } });
    const user = await db().user.findUniqueOrThrow({ where: { email: "owner@acme.test" } });
    expect(user.accountId).toBe(res.body.data.id);
    expect(await verifyPassword("acme-password-1", user.passwordHash)).toBe(true);
  });

  it("creates an account without a user", async () => {
    const res = await api.post("/api/accounts", { name: "Bare" }, { key: adminKey });
    expect(res.status).toBe(201);
    expect(res.body.data.member).toBeUndefined();
  });

  it("refuses an email that is already taken with 409, creating nothing", async () => {
    await api.post("/api/accounts", { name: "First", member_email: "taken@acme.test", member_password: "password-123" }, { key: adminKey });
    const before = await db().account.count();
    const res = await api.post("/api/accounts", { name: "Second", member_email: "taken@acme.test", member_password: "password-456" }, { key: adminKey });
    expect(res.status).toBe(409);
    expect(await db().account.count()).toBe(before);
    const user = await db().user.findUniqueOrThrow({ where: { email: "taken@acme.test" } });
    expect(await verifyPassword("password-123", user.passwordHash)).toBe(true);
  });

  it.each([
    ["missing name", { member_email: "a@b.test", member_password: "password-1" }, "name"],
    ["email without password", { name: "x", member_email: "a@b.test" }, "member_password"],
    ["short password", { name: "x", member_email: "a@b.test", member_password: "short" }, "member_password"],
    ["bad email", { name: "x", member_email: "nope", member_password: "password-1" }, "member_email"],
  ])("rejects %s with 422 on the field", async (_, body, path) => {
    const res = await api.post("/api/accounts", body, { key: adminKey });
    expect(res.status).toBe(422);
    expect(res.body.details.map((d: { path: string }) => d.path)).toContain(path);
  });
});
