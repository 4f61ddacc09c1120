// Starts bench/receiver-process.ts as a child process and talks to it over IPC.
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { ReceiverCommand, ReceiverReply } from "@/bench/receiver-process";

type Command = ReceiverCommand extends infer C ? (C extends { id: number } ? Omit<C, "id"> : never) : never;

export interface Receivers {
  /** Opens one endpoint per delay; returns their URLs, in order. Endpoint numbers continue across calls. */
  listen(delaysMs: number[], pathName?: string): Promise<{ urls: string[]; first: number }>;
  /** Requests received so far, per endpoint number. */
  counts(): Promise<number[]>;
  /** publish→received latencies (ms) recorded by these endpoints. */
  latencies(endpoints: number[]): Promise<number[]>;
  reset(): Promise<void>;
  close(): Promise<void>;
  readonly pid: number;
}

export async function startReceivers(): Promise<Receivers> {
  const child: ChildProcess = fork(path.join(import.meta.dirname, "receiver-process.ts"), [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let nextId = 1;
  let endpointCount = 0;
  const pending = new Map<number, (reply: ReceiverReply) => void>();
  child.on("message", (reply: ReceiverReply) => {
    pending.get(reply.id)?.(reply);
    pending.delete(reply.id);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ask = (command: Command) =>
    new Promise<ReceiverReply>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, resolve);
      child.send({ ...command, id }, (error) => error && reject(error));
    });
  await new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", reject);
  });
  return {
    pid: child.pid!,
    async listen(delaysMs, pathName = "hook") {
      const { ports } = await ask({ op: "listen", delaysMs });
      const first = endpointCount;
      endpointCount += delaysMs.length;
      return { urls: ports!.map((port) => `http://127.0.0.1:${port}/${pathName}`), first };
    },
    counts: async () => (await ask({ op: "counts" })).counts!,
    latencies: async (endpoints) => (await ask({ op: "latencies", endpoints })).latencies!,
    reset: async () => void (await ask({ op: "reset" })),
    async close() {
      if (child.exitCode !== null) return;
      await Promise.race([ask({ op: "close" }), new Promise((r) => setTimeout(r, 2000))]);
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
