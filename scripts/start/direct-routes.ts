// The two high-volume endpoints — publishing (`POST /api/events`) and the inbound receiver —
// served by the custom server itself, calling the very same route handlers without going
// through Next.js's router. Next's per-request work (route matching, its Request/Response
// adapters over web streams, tracing, compression) cost ~1.1 ms of CPU a request on the
// reference machine, more than the handler itself; bypassed, the publish API takes about two
// and a half times more events per second (bench/README.md). Everything else, pages and the rest of the
// API, goes to Next.js. Only in production: `npm run dev` keeps Next's hot reload for all.
import type { IncomingMessage, ServerResponse } from "node:http";
import { bodiesReadByServer } from "@/lib/http/read-body";
import { bodiesWrittenByServer } from "@/lib/http/responses";
import { MAX_BODY_BYTES } from "@/lib/http/route";
import { SECURITY_HEADERS } from "@/lib/http/security-headers";
import { MAX_INBOUND_BYTES } from "@/lib/inbound/receive-inbound";

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

interface DirectRoute {
  method: string;
  /** Matched against the path; named groups are the route's params, as Next would pass them. */
  path: RegExp;
  load: () => Promise<Handler>;
  /** The handler's own body cap: one byte more is read at most, which the handler then refuses (413). */
  maxBodyBytes: number;
}

const ROUTES: DirectRoute[] = [
  {
    method: "POST",
    path: /^\/api\/events\/?$/,
    load: async () => (await import("@/app/api/events/route")).POST as Handler,
    maxBodyBytes: MAX_BODY_BYTES,
  },
  {
    method: "POST",
    path: /^\/v1\/integrations\/webhooks\/(?<sourceSystem>[^/]+)\/(?<userId>[^/]+)\/?$/,
    load: async () => (await import("@/app/v1/integrations/webhooks/[sourceSystem]/[userId]/route")).POST as Handler,
    maxBodyBytes: MAX_INBOUND_BYTES,
  },
];

// Loaded once, on first use (a dynamic import per request costs a round trip to tsx's loader).
const loaded = new Map<DirectRoute, Promise<Handler>>();
function handlerOf(route: DirectRoute): Promise<Handler> {
  let handler = loaded.get(route);
  if (!handler) loaded.set(route, (handler = route.load()));
  return handler;
}

interface Match {
  route: DirectRoute;
  /** Null when a param has a malformed %-escape (Next.js answers those with a 500). */
  params: Record<string, string> | null;
}

function match(req: IncomingMessage): Match | null {
  const url = req.url ?? "";
  const q = url.indexOf("?");
  const pathname = q < 0 ? url : url.slice(0, q);
  for (const route of ROUTES) {
    if (req.method !== route.method) continue;
    const m = route.path.exec(pathname);
    if (!m) continue;
    try {
      return { route, params: Object.fromEntries(Object.entries(m.groups ?? {}).map(([k, v]) => [k, decodeURIComponent(v)])) };
    } catch {
      return { route, params: null };
    }
  }
  return null;
}

/** The body's first `cap` bytes; what follows is left unread (the handler refuses such a body). */
async function readBody(req: IncomingMessage, cap: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= cap) break;
  }
  return Buffer.concat(chunks, Math.min(size, cap));
}

/** The absolute URL handlers see (they read its query); a Host header that is no host gives way to localhost. */
function requestUrl(req: IncomingMessage): string {
  try {
    return new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`).href;
  } catch {
    return new URL(req.url ?? "/", "http://localhost").href;
  }
}

function webHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);
  return headers;
}

function answer(res: ServerResponse, status: number, body: string, headers: Iterable<[string, string]> = []) {
  for (const { key, value } of SECURITY_HEADERS) res.setHeader(key, value);
  for (const [key, value] of headers) res.setHeader(key, value);
  res.setHeader("content-length", Buffer.byteLength(body));
  res.writeHead(status).end(body);
}

async function serve(req: IncomingMessage, res: ServerResponse, { route, params }: Match): Promise<void> {
  if (!params) {
    return answer(res, 400, JSON.stringify({ success: false, error: "the path has a malformed %-escape", code: "invalid_path" }), [["content-type", "application/json"]]);
  }
  const handler = await handlerOf(route);
  const cap = route.maxBodyBytes + 1;
  // A declared length over the cap is refused by the handler from the header alone: not read.
  const declaredTooLong = Number(req.headers["content-length"]) >= cap;
  const body = declaredTooLong ? Buffer.alloc(0) : await readBody(req, cap);
  const headers = webHeaders(req);
  // Cut at the cap: the handler must see the oversized length, whatever was declared.
  if (body.length >= cap) headers.set("content-length", String(body.length));
  const request = new Request(requestUrl(req), { method: req.method, headers });
  bodiesReadByServer.set(request, body);
  const response = await handler(request, { params: Promise.resolve(params) });
  const answerHeaders = [...response.headers];
  // A body left unread is not drained: the connection closes after the answer and says so, or
  // a keep-alive client sends its next request down a socket that is being dropped (ECONNRESET).
  if (declaredTooLong || body.length >= cap) answerHeaders.push(["connection", "close"]);
  answer(res, response.status, bodiesWrittenByServer.get(response) ?? (await response.text()), answerHeaders);
}

/** Serves `req` if it is one of the direct routes; false hands it to Next.js. */
export function serveDirect(req: IncomingMessage, res: ServerResponse): boolean {
  const found = match(req);
  if (!found) return false;
  serve(req, res, found).catch(() => {
    // The handlers answer every error themselves; this is a broken connection or a bug.
    if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" }).end('{"success":false,"error":"internal error","code":"internal_error"}');
    else res.destroy();
  });
  return true;
}
