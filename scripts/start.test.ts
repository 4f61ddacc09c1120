// Runs the real `npm start` code path on a temporary data directory: embedded Postgres,
// migrations, first admin, bootstrap key, build when needed, server — then stops and restarts it.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createServer } from "node:net";
import { Client } from "pg";
import { freePort, postgresUrl, withDatabase } from "@/lib/db/embedded-postgres";
import { isPostmasterOf, readPostmasterLock, type PostmasterLock } from "@/lib/db/postmaster-lock";

const API_KEY = "hr_start_test_key_0123456789abcdef";
let dataDir: string;
let app: ChildProcess | undefined;

interface Launched {
  child: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<number | null>;
}

/** Runs `scripts/start.mjs` as `npm start` does, in its own process group (so a test can kill the whole group, PostgreSQL included). */
async function launch(extraEnv: Record<string, string> = {}): Promise<Launched> {
  const port = await freePort();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    // The test run's own database and settings must not leak into the app under test.
    if (v !== undefined && !/^(DATABASE_URL|NODE_ENV|SECRETS_ENCRYPTION_KEY|NEXTAUTH_SECRET|LOG_LEVEL|VITEST.*)$/.test(k)) env[k] = v;
  }
  Object.assign(env, { HOOKRELAY_DATA_DIR: dataDir, PORT: String(port), BOOTSTRAP_API_KEY: API_KEY, LOG_LEVEL: "warn" }, extraEnv);
  let output = "";
  // Node itself (not npx) so the signal reaches the app directly.
  const child = spawn(process.execPath, ["scripts/start.mjs"], { cwd: process.cwd(), env: env as NodeJS.ProcessEnv, stdio: ["ignore", "pipe", "pipe"], detached: true });
  app = child;
  child.stdout!.on("data", (c: Buffer) => (output += c));
  child.stderr!.on("data", (c: Buffer) => (output += c));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, port: Number(extraEnv.PORT ?? port), output: () => output, exited };
}

