// Receivers that misbehave, through the real dispatcher and API: each failure is classified
// in the attempt's `error` (GET /api/webhooks/{id}/logs) and retried on the webhook's policy,
// and a huge response body is read only up to the cap.
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import v8 from "node:v8";
import vm from "node:vm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db/client";
import { createDispatcher, type Dispatcher } from "@/lib/engine/dispatcher";
import { deliveryWork } from "@/lib/engine/delivery-work";
import { api } from "@/test/api";
import { newAccount } from "@/test/fixtures";
import { eventually, startReceiver, type Receiver, type Responder } from "@/test/receiver";

interface LoggedAttempt {
  attempt: number;
  status: string;
  response_code: number | null;
  response_time_ms: number;
  error: string | null;
  error_message: string | null;
  response_body: string | null;
  created_at: string;
}

let key: string;
let dispatcher: Dispatcher;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  ({ key } = await newAccount());
  dispatcher = createDispatcher([deliveryWork], { maxIdleMs: 100 });
  await dispatcher.start();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
  // Each test's events go to its own webhook only.
  await db().webhook.deleteMany();
});

afterAll(async () => {
  await dispatcher.stop();
});

async function receiver(responder: Responder | number): Promise<Receiver> {
  const r = await startReceiver(responder);
  cleanups.push(() => r.close());
  return r;
}

