import { createHmac } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { decryptSecret } from "@/lib/webhooks/secret-box";
import { api } from "@/test/api";
import { newAccount } from "@/test/fixtures";

let key: string;
let otherKey: string;
let counter = 0;

const uniqueUser = () => `user-${Date.now()}-${++counter}`;
const valid = () => ({ source_system: "pawoon", user_id: uniqueUser() });

async function createIntegration(body: Record<string, unknown> = {}, apiKey = key) {
  const res = await api.post("/api/integrations", { ...valid(), ...body }, { key: apiKey });
  expect(res.status).toBe(201);
  return res.body.data as { id: string; source_system: string; user_id: string; webhook_secret: string; receive_url: string };
}

/** Posts `payload` to the receiver signed the way seed 000's Python does. */
function sendSigned(integration: { source_system: string; user_id: string }, secret: string, payload: unknown) {
  const raw = JSON.stringify(payload);
  const signature = "sha256=" + createHmac("sha256", Buffer.from(secret, "utf8")).update(raw).digest("hex");
  return api.post(`/v1/integrations/webhooks/${integration.source_system}/${integration.user_id}`, undefined, {
    rawBody: raw,
    headers: { "content-type": "application/json", "x-webhook-signature": signature },
  });
}

beforeAll(async () => {
  ({ key } = await newAccount());
  ({ key: otherKey } = await newAccount());
});

describe("POST /api/integrations", () => {
  it("registers an integration and returns its generated secret once, with the receive URL", async () => {
    const body = valid();
    const res = await api.post("/api/integrations", { ...body, name: "Pawoon POS" }, { key });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      name: "Pawoon POS",
      source_system: "pawoon",
      user_id: body.user_id,
      receive_url: `/v1/integrations/webhooks/pawoon/${body.user_id}`,
      forward_as: null,
      is_active: true,
      rate_limit_per_minute: 600,
    });
    expect(res.body.data.id).toMatch(/^int_/);
    expect(res.body.data.webhook_secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const read = await api.get(`/api/integrations/${res.body.data.id}`, { key });
    expect(read.status).toBe(200);
    expect(read.body.data.webhook_secret).toBeUndefined();
    expect(read.body.data.stats).toEqual({ received: 0, processed: 0, pending: 0, dead: 0 });
  });

  it("stores a given secret encrypted, never in plain text", async () => {
    const created = await createIntegration({ webhook_secret: "pawoon-shared-secret-1234" });
    expect(created.webhook_secret).toBe("pawoon-shared-secret-1234");
    const row = await db().integration.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.secretCiphertext).not.toContain("pawoon-shared-secret");
    expect(decryptSecret(row.secretCiphertext)).toBe("pawoon-shared-secret-1234");
  });

  it("accepts every documented option", async () => {
    const res = await api.post(
      "/api/integrations",
      { ...valid(), source_system: "acc_soft-2", name: "Books", forward_as: "books", is_active: false, rate_limit_per_minute: 30 },
      { key },
    );
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ source_system: "acc_soft-2", forward_as: "books", is_active: false, rate_limit_per_minute: 30 });
  });

  it("accepts user ids with dots, colons, underscores and dashes", async () => {
    const userId = `550e8400-e29b.41d4:a716_${++counter}`;
    const created = await createIntegration({ user_id: userId });
    expect(created.receive_url).toBe(`/v1/integrations/webhooks/pawoon/${userId}`);
  });

  it("refuses a second integration with the same source_system and user_id, even from another account", async () => {
    const body = valid();
    expect((await api.post("/api/integrations", body, { key })).status).toBe(201);
    for (const k of [key, otherKey]) {
      const res = await api.post("/api/integrations", body, { key: k });
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ success: false, code: "conflict" });
    }
  });

  it.each([
    ["missing source_system", { user_id: "u1" }, "source_system"],
    ["missing user_id", { source_system: "pawoon" }, "user_id"],
    ["upper-case source_system", { source_system: "Pawoon", user_id: "u1" }, "source_system"],
    ["source_system starting with a dash", { source_system: "-pawoon", user_id: "u1" }, "source_system"],
    ["source_system over 50 characters", { source_system: "a".repeat(51), user_id: "u1" }, "source_system"],
    ["empty user_id", { source_system: "pawoon", user_id: "" }, "user_id"],
    ["user_id with a slash", { source_system: "pawoon", user_id: "a/b" }, "user_id"],
    ["user_id with a space", { source_system: "pawoon", user_id: "a b" }, "user_id"],
    ["user_id over 100 characters", { source_system: "pawoon", user_id: "u".repeat(101) }, "user_id"],
    ["short secret", { source_system: "pawoon", user_id: "u1", webhook_secret: "short" }, "webhook_secret"],
    ["forward_as with a dot", { source_system: "pawoon", user_id: "u1", forward_as: "pos.events" }, "forward_as"],
    ["rate limit of zero", { source_system: "pawoon", user_id: "u1", rate_limit_per_minute: 0 }, "rate_limit_per_minute"],
    ["is_active as a string", { source_system: "pawoon", user_id: "u1", is_active: "yes" }, "is_active"],
    ["unknown field", { source_system: "pawoon", user_id: "u1", colour: "blue" }, ""],
  ])("rejects %s with 422 and a detail on the field", async (_, body, path) => {
    const res = await api.post("/api/integrations", body, { key });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ success: false, code: "validation_error" });
    expect(res.body.details.map((d: { path: string }) => d.path)).toContain(path);
  });

  it("answers malformed JSON with 400", async () => {
    const res = await api.post("/api/integrations", undefined, { key, rawBody: '{"source_system":' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("invalid_json");
  });
});