async function start(extraEnv: Record<string, string> = {}): Promise<Launched> {
  const launched = await launch(extraEnv);
  const deadline = Date.now() + 480_000;
  while (!launched.output().includes("ready on")) {
    if (launched.child.exitCode !== null) throw new Error(`start exited early:\n${launched.output()}`);
    if (Date.now() > deadline) throw new Error(`start did not become ready:\n${launched.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return launched;
}

/** A start that must fail: its exit code and everything it printed. */
async function failedStart(extraEnv: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const launched = await launch(extraEnv);
  const code = await Promise.race([launched.exited, new Promise<"hung">((r) => setTimeout(() => r("hung"), 300_000))]);
  if (code === "hung") throw new Error(`the failed start did not end:\n${launched.output()}`);
  return { code, output: launched.output() };
}

async function stop(started: Launched) {
  started.child.kill("SIGTERM");
  return started.exited;
}

/** Kills the app and its embedded PostgreSQL together, as a power cut or a container kill does. */
async function killGroup(started: Launched) {
  process.kill(-started.child.pid!, "SIGKILL");
  await started.exited;
}

async function health(port: number) {
  return (await fetch(`http://127.0.0.1:${port}/api/health`)).status;
}

/** Whether the embedded PostgreSQL of `dataDir` is gone: no lock file, and its postmaster not running. */
function embeddedPostgresStopped(lock: PostmasterLock | undefined): boolean {
  return !existsSync(path.join(dataDir, "postgres", "postmaster.pid")) && (!lock || !isPostmasterOf(lock.pid, path.join(dataDir, "postgres")));
}

afterAll(async () => {
  if (app?.pid) {
    try {
      process.kill(-app.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("npm start", () => {
  it("starts from nothing, serves the API, stops cleanly and reuses its data on the next start", { timeout: 900_000 }, async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "hookrelay-start-"));
    const first = await start();
    const base = `http://127.0.0.1:${first.port}`;
    expect(first.output()).toMatch(/starting the embedded PostgreSQL/);
    expect(first.output()).toMatch(/applied 0001_init/);
    expect(first.output()).toMatch(/created the first admin: admin@hookrelay\.local \/ \S+/);

    const health = await fetch(`${base}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ success: true, data: { status: "ok", db: "ok", engine: "embedded" } });

    const body = JSON.stringify({ name: "n", url: "https://example.com/h", events: ["order.*"] });
    const headers = { "content-type": "application/json" };
    const created = await fetch(`${base}/api/webhooks`, { method: "POST", body, headers: { ...headers, authorization: `Bearer ${API_KEY}` } });
    expect(created.status).toBe(201);
    const webhook = (await created.json()).data;
    expect(webhook.secret).toMatch(/^whsec_/);
    expect((await fetch(`${base}/api/webhooks`, { method: "POST", body, headers })).status).toBe(401);
    const malformed = await fetch(`${base}/api/webhooks`, { method: "POST", body: "{", headers: { ...headers, authorization: `Bearer ${API_KEY}` } });
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).success).toBe(false);

    expect(await stop(first)).toBe(0);
    expect(existsSync(path.join(dataDir, "postgres", "postmaster.pid"))).toBe(false);

    const second = await start();
    expect(second.output()).toMatch(/database schema is up to date/);
    expect(second.output()).not.toMatch(/created the first admin/);
    const again = await fetch(`http://127.0.0.1:${second.port}/api/webhooks/${webhook.id}`, { headers: { authorization: `Bearer ${API_KEY}` } });
    expect(again.status).toBe(200);
    expect(await stop(second)).toBe(0);
  });

  // scripts/start/direct-routes.ts serves these two without Next.js's router: the same
  // handlers must give the same answers, headers included.
  it("serves publishing and the inbound receiver directly, with the API's answers and headers", { timeout: 900_000 }, async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "hookrelay-start-"));
    const started = await start();
    const base = `http://127.0.0.1:${started.port}`;
    const auth = { authorization: `Bearer ${API_KEY}`, "content-type": "application/json" };
    const post = (pathName: string, body: string, headers: Record<string, string> = auth) => fetch(`${base}${pathName}`, { method: "POST", body, headers });

    const webhook = await post("/api/webhooks", JSON.stringify({ name: "n", url: "https://example.com/h", events: ["order.*"] }));
    expect(webhook.status).toBe(201);
    const webhookId = (await webhook.json()).data.id;

    const published = await post("/api/events?source=direct", JSON.stringify({ type: "order.created", data: { order_id: "o1" }, id: "ord-o1" }));
    expect(published.status).toBe(202);
    expect(published.headers.get("content-type")).toMatch(/^application\/json/);
    expect(published.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(published.headers.get("x-content-type-options")).toBe("nosniff");
    expect(published.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    const event = (await published.json()).data;
    expect(event).toMatchObject({ id: "ord-o1", type: "order.created", duplicate: false, deliveries: [{ webhook_id: webhookId }] });
    // Is the event there, as the rest of the API (served by Next.js) sees it?
    const read = await fetch(`${base}/api/events/ord-o1`, { headers: auth });
    expect(read.status).toBe(200);

    const repeated = await post("/api/events", JSON.stringify({ type: "order.created", data: { order_id: "o1" }, id: "ord-o1" }));
    expect(repeated.status).toBe(200);
    expect((await repeated.json()).data.duplicate).toBe(true);

    const anonymous = await post("/api/events", JSON.stringify({ type: "order.created", data: {} }), { "content-type": "application/json" });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toBe("Bearer");
    expect(await anonymous.json()).toMatchObject({ success: false, code: "unauthorized" });
    const malformed = await post("/api/events", "{");
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ success: false, code: "invalid_json" });
    const oversized = await post("/api/events", JSON.stringify({ type: "order.created", data: { blob: "x".repeat(300 * 1024) } }));
    expect(oversized.status).toBe(413);
    expect(oversized.headers.get("connection")).toBe("close");
    // Without a Content-Length (chunked), the body is read up to the cap and refused there.
    const stream = new Blob([JSON.stringify({ type: "order.created", data: { blob: "x".repeat(300 * 1024) } })]).stream();
    const chunked = await fetch(`${base}/api/events`, { method: "POST", headers: auth, body: stream, duplex: "half" } as RequestInit);
    expect(chunked.status).toBe(413);
    // The rest of that body is never read: the server drops the connection, and says so first.
    expect(chunked.headers.get("connection")).toBe("close");
    const invalid = await post("/api/events", JSON.stringify({ type: "Not A Type", data: {} }));
    expect(invalid.status).toBe(422);
    expect((await invalid.json()).details[0].path).toBe("type");

    // The receiver: an unknown integration gets the seed's 401, whatever the path's escapes.
    const inbound = await post("/v1/integrations/webhooks/pos%20system/no-such-user", "{}", { "x-webhook-signature": "sha256=00" });
    expect(inbound.status).toBe(401);
    expect(await inbound.json()).toMatchObject({ success: false });
    const badEscape = await post("/v1/integrations/webhooks/pos%zz/u", "{}", { "x-webhook-signature": "sha256=00" });
    expect(badEscape.status).toBe(400); // Next.js itself answers a malformed escape in a param with a 500
    expect(await badEscape.json()).toMatchObject({ success: false, code: "invalid_path" });

    expect(await stop(started)).toBe(0);
  });

  it("comes back at once after the app and its PostgreSQL are killed together, five times in a row", { timeout: 900_000 }, async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "hookrelay-start-"));
    let running = await start();
    expect(await health(running.port)).toBe(200);
    for (let i = 0; i < 5; i++) {
      await killGroup(running);
      running = await start();
      expect(running.output()).not.toMatch(/start failed/);
      expect(await health(running.port)).toBe(200);
    }
    expect(await stop(running)).toBe(0);
  });
});

