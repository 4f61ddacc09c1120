// The app under test: the real `npm start` code path (scripts/start.ts) as a child process in
// its own process group, with its output kept in a log file per start. `crash()` is a
// `kill -9` of the app's processes; the embedded PostgreSQL it started is left running, as a
// database server outlives a crashed app (the next start finds it through postmaster.pid).
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import path from "node:path";
import { processGroupMembers, signal, waitForExit } from "@/scripts/chaos/processes";
import { runningPostmaster } from "@/scripts/chaos/postgres";
import { sleep } from "@/scripts/chaos/random";

export interface AppSettings {
  /** The app's working directory: a build snapshot (scripts/chaos/build-snapshot.ts). */
  root: string;
  dataDir: string;
  port: number;
  apiKey: string;
  /** Extra environment for the app (e.g. API_RATE_LIMIT_PER_MINUTE). */
  env?: Record<string, string>;
  /** A first start may build the app: several minutes. */
  readyTimeoutMs?: number;
}

export interface RunningApp {
  pid: number;
  baseUrl: string;
  logFile: string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

// The settings of the environment that belong to whoever runs the chaos (e.g. a test run's
// own database) must not leak into the app.
const INHERITED_EXCLUDE = /^(DATABASE_URL|NODE_ENV|SECRETS_ENCRYPTION_KEY|NEXTAUTH_SECRET|AUTH_SECRET|LOG_LEVEL|PORT|HOOKRELAY_DATA_DIR|BOOTSTRAP_API_KEY|INNGEST_.*|DELIVERY_ENGINE|VITEST.*|TEST|API_RATE_LIMIT_PER_MINUTE)$/;

function appEnvironment(settings: AppSettings): NodeJS.ProcessEnv {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !INHERITED_EXCLUDE.test(k)) env[k] = v;
  const settingsEnv: Record<string, string> = {
    HOOKRELAY_DATA_DIR: settings.dataDir,
    PORT: String(settings.port),
    BOOTSTRAP_API_KEY: settings.apiKey,
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true",
    LOG_LEVEL: "warn",
    DELIVERY_ENGINE: "embedded",
    ...settings.env,
  };
  return { ...env, ...settingsEnv } as unknown as NodeJS.ProcessEnv;
}

const starts = new Map<string, number>(); // data dir → starts so far, for the log file names

export async function startApp(settings: AppSettings): Promise<RunningApp> {
  const n = (starts.get(settings.dataDir) ?? 0) + 1;
  starts.set(settings.dataDir, n);
  const logFile = path.join(settings.dataDir, `app-${n}.log`);
  const log = createWriteStream(logFile);
  // Node itself with tsx as a loader (what `npx tsx` runs), so the app's pid is the group leader.
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    cwd: settings.root,
    env: appEnvironment(settings),
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const take = (chunk: Buffer) => {
    log.write(chunk);
    if (output.length < 64 * 1024) output += chunk.toString("utf8");
  };
  child.stdout!.on("data", take);
  child.stderr!.on("data", take);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  exited.then(() => log.end(), () => {});

  const deadline = Date.now() + (settings.readyTimeoutMs ?? 600_000);
  while (!output.includes("[hookrelay] ready on")) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the app exited while starting (see ${logFile}):\n${output.slice(-4000)}`);
    if (Date.now() > deadline) {
      await crashApp({ pid: child.pid!, baseUrl: "", logFile, exited }, settings.dataDir);
      throw new Error(`the app did not become ready (see ${logFile}):\n${output.slice(-4000)}`);
    }
    await sleep(100);
  }
  return { pid: child.pid!, baseUrl: `http://127.0.0.1:${settings.port}`, logFile, exited };
}

/**
 * `kill -9` of every process in the app's group except the embedded PostgreSQL (and its
 * backends), all at once. Returns when the app's main process is gone.
 */
export async function crashApp(app: RunningApp, dataDir: string): Promise<void> {
  const postmaster = runningPostmaster(path.join(dataDir, "postgres"));
  for (const pid of processGroupMembers(app.pid, postmaster ? [postmaster.pid] : [])) signal(pid, "SIGKILL");
  if (!(await waitForExit(app.pid, 10_000))) throw new Error(`the app (pid ${app.pid}) survived SIGKILL`);
}

/** A graceful stop (SIGTERM), as an operator would; returns the exit code. */
export async function stopApp(app: RunningApp, timeoutMs = 60_000): Promise<number | null> {
  signal(app.pid, "SIGTERM");
  const code = await Promise.race([app.exited, sleep(timeoutMs).then(() => "timeout" as const)]);
  if (code === "timeout") {
    signal(-app.pid, "SIGKILL");
    throw new Error(`the app did not stop within ${timeoutMs} ms of SIGTERM`);
  }
  return code;
}