describe("authentication and isolation", () => {
  it("needs an API key on every integrations route", async () => {
    const created = await createIntegration();
    const calls = [
      api.get("/api/integrations"),
      api.post("/api/integrations", valid()),
      api.get(`/api/integrations/${created.id}`),
      api.patch(`/api/integrations/${created.id}`, { name: "x" }),
      api.delete(`/api/integrations/${created.id}`),
      api.post(`/api/integrations/${created.id}/rotate-secret`),
      api.get(`/api/integrations/${created.id}/events`),
      api.post(`/api/integrations/${created.id}/replay`, {}),
    ];
    for (const res of await Promise.all(calls)) {
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ success: false, code: "unauthorized" });
    }
  });

  it("answers 404 on every route for another account's integration, and changes nothing", async () => {
    const created = await createIntegration();
    const id = created.id;
    const calls = [
      api.get(`/api/integrations/${id}`, { key: otherKey }),
      api.patch(`/api/integrations/${id}`, { name: "stolen" }, { key: otherKey }),
      api.delete(`/api/integrations/${id}`, { key: otherKey }),
      api.post(`/api/integrations/${id}/rotate-secret`, undefined, { key: otherKey }),
      api.get(`/api/integrations/${id}/events`, { key: otherKey }),
      api.post(`/api/integrations/${id}/replay`, {}, { key: otherKey }),
    ];
    for (const res of await Promise.all(calls)) {
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ success: false, code: "not_found" });
    }
    const list = await api.get("/api/integrations?limit=100", { key: otherKey });
    expect(list.body.data.map((i: { id: string }) => i.id)).not.toContain(id);
    const row = await db().integration.findUniqueOrThrow({ where: { id } });
    expect(row.name).toBeNull();
    expect(decryptSecret(row.secretCiphertext)).toBe(created.webhook_secret);
  });
});

describe("GET /api/integrations", () => {
  it("pages newest first with a cursor, and counts each integration's inbound events", async () => {
    const { key: own } = await newAccount();
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await createIntegration({}, own));
    const accepted = await sendSigned(made[2], made[2].webhook_secret, { event: "invoice.paid", data: { invoice_id: "inv_1" } });
    expect(accepted.status).toBe(200);

    const first = await api.get("/api/integrations?limit=2", { key: own });
    expect(first.status).toBe(200);
    expect(first.body.data.map((i: { id: string }) => i.id)).toEqual([made[2].id, made[1].id]);
    expect(first.body.data[0].stats).toEqual({ received: 1, processed: 0, pending: 1, dead: 0 });
    expect(first.body.data[0].webhook_secret).toBeUndefined();
    expect(first.body.next_cursor).toBe(made[1].id);
    const second = await api.get(`/api/integrations?limit=2&cursor=${first.body.next_cursor}`, { key: own });
    expect(second.body.data.map((i: { id: string }) => i.id)).toEqual([made[0].id]);
    expect(second.body.next_cursor).toBeNull();
  });

  it("rejects a limit out of range with 422", async () => {
    expect((await api.get("/api/integrations?limit=0", { key })).status).toBe(422);
    expect((await api.get("/api/integrations?limit=1000", { key })).status).toBe(422);
  });
});

