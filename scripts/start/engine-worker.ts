// The delivery engine's thread (scripts/start/engine-thread.ts starts it): the embedded
// dispatcher with its own event loop, database pool and V8 heap, so deliveries and API
// requests do not wait for each other, and a 2-core machine uses both cores for them.
import { parentPort, resourceLimits } from "node:worker_threads";
import { disconnectDb } from "@/lib/db/client";
import { startDeliveryEngine } from "@/lib/engine/engine";

const engine = await startDeliveryEngine();
parentPort!.on("message", async (message: unknown) => {
  if (message !== "stop") return;
  // In-flight attempts finish and are recorded, then the pool closes: the thread ends by itself.
  await engine.stop();
  await disconnectDb().catch(() => {});
  parentPort!.close();
});
// The heap limits this thread runs with, as V8 applied them (engine-thread.test.ts checks them).
parentPort!.postMessage({ started: true, resourceLimits });
