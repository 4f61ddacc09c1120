// The embedded PostgreSQL on a data directory that a crash left behind: a start reuses a server
// only if it answers, and otherwise starts one, whatever the stale postmaster.pid names.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres, type RunningPostgres } from "@/lib/db/embedded-postgres";
import { isPostmasterOf, lockFilePath, readPostmasterLock } from "@/lib/db/postmaster-lock";

let root: string;
let dataDir: string;
let sleeper: ChildProcess | undefined;

function start(log: string[] = []): Promise<RunningPostgres> {
  return startEmbeddedPostgres(dataDir, (m) => log.push(m));
}

async function answers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
    return (await client.query("SELECT 1 AS one")).rows[0].one === 1;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Replaces the lock file's PID, as a crash followed by a reboot leaves it. */
function writeLockNaming(pid: number) {
  const lines = readFileSync(lockFilePath(dataDir), "utf8").split("\n");
  lines[0] = String(pid);
  writeFileSync(lockFilePath(dataDir), lines.join("\n"));
}

async function stopped(pg: RunningPostgres): Promise<string> {
  // A stop removes the lock file; keep a copy to write back as a crash would have left it.
  const lock = readFileSync(lockFilePath(dataDir), "utf8");
  await pg.stop();
  return lock;
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "hookrelay-embedded-"));
  dataDir = path.join(root, "pg");
});

afterAll(async () => {
  sleeper?.kill("SIGKILL");
  // Each test stops its servers; one left by a failed test gets PostgreSQL's fast shutdown.
  const lock = readPostmasterLock(dataDir);
  if (lock && isPostmasterOf(lock.pid, dataDir)) process.kill(lock.pid, "SIGINT");
  await rm(root, { recursive: true, force: true });
});

describe("startEmbeddedPostgres on a data directory left by a crash", { timeout: 120_000 }, () => {
  it("reuses the server that is still running on the directory and answers", async () => {
    const first = await start();
    const log: string[] = [];
    const second = await startEmbeddedPostgres(dataDir, (m) => log.push(m));
    expect(log.join("\n")).toMatch(/reusing the PostgreSQL server already running on port/);
    expect(second.port).toBe(first.port);
    expect(await answers(second.url)).toBe(true);
    writeFileSync(path.join(root, "lock"), await stopped(first));
  });

  it("starts a server when postmaster.pid names a live process that is not PostgreSQL", async () => {
    sleeper = spawn("sleep", ["60"], { stdio: "ignore" });
    writeFileSync(lockFilePath(dataDir), readFileSync(path.join(root, "lock"), "utf8"));
    writeLockNaming(sleeper.pid!);
    expect(isPostmasterOf(sleeper.pid!, dataDir)).toBe(false);

    const log: string[] = [];
    const pg = await start(log);
    expect(log.join("\n")).toMatch(new RegExp(`clearing the lock file of a PostgreSQL server that is gone \\(PID ${sleeper.pid}\\)`));
    expect(await answers(pg.url)).toBe(true);
    expect(readPostmasterLock(dataDir)!.pid).not.toBe(sleeper.pid);
    await stopped(pg);
  });

  it("starts a server when postmaster.pid names a PID that does not exist", async () => {
    writeFileSync(lockFilePath(dataDir), readFileSync(path.join(root, "lock"), "utf8"));
    writeLockNaming(2 ** 22 + 1); // above Linux's pid_max limit: never a process
    const pg = await start();
    expect(await answers(pg.url)).toBe(true);
    await stopped(pg);
  });

  it("starts again at once after its postmaster was killed with SIGKILL", async () => {
    for (let i = 0; i < 3; i++) {
      const before = await start();
      const { pid } = readPostmasterLock(dataDir)!;
      expect(isPostmasterOf(pid, dataDir)).toBe(true);
      process.kill(pid, "SIGKILL");
      const after = await start();
      expect(after.port).not.toBe(before.port);
      expect(await answers(after.url)).toBe(true);
      await after.stop();
    }
  });
});
