// What a data directory's `postmaster.pid` says of the server that last ran on it, and whether
// that server is still there. A PID that is alive proves nothing: after a SIGKILL of the whole
// process group the old postmaster lingers for a moment (or as a zombie), and after a reboot its
// PID may belong to any process. So the server is asked, and the PID is only trusted when its
// command line is a postmaster of this very data directory.
import { existsSync, readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { Client } from "pg";

export interface PostmasterLock {
  pid: number;
  port: number;
  socketDir: string | undefined;
}

export function lockFilePath(dataDir: string): string {
  return path.join(dataDir, "postmaster.pid");
}

/** postmaster.pid: line 1 the PID, line 4 the port, line 5 the first socket directory (PostgreSQL docs, "Database File Layout"). */
export function readPostmasterLock(dataDir: string): PostmasterLock | undefined {
  const file = lockFilePath(dataDir);
  if (!existsSync(file)) return undefined;
  const [pidLine, , , portLine, socketLine] = readFileSync(file, "utf8").split("\n");
  const pid = Number(pidLine);
  const port = Number(portLine);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return { pid, port: Number.isInteger(port) ? port : 0, socketDir: socketLine?.trim() || undefined };
}

/** Whether `pid` is a live (not zombie) postmaster started on `dataDir`. */
export function isPostmasterOf(pid: number, dataDir: string): boolean {
  const proc = `/proc/${pid}`;
  if (!existsSync("/proc/self")) return processExists(pid); // no procfs: the PID is all there is
  try {
    const stat = readFileSync(`${proc}/stat`, "utf8");
    if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) return false;
    // The postmaster keeps its argv (`postgres -D <dir> -p <port> …`), NUL-separated.
    return readFileSync(`${proc}/cmdline`, "utf8").split("\0").includes(dataDir);
  } catch {
    return false;
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Whether a server answers at `url` and serves `dataDir` (not some other cluster on a reused port). */
export async function serverAnswers(url: string, dataDir: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  client.on("error", () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ dir: string }>("SELECT current_setting('data_directory') AS dir");
    return path.resolve(rows[0].dir) === dataDir;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Removes a lock file whose postmaster is gone: PostgreSQL refuses to start while its PID is alive, even when that PID is now another program's. */
export async function removeStaleLock(dataDir: string): Promise<void> {
  await rm(lockFilePath(dataDir), { force: true });
}