describe("PATCH and DELETE /api/integrations/{id}", () => {
  it("changes the fields it is sent and leaves the others", async () => {
    const created = await createIntegration({ name: "Old", rate_limit_per_minute: 50 });
    const res = await api.patch(`/api/integrations/${created.id}`, { name: "New", forward_as: "pos", is_active: false }, { key });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ name: "New", forward_as: "pos", is_active: false, rate_limit_per_minute: 50, user_id: created.user_id });
    const cleared = await api.patch(`/api/integrations/${created.id}`, { forward_as: null, name: null }, { key });
    expect(cleared.body.data).toMatchObject({ name: null, forward_as: null });
  });

  it("moves the receive URL when user_id changes, and refuses one that is taken with 409", async () => {
    const a = await createIntegration();
    const b = await createIntegration();
    const moved = await api.patch(`/api/integrations/${a.id}`, { user_id: `${a.user_id}-moved` }, { key });
    expect(moved.body.data.receive_url).toBe(`/v1/integrations/webhooks/pawoon/${a.user_id}-moved`);
    const clash = await api.patch(`/api/integrations/${a.id}`, { user_id: b.user_id }, { key });
    expect(clash.status).toBe(409);
    expect(clash.body.code).toBe("conflict");
  });

  it("rejects an empty patch, a secret in a patch and bad values with 422", async () => {
    const created = await createIntegration();
    expect((await api.patch(`/api/integrations/${created.id}`, {}, { key })).status).toBe(422);
    expect((await api.patch(`/api/integrations/${created.id}`, { webhook_secret: "a-new-secret-123456" }, { key })).status).toBe(422);
    expect((await api.patch(`/api/integrations/${created.id}`, { rate_limit_per_minute: -1 }, { key })).status).toBe(422);
  });

  it("deletes an integration with its inbound events; the receiver then refuses its requests", async () => {
    const created = await createIntegration();
    expect((await sendSigned(created, created.webhook_secret, { event: "invoice.paid", data: { invoice_id: "inv_9" } })).status).toBe(200);
    const res = await api.delete(`/api/integrations/${created.id}`, { key });
    expect(res.status).toBe(204);
    expect((await api.get(`/api/integrations/${created.id}`, { key })).status).toBe(404);
    expect(await db().inboundEvent.count({ where: { integrationId: created.id } })).toBe(0);
    expect((await sendSigned(created, created.webhook_secret, { event: "invoice.paid", data: { invoice_id: "inv_9" } })).status).toBe(401);
    expect((await api.delete(`/api/integrations/${created.id}`, { key })).status).toBe(404);
  });
});

describe("POST /api/integrations/{id}/rotate-secret", () => {
  it("returns a new secret that signs from now on; the old one stops working", async () => {
    const created = await createIntegration();
    const res = await api.post(`/api/integrations/${created.id}/rotate-secret`, undefined, { key });
    expect(res.status).toBe(200);
    const secret = res.body.data.webhook_secret as string;
    expect(secret).toMatch(/^whsec_/);
    expect(secret).not.toBe(created.webhook_secret);
    const payload = { event: "invoice.paid", data: { invoice_id: "inv_rot" } };
    expect((await sendSigned(created, created.webhook_secret, payload)).status).toBe(401);
    expect((await sendSigned(created, secret, payload)).status).toBe(200);
  });

  it("accepts a chosen secret and refuses a short one", async () => {
    const created = await createIntegration();
    const chosen = await api.post(`/api/integrations/${created.id}/rotate-secret`, { webhook_secret: "chosen-secret-0123456789" }, { key });
    expect(chosen.body.data.webhook_secret).toBe("chosen-secret-0123456789");
    expect((await api.post(`/api/integrations/${created.id}/rotate-secret`, { webhook_secret: "short" }, { key })).status).toBe(422);
  });
});

