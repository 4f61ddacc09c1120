// CPU time of the processes in a measurement, from /proc (Linux). Wall-clock rates on a shared
// 2-core machine move with whatever else runs; CPU milliseconds per delivery, per process, say
// where the work goes and compare runs fairly.
import { readFile, readdir } from "node:fs/promises";

const TICKS_PER_SECOND = 100;

async function stat(pid: number, file = `/proc/${pid}/stat`): Promise<{ ppid: number; cpuMs: number } | null> {
  try {
    const text = await readFile(file, "utf8");
    const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
    // Fields after the command: state(0) ppid(1) … utime(11) stime(12).
    return { ppid: Number(rest[1]), cpuMs: ((Number(rest[11]) + Number(rest[12])) * 1000) / TICKS_PER_SECOND };
  } catch {
    return null;
  }
}

export async function cpuMsOf(pid: number): Promise<number> {
  return (await stat(pid))?.cpuMs ?? 0;
}

/** CPU ms of a PostgreSQL cluster: the postmaster whose backends serve `databaseName`, and all its children. */
export async function postgresCpuMs(databaseName: string): Promise<number> {
  const pids = (await readdir("/proc")).filter((p) => /^\d+$/.test(p)).map(Number);
  const infos = new Map<number, { ppid: number; cpuMs: number; cmd: string }>();
  await Promise.all(
    pids.map(async (pid) => {
      const s = await stat(pid);
      const cmd = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
      if (s) infos.set(pid, { ...s, cmd: cmd.replace(/\0/g, " ") });
    }),
  );
  const postmasters = new Set<number>();
  for (const info of infos.values()) if (info.cmd.startsWith("postgres: ") && info.cmd.includes(` ${databaseName} `)) postmasters.add(info.ppid);
  let total = 0;
  for (const [pid, info] of infos) if (postmasters.has(pid) || postmasters.has(info.ppid)) total += info.cpuMs;
  return total;
}

/** CPU ms this process has used (user + system). */
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** CPU ms of the main thread of `pid` alone (`cpuMsOf` counts all its threads, living and ended). */
export async function mainThreadCpuMs(pid: number): Promise<number> {
  return (await stat(pid, `/proc/${pid}/task/${pid}/stat`))?.cpuMs ?? 0;
}