describe("npm start when it cannot start", () => {
  it("ends with code 1 and one clear line when PORT is taken, and stops its PostgreSQL", { timeout: 900_000 }, async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "hookrelay-start-"));
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, resolve));
    try {
      const failed = await failedStart({ PORT: String(port) });
      expect(failed.code).toBe(1);
      expect(failed.output).toContain(`[hookrelay] start failed: port ${port} is in use; set PORT`);
      expect(failed.output).not.toMatch(/uncaughtException/);
      expect(failed.output.match(/start failed/g)).toHaveLength(1);
      expect(embeddedPostgresStopped(undefined)).toBe(true);
    } finally {
      blocker.close();
    }
  });

  it("ends with code 1 when the data directory cannot be used", { timeout: 300_000 }, async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "hookrelay-start-"));
    const notADirectory = path.join(dataDir, "a-file");
    await writeFile(notADirectory, "");
    const failed = await failedStart({ HOOKRELAY_DATA_DIR: path.join(notADirectory, "data") });
    expect(failed.code).toBe(1);
    expect(failed.output).toMatch(/start failed: the data directory \S+a-file\/data cannot be used \(ENOTDIR: .*\); set HOOKRELAY_DATA_DIR/);
  });

  it("ends with code 1 when DATABASE_URL is not a URL or reaches no server, without printing its password", { timeout: 300_000 }, async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "hookrelay-start-"));
    const malformed = await failedStart({ DATABASE_URL: "hookrelay-db" });
    expect(malformed.code).toBe(1);
    expect(malformed.output).toContain("start failed: DATABASE_URL is not a postgresql:// URL");

    const nowhere = `postgresql://app:s3cret-pass@127.0.0.1:${await freePort()}/hookrelay`;
    const unreachable = await failedStart({ DATABASE_URL: nowhere });
    expect(unreachable.code).toBe(1);
    expect(unreachable.output).toMatch(/start failed: cannot connect to the PostgreSQL at DATABASE_URL postgresql:\/\/app:\*\*\*@127\.0\.0\.1:\d+\/hookrelay \(ECONNREFUSED\); check DATABASE_URL/);
    expect(unreachable.output).not.toContain("s3cret-pass");
  });

  it("ends with code 1 when a migration fails, and stops its PostgreSQL", { timeout: 900_000 }, async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "hookrelay-start-"));
    const first = await start();
    // Forget that the newest migration ran: applying it again fails on what it already made.
    const lock = readPostmasterLock(path.join(dataDir, "postgres"))!;
    const client = new Client({ connectionString: withDatabase(postgresUrl(lock.port, "postgres", lock.socketDir), "hookrelay") });
    await client.connect();
    const { rows } = await client.query<{ name: string }>(`DELETE FROM "_prisma_migrations" WHERE migration_name = (SELECT max(migration_name) FROM "_prisma_migrations") RETURNING migration_name AS name`);
    await client.end();
    expect(await stop(first)).toBe(0);

    const failed = await failedStart({});
    expect(failed.code).toBe(1);
    expect(failed.output).toContain(`start failed: migration ${rows[0].name} failed:`);
    expect(embeddedPostgresStopped(readPostmasterLock(path.join(dataDir, "postgres")))).toBe(true);
  });
});
