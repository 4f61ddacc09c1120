/// <reference types="vite/client" />
// Calls the real route handlers in-process, the way Next.js would: `api.post("/api/webhooks",
// body, { key })`. Routes are discovered from app/**/route.ts, so a new route is callable
// (and covered by the table-driven tests) without registering it here.

type Handler = (request: Request, context: { params: Promise<Record<string, string | string[]>> }) => Promise<Response>;
type RouteModule = Partial<Record<"GET" | "POST" | "PUT" | "PATCH" | "DELETE", Handler>>;

const modules = import.meta.glob<RouteModule>("/app/**/route.ts");

interface CompiledRoute {
  file: string;
  /** The URL path with `{param}` placeholders, as OpenAPI writes it. */
  template: string;
  pattern: RegExp;
  names: string[];
}

export const routeFiles: CompiledRoute[] = Object.keys(modules)
  .map((file) => {
    const segments = file.replace(/^\/app/, "").replace(/\/route\.ts$/, "").split("/").filter((s) => !/^\(.*\)$/.test(s));
    const names: string[] = [];
    const source = segments
      .map((s) => {
        const catchAll = /^\[\.\.\.(\w+)\]$/.exec(s);
        if (catchAll) return names.push(catchAll[1]), "(.+)";
        const param = /^\[(\w+)\]$/.exec(s);
        if (param) return names.push(param[1]), "([^/]+)";
        return s.replace(/[.]/g, "\\.");
      })
      .join("/");
    const template = segments.map((s) => s.replace(/^\[(?:\.\.\.)?(\w+)\]$/, "{$1}")).join("/");
    return { file, template, pattern: new RegExp(`^${source}$`), names };
  })
  // Static segments win over parameters, as in Next.js.
  .sort((a, b) => a.names.length - b.names.length);

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** The HTTP methods a route file exports. */
export async function routeMethods(file: string): Promise<string[]> {
  const mod = await modules[file]();
  return HTTP_METHODS.filter((m) => typeof mod[m] === "function");
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface CallOptions {
  key?: string;
  headers?: Record<string, string>;
  /** Sent as is (for malformed-input tests) instead of JSON-encoding `body`. */
  rawBody?: string | Uint8Array;
}

export async function call<T = any>(method: string, path: string, body?: unknown, options: CallOptions = {}): Promise<ApiResponse<T>> {
  const url = new URL(path, "http://localhost:3000");
  const match = routeFiles.map((r) => ({ r, m: r.pattern.exec(url.pathname) })).find((x) => x.m);
  if (!match?.m) throw new Error(`no route for ${url.pathname}`);
  const mod = await modules[match.r.file]();
  const handler = mod[method as keyof RouteModule];
  if (!handler) return { status: 405, headers: new Headers(), body: null as T };
  const params = Object.fromEntries(match.r.names.map((n, i) => [n, decodeURIComponent(match.m![i + 1])]));
  const headers = new Headers(options.headers);
  if (options.key) headers.set("authorization", `Bearer ${options.key}`);
  let payload: BodyInit | undefined;
  if (options.rawBody !== undefined) payload = options.rawBody as BodyInit;
  else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers.set("content-type", "application/json");
  }
  const response = await handler(new Request(url, { method, headers, body: payload }), { params: Promise.resolve(params) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: response.status, headers: response.headers, body: parsed as T };
}

export const api = {
  get: <T = any>(path: string, options?: CallOptions) => call<T>("GET", path, undefined, options),
  post: <T = any>(path: string, body?: unknown, options?: CallOptions) => call<T>("POST", path, body, options),
  put: <T = any>(path: string, body?: unknown, options?: CallOptions) => call<T>("PUT", path, body, options),
  patch: <T = any>(path: string, body?: unknown, options?: CallOptions) => call<T>("PATCH", path, body, options),
  delete: <T = any>(path: string, options?: CallOptions) => call<T>("DELETE", path, undefined, options),
};
