// One HTTP POST of a webhook, returned as data: the delivery core records every outcome
// (success, HTTP status, timeout, refused connection, SSRF refusal…) as an attempt, so nothing
// here throws for a network outcome. The HTTP client is undici; what is hand-written is the
// policy around it: the SSRF pinning, the response-size cap and the error classes.
import { isIP, type LookupFunction } from "node:net";
import { performance } from "node:perf_hooks";
import { Agent } from "undici";
import { resolveAllowedAddresses } from "@/lib/webhooks/url-guard";

export interface PostInput {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  allowPrivateNetworks: boolean;
  ipWhitelist: string[];
  /** Kept of the response body (default 64 KiB); beyond that it is drained up to a limit, then the socket is dropped. */
  maxResponseBytes?: number;
}

export type ErrorClass = "timeout" | "connection" | "dns" | "http_status" | "redirect" | "ssrf_blocked" | "tls" | "response_too_large";

export interface PostOutcome {
  ok: boolean;
  statusCode: number | null;
  responseTimeMs: number;
  responseHeaders: Record<string, string>;
  responseBody: string;
  retryAfterSeconds: number | null;
  errorClass: ErrorClass | null;
  errorMessage: string | null;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;
/** Past the kept part, this much more is read and thrown away so the keep-alive socket can be reused; a bigger body costs a new socket. */
const DRAIN_LIMIT_BYTES = 1024 * 1024;
const USER_AGENT = "Hookrelay-Webhook/1.0";
/** undici's fast timers (headersTimeout, bodyTimeout) have this resolution (undici lib/util/timers.js). */
const UNDICI_TIMER_RESOLUTION_MS = 1000;

// DNS pinning. The URL's host is resolved once per attempt by `resolveAllowedAddresses` (which
// applies this webhook's private-network and whitelist rules), and the connection must go to one
// of exactly those addresses, or a second DNS answer could point it inward (DNS rebinding). We
// keep one keep-alive Agent per (host, validated addresses) whose `connect.lookup` answers with
// those addresses only, in a small LRU. Why not one shared Agent that validates in `lookup`:
// a connection pool is per origin, not per webhook, so a socket opened for a webhook without a
// whitelist would be reused by another webhook whose whitelist excludes that address. Keyed by
// the validated addresses, a pooled socket can only ever lead to an address just validated for
// this request. The hostname stays in the URL, so Host, SNI and certificate checks are unchanged.
const AGENT_CACHE_SIZE = 256;
const agents = new Map<string, Agent>();

function pinnedLookup(addresses: string[]): LookupFunction {
  const entries = addresses.map((address) => ({ address, family: isIP(address) }));
  return (_hostname, options, callback) => {
    if (options.all) callback(null, entries);
    else callback(null, entries[0].address, entries[0].family);
  };
}

function pinnedAgent(hostname: string, addresses: string[]): Agent {
  const key = `${hostname}|${[...addresses].sort().join(",")}`;
  const cached = agents.get(key);
  if (cached) {
    agents.delete(key); // re-insert: Map order is the LRU order
    agents.set(key, cached);
    return cached;
  }
  const agent = new Agent({
    connections: 64, // per origin: many deliveries to one busy receiver run in parallel
    pipelining: 1, // a slow webhook response must not hold up the next delivery
    keepAliveTimeout: 10_000,
    connect: { lookup: pinnedLookup(addresses) },
  });
  agents.set(key, agent);
  if (agents.size > AGENT_CACHE_SIZE) {
    const [oldestKey, oldest] = agents.entries().next().value as [string, Agent];
    agents.delete(oldestKey);
    oldest.close().catch(() => {}); // waits for its in-flight requests
  }
  return agent;
}

/** Retry-After as seconds from now: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  if (!/[a-z]/i.test(text)) return null; // an HTTP date names its month; V8 would read "-5" as a year
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "UND_ERR_CONNECT_TIMEOUT", "ETIMEDOUT"]);
const DNS_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_FAIL", "EAI_NODATA"]);
const TOO_LARGE_CODES = new Set(["UND_ERR_HEADERS_OVERFLOW", "UND_ERR_RES_EXCEEDED_MAX_SIZE"]);
const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|EPROTO$)|CERT|SELF_SIGNED|UNABLE_TO_VERIFY/;

/** Error codes of `error`, its causes and, for a happy-eyeballs AggregateError, its parts. */
function errorCodes(error: unknown, depth = 0): string[] {
  if (!error || typeof error !== "object" || depth > 4) return [];
  const e = error as { code?: unknown; cause?: unknown; errors?: unknown };
  const own = typeof e.code === "string" ? [e.code] : [];
  const parts = Array.isArray(e.errors) ? e.errors.flatMap((part) => errorCodes(part, depth + 1)) : [];
  return [...own, ...errorCodes(e.cause, depth + 1), ...parts];
}

function classifyError(error: unknown): ErrorClass {
  const codes = errorCodes(error);
  if (codes.some((c) => TIMEOUT_CODES.has(c))) return "timeout";
  if (codes.some((c) => DNS_CODES.has(c))) return "dns";
  if (codes.some((c) => TOO_LARGE_CODES.has(c))) return "response_too_large";
  if (codes.some((c) => TLS_CODE.test(c))) return "tls";
  return "connection";
}

function errorMessage(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return error.errors.map(errorMessage).join("; ");
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return `${error.message || error.name}${cause}`;
  }
  return String(error);
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

/**
 * The attempt's deadline: an abort signal for undici, and a hook so a DNS lookup that hangs
 * still ends within the timeout. One plain timer, not `AbortSignal.timeout()` and an abort
 * listener: those cost ~25 µs of CPU per request, a tenth of a delivery's (bench/README.md).
 */
function deadline(timeoutMs: number) {
  const controller = new AbortController();
  let onExpiry: (() => void) | undefined;
  const timer = setTimeout(() => {
    controller.abort(new DOMException(`no complete response within ${timeoutMs} ms`, "TimeoutError"));
    onExpiry?.();
  }, timeoutMs);
  timer.unref();
  return {
    signal: controller.signal,
    /** Rejects when the deadline passes first. */
    race<T>(promise: Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (controller.signal.aborted) return reject(controller.signal.reason);
        onExpiry = () => reject(controller.signal.reason);
        promise.then(resolve, reject).finally(() => (onExpiry = undefined));
      });
    },
    clear: () => clearTimeout(timer),
  };
}

