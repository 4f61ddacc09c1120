// Database failures as API errors: a missing row is a 404, a unique clash a 409, and a
// database that cannot be reached a 503 (the client may retry; nothing was accepted).
import { ApiError } from "@/lib/http/errors";

const UNAVAILABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "57P01", "57P02", "57P03", "08000", "08001", "08003", "08006", "P1001", "P1002", "P1017"]);

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, syscall } = e as { code?: string; syscall?: string };
    if (code && UNAVAILABLE_CODES.has(code)) return true;
    // A stopped server removes its Unix socket, so connecting to it finds no file.
    if (code === "ENOENT" && syscall === "connect") return true;
    const message = String((e as { message?: string }).message ?? "");
    // "… is not queryable": node-postgres, for a pooled connection that broke when the server restarted.
    if (/ECONNREFUSED|Connection terminated|terminating connection|is not queryable|the database system is (starting up|shutting down)|Can't reach database/i.test(message)) return true;
  }
  return false;
}

/**
 * Runs `work`, again while the database cannot be reached (waiting 250 ms, then twice as long
 * each time up to 2 s), for at most `forMs`; any other error, or the last one, is thrown.
 */
export async function retryWhileDatabaseAway<T>(work: () => Promise<T>, forMs: number): Promise<T> {
  const giveUpAt = Date.now() + forMs;
  for (let waitMs = 250; ; waitMs = Math.min(waitMs * 2, 2_000)) {
    try {
      return await work();
    } catch (error) {
      if (!isDatabaseUnavailable(error) || Date.now() + waitMs > giveUpAt) throw error;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}

export function prismaErrorToApiError(error: unknown): ApiError | undefined {
  const code = (error as { code?: string })?.code;
  if (code === "P2025") return new ApiError("not_found", "not found");
  // "Unable to start a transaction in the given time": every connection is busy.
  if (code === "P2028") return new ApiError("service_unavailable", "the database is busy; retry shortly", [], { "retry-after": "1" });
  if (code === "P2002") return new ApiError("conflict", "already exists");
  return undefined;
}
