// The browser's way to call the Hookrelay API: same-origin fetch with the session cookie, the
// account chosen in the account switcher as `x-hookrelay-account` (or, in the merchant portal,
// the portal link's token in `headers`), and the error envelope turned into a typed error that
// keeps the server's message and per-field details.

export const ACCOUNT_HEADER = "x-hookrelay-account";

export interface ErrorDetail {
  path: string;
  message: string;
}

export class ApiClientError extends Error {
  constructor(
    message: string,
    public readonly status: number,
    public readonly code: string,
    public readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = "ApiClientError";
  }

  get isNotFound() {
    return this.status === 404;
  }
}

export interface ListPage<T> {
  data: T[];
  next_cursor: string | null;
}

export interface RequestOptions {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  body?: unknown;
  /** The account acted on; omitted: the signed-in user's own account. */
  accountId?: string | null;
  /** Sent as they are (the scope's headers: components/api-scope.tsx). */
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

const FALLBACK_MESSAGES: Record<number, string> = {
  401: "Your session has ended. Sign in again.",
  403: "You are not allowed to do this.",
  404: "Not found.",
  429: "Too many requests. Wait a moment and try again.",
  503: "The server is unavailable. Try again shortly.",
};

/** The whole JSON envelope (`{success, data, next_cursor?}`), or null for 204 No Content. */
export async function apiRequest<T = unknown>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json", ...options.headers };
  if (options.accountId) headers[ACCOUNT_HEADER] = options.accountId;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? "GET",
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: "same-origin",
      cache: "no-store",
      signal: options.signal,
    });
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    throw new ApiClientError("Could not reach the server. Check your connection.", 0, "network_error");
  }
  if (response.status === 204) return null as T;
  const text = await response.text();
  let body: { success?: boolean; error?: string; code?: string; details?: ErrorDetail[] } | null = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON (e.g. a proxy's error page or a route this server does not have).
  }
  if (!response.ok || !body || body.success === false) {
    const message = body?.error ?? FALLBACK_MESSAGES[response.status] ?? `Request failed (HTTP ${response.status}).`;
    throw new ApiClientError(message, response.status, body?.code ?? `http_${response.status}`, body?.details ?? []);
  }
  return body as T;
}

/** `data` of a single-object response. */
export async function apiData<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const body = await apiRequest<{ data: T } | null>(path, options);
  return (body?.data ?? null) as T;
}
