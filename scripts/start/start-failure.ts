// A start that cannot go on says why in one line an operator can act on, stops what it had
// started (the embedded PostgreSQL above all), and ends with exit code 1, so that a supervisor
// sees the failure instead of a live process that serves nothing.
import type { Server } from "node:http";

/** A start-up failure whose message is the whole story. */
export class StartFailure extends Error {}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Listens on `port`, or fails with what to do about it. */
export function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", (error) => {
      const code = errorCode(error);
      if (code === "EADDRINUSE") reject(new StartFailure(`port ${port} is in use; set PORT`));
      else if (code === "EACCES") reject(new StartFailure(`port ${port} needs privileges this user lacks; set PORT`));
      else reject(error);
    });
    server.listen(port, () => resolve());
  });
}

/** `work` on the data directory, or a failure naming the directory and the variable to change. */
export async function usingDataDir<T>(dataDir: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const code = errorCode(error);
    if (!code || !/^E[A-Z]+$/.test(code)) throw error;
    throw new StartFailure(`the data directory ${dataDir} cannot be used (${code}: ${(error as Error).message}); set HOOKRELAY_DATA_DIR`);
  }
}

/** DATABASE_URL with its password hidden, for messages. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(not a URL)";
  }
}

/** The one line printed for any error that ends a start. */
export function startFailureLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return `[hookrelay] start failed: ${message}`;
}

/** Runs the stop steps of what was started, newest first, without letting one failure skip the rest. */
export async function stopAll(stops: Array<() => Promise<void>>): Promise<void> {
  for (const stop of [...stops].reverse()) await stop().catch(() => {});
}
