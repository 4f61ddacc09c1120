// Process-table helpers for the chaos run: who is in a process group, who descends from whom,
// and waiting for a pid to die. Linux only (reads /proc), like the embedded Postgres binaries.
import { readFileSync, readdirSync } from "node:fs";
import { sleep } from "@/scripts/chaos/random";

interface ProcessInfo {
  pid: number;
  ppid: number;
  pgrp: number;
  state: string;
}

function processInfo(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // "pid (comm) state ppid pgrp …" — comm may contain spaces and parentheses.
    const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { pid, ppid: Number(ppid), pgrp: Number(pgrp), state };
  } catch {
    return undefined;
  }
}

function allProcesses(): ProcessInfo[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map((name) => processInfo(Number(name)))
    .filter((p): p is ProcessInfo => p !== undefined);
}

/** Alive and not a zombie (an orphaned postmaster may wait unreaped under a container's pid 1). */
export function isAlive(pid: number): boolean {
  const info = processInfo(pid);
  return info !== undefined && info.state !== "Z" && info.state !== "X";
}

/** The pids of process group `pgid`, leaving out `exclude` and everything below it. */
export function processGroupMembers(pgid: number, exclude: number[] = []): number[] {
  const processes = allProcesses();
  const excluded = new Set(exclude);
  // Descendants: repeat until no new child of an excluded process turns up.
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of processes) {
      if (!excluded.has(p.pid) && excluded.has(p.ppid)) {
        excluded.add(p.pid);
        grew = true;
      }
    }
  }
  return processes.filter((p) => p.pgrp === pgid && !excluded.has(p.pid) && p.state !== "Z").map((p) => p.pid);
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

export function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}
