// Hookrelay as the benchmark runs it: a real `npm start` child process (production build, the
// embedded delivery engine in the same process as the web server), pointed at the bench's
// database, with its resident memory sampled from /proc while it runs.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Pool } from "undici";
import { freePort } from "@/lib/db/embedded-postgres";

export interface AppOptions {
  databaseUrl: string;
  apiKey: string;
  log: (message: string) => void;
  /** `npm start` rebuilds when sources changed; another developer's half-saved file can break a build. */
  startAttempts?: number;
  env?: Record<string, string>;
}

export interface RunningApp {
  baseUrl: string;
  /** The server process (node running scripts/start.mjs). */
  pid: number;
  http: Pool;
  /** GET/POST JSON with the bench's API key. */
  call<T = unknown>(method: string, pathName: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Current and peak resident set size (MB) of the app's server process. */
  memory(): Promise<{ rssMb: number; peakRssMb: number }>;
  stop(): Promise<void>;
}

async function childrenOf(pid: number): Promise<number[]> {
  try {
    const tasks = await readdir(`/proc/${pid}/task`);
    const lists = await Promise.all(tasks.map((t) => readFile(`/proc/${pid}/task/${t}/children`, "utf8").catch(() => "")));
    return lists.flatMap((l) => l.split(/\s+/).filter(Boolean).map(Number));
  } catch {
    return [];
  }
}

/** The server under `pid` (npm → sh → node scripts/start.mjs, or tsx → node scripts/start.ts): the deepest process running the start script, not its helpers (esbuild). */
async function serverProcess(pid: number): Promise<number> {
  let server = pid;
  for (let level = [pid]; level.length > 0; ) {
    const next: number[] = [];
    for (const p of level) {
      const cmdline = await readFile(`/proc/${p}/cmdline`, "utf8").catch(() => "");
      if (/scripts\/start\.(ts|mjs)\0/.test(cmdline)) server = p;
      next.push(...(await childrenOf(p)));
    }
    level = next;
  }
  return server;
}

async function statusField(pid: number, field: "VmRSS" | "VmHWM"): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8").catch(() => "");
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
  return match ? Number(match[1]) / 1024 : 0;
}

function startOnce(options: AppOptions, port: number, dataDir: string): Promise<{ child: ChildProcess; output: string[] }> {
  // BENCH_PROFILE_DIR=dir: the same start script under `node --cpu-prof` (written when it stops).
  const profileDir = process.env.BENCH_PROFILE_DIR;
  const [command, args] = profileDir
    ? [process.execPath, ["--cpu-prof", "--cpu-prof-dir", path.resolve(profileDir), "scripts/start.mjs"]]
    : ["npm", ["start", "--silent"]];
  const child = spawn(command, args, {
    cwd: process.cwd(),
    detached: true, // its own process group, so stop() reaches npm, tsx and the server at once
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      DATABASE_URL: options.databaseUrl,
      HOOKRELAY_DATA_DIR: dataDir,
      BOOTSTRAP_API_KEY: options.apiKey,
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true",
      LOG_LEVEL: "warn",
      DELIVERY_ENGINE: "embedded",
      // The bench is one caller sending thousands of requests a second: lift the per-key limit.
      API_RATE_LIMIT_PER_MINUTE: "100000000",
      ...options.env,
    },
  });
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    const onLine = (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) {
        output.push(line);
        if (output.length > 400) output.shift();
        if (/\[hookrelay\] (building|applying|ready|start failed)/.test(line)) options.log(line.replace(/^\[hookrelay\] /, "app: "));
        if (line.includes("ready on http")) resolve({ child, output });
      }
    };
    child.stdout!.on("data", onLine);
    child.stderr!.on("data", onLine);
    child.once("exit", (code) => reject(Object.assign(new Error(`npm start exited with ${code}`), { output })));
  });
}

export async function startApp(options: AppOptions): Promise<RunningApp> {
  const dataDir = await mkdtemp(path.join(tmpdir(), "hookrelay-bench-app-"));
  const port = await freePort();
  let started: { child: ChildProcess; output: string[] } | undefined;
  const attempts = options.startAttempts ?? 3;
  for (let attempt = 1; !started; attempt++) {
    try {
      started = await startOnce(options, port, dataDir);
    } catch (error) {
      const output = (error as { output?: string[] }).output ?? [];
      if (attempt >= attempts) throw new Error(`Hookrelay did not start:\n${output.slice(-40).join("\n")}`);
      options.log(`app: start failed (attempt ${attempt}/${attempts}, e.g. a build while another developer edits); retrying in 5 s`);
      await new Promise((r) => setTimeout(r, 5000));
    }
  }
  const { child } = started;
  const serverPid = await serverProcess(child.pid!);
  let peakRssMb = 0;
  const sample = async () => {
    peakRssMb = Math.max(peakRssMb, await statusField(serverPid, "VmRSS"), await statusField(serverPid, "VmHWM"));
  };
  const sampler = setInterval(() => void sample(), 250);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const baseUrl = `http://127.0.0.1:${port}`;
  const http = new Pool(baseUrl, { connections: 128, pipelining: 1, keepAliveTimeout: 30_000 });
  const headers = { authorization: `Bearer ${options.apiKey}`, "content-type": "application/json" };
  return {
    baseUrl,
    pid: serverPid,
    http,
    async call<T>(method: string, pathName: string, body?: unknown) {
      const response = await http.request({ method: method as "GET", path: pathName, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await response.body.text();
      return { status: response.statusCode, body: (text ? JSON.parse(text) : null) as T };
    },
    async memory() {
      await sample();
      return { rssMb: await statusField(serverPid, "VmRSS"), peakRssMb };
    },
    async stop() {
      clearInterval(sampler);
      await http.close().catch(() => {});
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        /* already gone */
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, "SIGKILL");
        } catch {
          /* gone */
        }
      }, 15_000);
      await exited;
      clearTimeout(timer);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