describe("GET /api/integrations/{id}/events", () => {
  it("lists what the integration received, newest first, with status filter and cursor", async () => {
    const created = await createIntegration();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await sendSigned(created, created.webhook_secret, { event: "payment.received", data: { payment_id: `pay_${i}` } });
      ids.push(res.body.internal_id);
    }
    const first = await api.get(`/api/integrations/${created.id}/events?limit=2`, { key });
    expect(first.status).toBe(200);
    expect(first.body.data.map((e: { id: string }) => e.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.data[0]).toMatchObject({
      id: ids[2],
      event: "payment.received",
      status: "pending",
      attempts: 0,
      last_error: null,
      processed_at: null,
      dead_at: null,
      payload: { event: "payment.received", data: { payment_id: "pay_2" } },
    });
    expect(first.body.data[0].received_at).toEqual(expect.any(String));
    expect(first.body.data[0].next_attempt_at).toEqual(expect.any(String));
    const second = await api.get(`/api/integrations/${created.id}/events?limit=2&cursor=${first.body.next_cursor}`, { key });
    expect(second.body.data.map((e: { id: string }) => e.id)).toEqual([ids[0]]);
    expect(second.body.next_cursor).toBeNull();

    const dead = await api.get(`/api/integrations/${created.id}/events?status=dead`, { key });
    expect(dead.body.data).toEqual([]);
  });

  it("rejects an unknown status or cursor with 422", async () => {
    const created = await createIntegration();
    expect((await api.get(`/api/integrations/${created.id}/events?status=lost`, { key })).status).toBe(422);
    expect((await api.get(`/api/integrations/${created.id}/events?cursor=nope`, { key })).status).toBe(422);
  });
});

describe("POST /api/integrations/{id}/replay (validation)", () => {
  it("answers 404 for an unknown event id, 409 for one that is not dead, 422 for a bad since", async () => {
    const created = await createIntegration();
    const received = await sendSigned(created, created.webhook_secret, { event: "invoice.paid", data: { invoice_id: "inv_r" } });
    expect((await api.post(`/api/integrations/${created.id}/replay`, { event_id: "nope" }, { key })).status).toBe(404);
    const pending = await api.post(`/api/integrations/${created.id}/replay`, { event_id: received.body.internal_id }, { key });
    expect(pending.status).toBe(409);
    expect(pending.body.error).toContain("pending");
    expect((await api.post(`/api/integrations/${created.id}/replay`, { since: "yesterday" }, { key })).status).toBe(422);
    expect((await api.post(`/api/integrations/${created.id}/replay`, { event_id: "x", since: new Date().toISOString() }, { key })).status).toBe(422);
  });

  it("replays nothing when nothing is dead, with or without a body", async () => {
    const created = await createIntegration();
    for (const body of [undefined, {}]) {
      const res = await api.post(`/api/integrations/${created.id}/replay`, body, { key });
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ replayed: 0, event_ids: [] });
    }
  });
});

describe("POST /api/integrations/{id}/replay with dry_run", () => {
  it("answers the count and the first 20 dead inbound events, and changes nothing", async () => {
    const created = await createIntegration();
    const ids: string[] = [];
    for (let i = 0; i < 22; i++) ids.push((await sendSigned(created, created.webhook_secret, { event: "invoice.paid", data: { invoice_id: `inv_dry_${i}` } })).body.internal_id);
    // All but the last are dead, one minute apart; the last is still pending.
    for (const [i, id] of ids.slice(0, 21).entries()) {
      await db().inboundEvent.update({ where: { id }, data: { status: "dead", deadAt: new Date(Date.now() - (30 - i) * 60_000), lastError: `handler failed #${i}`, nextAttemptAt: null } });
    }
    const snapshot = () => db().inboundEvent.findMany({ where: { integrationId: created.id }, orderBy: { id: "asc" } });
    const before = await snapshot();

    const all = await api.post(`/api/integrations/${created.id}/replay`, { dry_run: true }, { key });
    expect(all.status).toBe(200);
    expect(all.body.data.count).toBe(21);
    expect(all.body.data.items).toHaveLength(20);
    expect(all.body.data.items[0]).toEqual({ dead_letter_id: ids[0], event: "invoice.paid", failed_at: before.find((e) => e.id === ids[0])!.deadAt!.toISOString(), reason: "handler failed #0" });
    const since = await api.post(`/api/integrations/${created.id}/replay`, { since: new Date(Date.now() - 15.5 * 60_000).toISOString(), dry_run: true }, { key });
    expect(since.body.data.count).toBe(6);
    const one = await api.post(`/api/integrations/${created.id}/replay`, { event_id: ids[3], dry_run: true }, { key });
    expect(one.body.data).toMatchObject({ dry_run: true, count: 1, items: [{ dead_letter_id: ids[3] }] });
    expect((await api.post(`/api/integrations/${created.id}/replay`, { event_id: ids[21], dry_run: true }, { key })).status).toBe(409);
    expect((await api.post(`/api/integrations/${created.id}/replay`, { dry_run: true }, { key: otherKey })).status).toBe(404);
    expect(await snapshot()).toEqual(before);

    expect((await api.post(`/api/integrations/${created.id}/replay`, {}, { key })).body.data.replayed).toBe(21);
  });
});
