// Runs the delivery engine (lib/engine/engine.ts) in a worker thread of the server process
// (scripts/start/engine-worker.ts). A thread, not a child process: one process to start, stop
// and watch, one set of settings (the worker gets this process's environment). If the thread
// dies of an uncaught error it is started again; nothing is lost meanwhile, the work stays in
// the tables and its leases expire.
import { Worker } from "node:worker_threads";
import { config } from "@/lib/config";

const RESTART_DELAY_MS = 1_000;

export interface EngineThread {
  stop(): Promise<void>;
}

export async function startEngineThread(log: (message: string) => void): Promise<EngineThread> {
  // With Inngest driving deliveries there is no engine to run here.
  if (config().deliveryEngine !== "embedded") return { stop: async () => {} };
  let stopping = false;
  let worker: Worker;
  let exited: Promise<void>;

  const spawn = () =>
    new Promise<void>((resolve, reject) => {
      worker = new Worker(new URL("./engine-worker.mjs", import.meta.url));
      exited = new Promise((done) => worker.once("exit", () => done()));
      worker.once("message", () => resolve());
      worker.once("error", (error) => {
        reject(error);
        if (stopping) return;
        log(`delivery engine thread failed (${error.message}); restarting it`);
        setTimeout(() => void spawn().catch(() => {}), RESTART_DELAY_MS);
      });
    });

  await spawn();
  return {
    async stop() {
      stopping = true;
      worker.postMessage("stop");
      await exited;
    },
  };
}
