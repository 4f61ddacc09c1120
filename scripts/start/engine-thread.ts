// Runs the delivery engine (lib/engine/engine.ts) in a worker thread of the server process
// (scripts/start/engine-worker.ts). A thread, not a child process: one process to start, stop
// and watch, one set of settings (the worker gets this process's environment). If the thread
// dies of an uncaught error it is started again; nothing is lost meanwhile, the work stays in
// the tables and its leases expire.
import { Worker, type ResourceLimits } from "node:worker_threads";
import { config } from "@/lib/config";

const RESTART_DELAY_MS = 1_000;

/**
 * The engine thread's V8 heap limits. Young generation 48 MB (16 MB semi-spaces, V8's default):
 * deliveries in flight must die young; with smaller semi-spaces they were promoted, and old-space
 * collections cost a fifth of the throughput (bench/README.md, "Session 15"). Old generation: a
 * ceiling far above its working set (~40–60 MB live under load), so a leak ends the thread
 * (restarted below) instead of the whole process.
 */
export const ENGINE_RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 48, maxOldGenerationSizeMb: 512 } as const;

export interface EngineThread {
  /** The heap limits the running thread reported (undefined without an engine thread). */
  resourceLimits?: ResourceLimits;
  stop(): Promise<void>;
}

export async function startEngineThread(log: (message: string) => void): Promise<EngineThread> {
  // With Inngest driving deliveries there is no engine to run here.
  if (config().deliveryEngine !== "embedded") return { stop: async () => {} };
  let stopping = false;
  let worker: Worker;
  let exited: Promise<void>;
  let resourceLimits: ResourceLimits | undefined;

  const spawn = () =>
    new Promise<void>((resolve, reject) => {
      worker = new Worker(new URL("./engine-worker.mjs", import.meta.url), { resourceLimits: ENGINE_RESOURCE_LIMITS });
      exited = new Promise((done) => worker.once("exit", () => done()));
      worker.once("message", (message: { resourceLimits?: ResourceLimits }) => {
        resourceLimits = message.resourceLimits;
        resolve();
      });
      worker.once("error", (error) => {
        reject(error);
        if (stopping) return;
        log(`delivery engine thread failed (${error.message}); restarting it`);
        setTimeout(() => void spawn().catch(() => {}), RESTART_DELAY_MS);
      });
    });

  await spawn();
  return {
    get resourceLimits() {
      return resourceLimits;
    },
    async stop() {
      stopping = true;
      worker.postMessage("stop");
      await exited;
    },
  };
}