/** Where a URL's requests go, parsed once per URL (the same few URLs are posted to over and over). */
interface Target {
  hostname: string;
  origin: string;
  path: string;
}

const TARGET_CACHE_SIZE = 1024;
const targets = new Map<string, Target>();

function targetOf(url: string): Target {
  let target = targets.get(url);
  if (!target) {
    const parsed = new URL(url);
    target = { hostname: parsed.hostname, origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
    if (targets.size >= TARGET_CACHE_SIZE) targets.delete(targets.keys().next().value as string);
    targets.set(url, target);
  }
  return target;
}

export async function postWebhook(input: PostInput): Promise<PostOutcome> {
  const started = performance.now();
  const maxKeep = input.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const timeout = deadline(input.timeoutMs);
  const { signal } = timeout;
  let statusCode: number | null = null;
  let responseHeaders: Record<string, string> = {};
  const kept: Buffer[] = [];

  const outcome = (errorClass: ErrorClass | null, message: string | null): PostOutcome => ({
    ok: errorClass === null,
    statusCode,
    responseTimeMs: performance.now() - started,
    responseHeaders,
    responseBody: Buffer.concat(kept).toString("utf8"),
    retryAfterSeconds: parseRetryAfter(responseHeaders["retry-after"]),
    errorClass,
    errorMessage: message,
  });

  try {
    const resolved = await timeout.race(
      resolveAllowedAddresses(input.url, { allowPrivateNetworks: input.allowPrivateNetworks, ipWhitelist: input.ipWhitelist }),
    );
    if (!resolved.ok) return outcome(resolved.problem.code === "unresolvable" ? "dns" : "ssrf_blocked", resolved.problem.message);

    const target = targetOf(input.url);
    const headers = Object.keys(input.headers).some((h) => h.toLowerCase() === "user-agent") ? input.headers : { "user-agent": USER_AGENT, ...input.headers };
    const response = await pinnedAgent(target.hostname, resolved.addresses).request({
      origin: target.origin,
      path: target.path,
      method: "POST",
      headers,
      body: input.body,
      signal,
      // The abort signal enforces timeout_ms. undici's own timers tick with ~1 s resolution and
      // fired up to 0.5 s early (a 800 ms timeout after 680 ms), so they only back it up.
      headersTimeout: input.timeoutMs + UNDICI_TIMER_RESOLUTION_MS,
      bodyTimeout: input.timeoutMs + UNDICI_TIMER_RESOLUTION_MS,
    });
    statusCode = response.statusCode;
    responseHeaders = flattenHeaders(response.headers);

    // Keep the first `maxKeep` bytes; never buffer the rest (a receiver may send gigabytes).
    let keptBytes = 0;
    let readBytes = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      readBytes += chunk.length;
      if (keptBytes < maxKeep) {
        const part = chunk.subarray(0, maxKeep - keptBytes);
        kept.push(part);
        keptBytes += part.length;
      }
      if (readBytes > maxKeep + DRAIN_LIMIT_BYTES) break; // leaving the loop destroys the body and its socket
    }

    if (statusCode >= 200 && statusCode < 300) return outcome(null, null);
    if (statusCode >= 300 && statusCode < 400) {
      const location = responseHeaders.location ? ` to ${responseHeaders.location}` : "";
      return outcome("redirect", `HTTP ${statusCode}: redirect${location} not followed`);
    }
    return outcome("http_status", `HTTP ${statusCode}`);
  } catch (error) {
    if (signal.aborted) return outcome("timeout", `no complete response within ${input.timeoutMs} ms`);
    return outcome(classifyError(error), errorMessage(error));
  } finally {
    timeout.clear();
  }
}