/** A raw TCP server for answers node:http would not send (byte-by-byte headers). */
async function tcpReceiver(onRequest: (socket: Socket) => void): Promise<string> {
  const sockets = new Set<Socket>();
  const server: TcpServer = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => sockets.delete(socket));
    socket.once("data", () => onRequest(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}

async function deliverTo(url: string, webhook: Record<string, unknown> = {}) {
  const created = await api.post("/api/webhooks", { name: "faulty", url, events: ["order.*"], retry_policy: [1], ...webhook }, { key });
  expect(created.status).toBe(201);
  const webhookId = created.body.data.id as string;
  const published = await api.post("/api/events", { type: "order.created", data: { n: 1 } }, { key });
  const delivery = (published.body.data.deliveries as { id: string; webhook_id: string }[]).find((d) => d.webhook_id === webhookId)!;
  return { webhookId, deliveryId: delivery.id };
}

const deliveryOf = (id: string) => db().delivery.findUniqueOrThrow({ where: { id } });

/** Waits for the delivery to be final and returns its attempts from the logs API, oldest first. */
async function settledLogs(webhookId: string, deliveryId: string, timeoutMs = 15_000): Promise<LoggedAttempt[]> {
  await eventually(async () => (await deliveryOf(deliveryId)).status !== "pending", timeoutMs);
  const logs = await api.get(`/api/webhooks/${webhookId}/logs?delivery_id=${deliveryId}`, { key });
  expect(logs.status).toBe(200);
  return (logs.body.data as LoggedAttempt[]).reverse();
}

/** Policy [1]: the first attempt, one retry a second later, then a dead letter. */
async function expectRetriedThenDead(webhookId: string, deliveryId: string, attempts: LoggedAttempt[]) {
  expect(attempts.map((a) => a.attempt)).toEqual([1, 2]);
  expect(Date.parse(attempts[1].created_at) - Date.parse(attempts[0].created_at)).toBeGreaterThanOrEqual(900);
  expect((await deliveryOf(deliveryId)).status).toBe("dead");
  const dead = await api.get(`/api/webhooks/${webhookId}/replay`, { key });
  expect(dead.body.data.map((d: { delivery_id: string }) => d.delivery_id)).toContain(deliveryId);
}

describe("a misbehaving receiver", () => {
  it("answering 500 is an http_status failure, retried on the policy", async () => {
    const r = await receiver(500);
    const { webhookId, deliveryId } = await deliverTo(r.url);
    const attempts = await settledLogs(webhookId, deliveryId);
    expect(attempts.map((a) => [a.status, a.response_code, a.error])).toEqual([
      ["failed", 500, "http_status"],
      ["failed", 500, "http_status"],
    ]);
    await expectRetriedThenDead(webhookId, deliveryId, attempts);
  });

  it("hanging past the timeout is a timeout, cut at timeout_ms", async () => {
    const r = await receiver(() => new Promise<void>(() => {}));
    const { webhookId, deliveryId } = await deliverTo(r.url, { timeout_ms: 500 });
    const attempts = await settledLogs(webhookId, deliveryId);
    for (const a of attempts) {
      expect(a).toMatchObject({ status: "failed", response_code: null, error: "timeout" });
      expect(a.response_time_ms).toBeGreaterThanOrEqual(495);
      expect(a.response_time_ms).toBeLessThan(1500);
    }
    await expectRetriedThenDead(webhookId, deliveryId, attempts);
  });

  // undici's own timers tick at 1 s resolution: on a kept-alive socket they cut an 800 ms
  // timeout as early as 680 ms (depending on the tick's phase) until the abort signal alone decided.
  it("hanging on a kept-alive connection times out no sooner than timeout_ms", { timeout: 60_000 }, async () => {
    const r = await receiver((_, i) => (i % 2 === 0 ? 200 : new Promise<void>(() => {})));
    const created = await api.post("/api/webhooks", { name: "warm", url: r.url, events: ["order.*"], retry_policy: [3600], timeout_ms: 800 }, { key });
    const webhookId = created.body.data.id as string;
    for (let round = 0; round < 12; round++) {
      const published = await api.post("/api/events", { type: "order.created", data: { round } }, { key });
      const id = published.body.data.deliveries[0].id as string;
      await eventually(async () => (await deliveryOf(id)).attempts === 1);
    }
    const logs = await api.get(`/api/webhooks/${webhookId}/logs?status=failed`, { key });
    const timeouts = (logs.body.data as LoggedAttempt[]).map((a) => [a.error, a.response_time_ms >= 795 ? "≥ timeout_ms" : `${a.response_time_ms} ms`]);
    expect(timeouts).toEqual(Array(6).fill(["timeout", "≥ timeout_ms"]));
  });

  it("resetting the connection is a connection failure", async () => {
    const r = await receiver((_, __, res) => void res.socket?.resetAndDestroy());
    const { webhookId, deliveryId } = await deliverTo(r.url);
    const attempts = await settledLogs(webhookId, deliveryId);
    expect(attempts.map((a) => [a.status, a.response_code, a.error])).toEqual([
      ["failed", null, "connection"],
      ["failed", null, "connection"],
    ]);
    expect(attempts[0].error_message).toBeTruthy();
    await expectRetriedThenDead(webhookId, deliveryId, attempts);
  });

  it.each([301, 302])("answering %i is a redirect failure, and the redirect is not followed", async (status) => {
    const target = await receiver(200);
    const r = await receiver((_, __, res) => void res.writeHead(status, { location: target.url }).end());
    const { webhookId, deliveryId } = await deliverTo(r.url);
    const attempts = await settledLogs(webhookId, deliveryId);
    expect(attempts.map((a) => [a.status, a.response_code, a.error])).toEqual([
      ["failed", status, "redirect"],
      ["failed", status, "redirect"],
    ]);
    expect(attempts[0].error_message).toContain(target.url);
    expect(target.requests).toHaveLength(0);
    await expectRetriedThenDead(webhookId, deliveryId, attempts);
  });

  it("trickling its response body (slow loris) is a timeout at timeout_ms", async () => {
    const r = await receiver((_, __, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      const drip = setInterval(() => res.write("."), 50);
      res.on("close", () => clearInterval(drip));
    });
    const { webhookId, deliveryId } = await deliverTo(r.url, { timeout_ms: 700 });
    const attempts = await settledLogs(webhookId, deliveryId);
    for (const a of attempts) {
      expect(a).toMatchObject({ status: "failed", error: "timeout" });
      expect(a.response_time_ms).toBeGreaterThanOrEqual(695);
      expect(a.response_time_ms).toBeLessThan(1700);
    }
    await expectRetriedThenDead(webhookId, deliveryId, attempts);
  });

  it("trickling its response headers byte by byte is a timeout at timeout_ms", async () => {
    const url = await tcpReceiver((socket) => {
      socket.write("HTTP/1.1 200 OK\r\n");
      const drip = setInterval(() => socket.write("X"), 50);
      socket.on("close", () => clearInterval(drip));
    });
    const { webhookId, deliveryId } = await deliverTo(url, { timeout_ms: 700 });
    const attempts = await settledLogs(webhookId, deliveryId);
    for (const a of attempts) {
      expect(a).toMatchObject({ status: "failed", response_code: null, error: "timeout" });
      expect(a.response_time_ms).toBeLessThan(1700);
    }
    await expectRetriedThenDead(webhookId, deliveryId, attempts);
  });
});

describe("a response body PostgreSQL cannot store as text", () => {
  it("(NUL bytes, invalid UTF-8) is kept with those bytes replaced, and the delivery succeeds", async () => {
    const bytes = Buffer.concat([Buffer.from("ok\u0000then"), Buffer.from([0xff, 0xfe]), Buffer.from("end")]);
    const r = await receiver((_, __, res) => void res.writeHead(200, { "content-type": "application/octet-stream" }).end(bytes));
    const { webhookId, deliveryId } = await deliverTo(r.url);
    const attempts = await settledLogs(webhookId, deliveryId);
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ status: "succeeded", response_code: 200, error: null, response_body: "ok\ufffdthen\ufffd\ufffdend" });
    expect((await deliveryOf(deliveryId)).status).toBe("succeeded");
  });
});

describe("a 10 MB response body", () => {
  const TEN_MB = 10 * 1024 * 1024;
  const body = Buffer.alloc(TEN_MB, "a");
  const big: Responder = (_, __, res) => void res.writeHead(200, { "content-type": "text/plain", "content-length": String(TEN_MB) }).end(body);

  it("is read only up to the cap: the attempt succeeds and stores at most 1 KiB (64 KiB with debug_mode)", async () => {
    const r = await receiver(big);
    const plain = await deliverTo(r.url);
    const [attempt] = await settledLogs(plain.webhookId, plain.deliveryId);
    expect(attempt).toMatchObject({ status: "succeeded", response_code: 200, error: null });
    expect(Buffer.byteLength(attempt.response_body!)).toBe(1024);

    const debug = await deliverTo(r.url, { debug_mode: true });
    const [debugAttempt] = await settledLogs(debug.webhookId, debug.deliveryId);
    expect(debugAttempt.status).toBe("succeeded");
    expect(Buffer.byteLength(debugAttempt.response_body!)).toBe(64 * 1024);
  });

  it("does not grow the process's memory by its size per attempt (20 attempts)", { timeout: 60_000 }, async () => {
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc") as () => void;
    const used = () => {
      // Twice: a Buffer's backing store is only released, and uncounted from arrayBuffers,
      // after the collection that finds its wrapper dead has run its finalizers.
      gc();
      gc();
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const r = await receiver(big);
    const created = await api.post("/api/webhooks", { name: "big", url: r.url, events: ["order.*"], retry_policy: [1] }, { key });
    const publish = async (count: number) => {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) ids.push((await api.post("/api/events", { type: "order.created", data: { i } }, { key })).body.data.deliveries[0].id);
      await eventually(async () => (await db().delivery.count({ where: { id: { in: ids }, status: "succeeded" } })) === count, 30_000);
    };
    await publish(2); // warm up: sockets, agents, compiled code
    const before = used();
    await publish(20);
    const grown = used() - before;
    expect(grown, `grew ${(grown / 1024 / 1024).toFixed(1)} MB over 20 attempts`).toBeLessThan(20 * 1024 * 1024);
    const logs = await api.get(`/api/webhooks/${created.body.data.id}/logs?limit=50`, { key });
    expect(logs.body.data).toHaveLength(22);
    expect(logs.body.data.every((a: LoggedAttempt) => a.status === "succeeded" && Buffer.byteLength(a.response_body!) <= 1024)).toBe(true);
  });
});
