// One HTTP POST of a webhook, returned as data: the delivery core records every outcome
// (success, HTTP status, timeout, refused connection, SSRF refusal…) as an attempt, so nothing
// here throws for a network outcome. The HTTP client is undici; what is hand-written is the
// policy around it: the SSRF pinning, the response-size cap and the error classes.
import { isIP, type LookupFunction } from "node:net";
import { performance } from "node:perf_hooks";
import { Agent, util, type Dispatcher } from "undici";
import { config } from "@/lib/config";
import { memoizeBounded } from "@/lib/memoize-bounded";
import { allowedAddressesWithoutDns, resolveAllowedAddresses } from "@/lib/webhooks/url-guard";

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
const USER_AGENT_NAME = /^user-agent$/i;
/** undici's fast timers (headersTimeout, bodyTimeout) have this resolution (undici lib/util/timers.js). */
const UNDICI_TIMER_RESOLUTION_MS = 1000;

// DNS pinning: the connection goes only to the addresses just validated for this webhook (no DNS
// rebinding). One keep-alive Agent per (host, validated addresses), in a small LRU, so a pooled
// socket never leads to an address another webhook's rules excluded. docs/engine.md has the why.
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
  const key = `${hostname}|${addresses.length === 1 ? addresses[0] : [...addresses].sort().join(",")}`;
  const cached = agents.get(key);
  if (cached) {
    agents.delete(key); // re-insert: Map order is the LRU order
    agents.set(key, cached);
    return cached;
  }
  const agent = new Agent({
    // Per origin, and webhooks on one origin share it: as many as the engine has in flight,
    // so the pool never holds back what the concurrency settings allow.
    connections: config().deliveryConcurrency,
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

/** What a request got back: the status, the headers and the first bytes of the body; or how it failed, with whatever came before. */
interface Exchange {
  statusCode: number | null;
  /** As undici hands them over: parsed only when someone reads them (most successful attempts never do). */
  rawHeaders: Buffer[];
  /** At most `maxKeep` bytes. */
  kept: Buffer[];
  error?: unknown;
}

const timeoutError = (ms: number) => new DOMException(`no complete response within ${ms} ms`, "TimeoutError");

/** `promise`, or a TimeoutError once `ms` have passed (a DNS lookup that hangs). */
async function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError(ms)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise, expiry]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * One POST through undici's dispatcher API (cheaper than `agent.request()`: docs/engine.md),
 * under a deadline covering queueing, connecting, headers and body. Keeps the first `maxKeep`
 * bytes, drains up to DRAIN_LIMIT_BYTES more for socket reuse, and drops the socket past that.
 */
function exchange(agent: Agent, options: Dispatcher.DispatchOptions, timeoutMs: number, maxKeep: number): Promise<Exchange> {
  return new Promise((resolve) => {
    let abort: ((reason: Error) => void) | undefined;
    let settled = false;
    let statusCode: number | null = null;
    let rawHeaders: Buffer[] = [];
    const kept: Buffer[] = [];
    let keptBytes = 0;
    let readBytes = 0;
    const timer = setTimeout(() => {
      const reason = timeoutError(timeoutMs);
      abort?.(reason);
      settle(reason);
    }, timeoutMs);
    timer.unref();
    function settle(error?: unknown) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ statusCode, rawHeaders, kept, error });
    }
    agent.dispatch(options, {
      onConnect(abortRequest) {
        if (settled) return abortRequest(new Error("request no longer wanted")); // its deadline passed while it waited for a socket
        abort = abortRequest;
      },
      onHeaders(code, headers) {
        if (code < 200) return true; // 1xx: the final answer follows
        statusCode = code;
        rawHeaders = headers;
        return true;
      },
      onData(chunk) {
        readBytes += chunk.length;
        if (keptBytes < maxKeep) {
          const part = chunk.subarray(0, maxKeep - keptBytes);
          kept.push(part);
          keptBytes += part.length;
        }
        if (readBytes <= maxKeep + DRAIN_LIMIT_BYTES) return true;
        settle();
        abort?.(new Error("response body over the drain limit"));
        return false;
      },
      onComplete: () => settle(),
      onError: (error) => settle(error),
    });
  });
}

/** Where a URL's requests go, parsed once per URL (the same few URLs are posted to over and over). */
interface Target {
  hostname: string;
  origin: string;
  path: string;
}

const targetOf = memoizeBounded(1024, (url): Target => {
  const parsed = new URL(url);
  return { hostname: parsed.hostname, origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
});

export async function postWebhook(input: PostInput): Promise<PostOutcome> {
  const started = performance.now();
  const maxKeep = input.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  let answer: Exchange | undefined;

  // Parsed on first read: only debug mode, a Retry-After and a redirect's Location need them.
  let parsedHeaders: Record<string, string> | undefined;
  const responseHeaders = () => (parsedHeaders ??= answer ? flattenHeaders(util.parseHeaders(answer.rawHeaders)) : {});

  const outcome = (errorClass: ErrorClass | null, message: string | null): PostOutcome => ({
    ok: errorClass === null,
    statusCode: answer?.statusCode ?? null,
    responseTimeMs: performance.now() - started,
    get responseHeaders() {
      return responseHeaders();
    },
    responseBody: answer ? Buffer.concat(answer.kept).toString("utf8") : "",
    // A Retry-After only matters to a failed attempt (a 429 or 503 saying when to come back).
    retryAfterSeconds: errorClass === null ? null : parseRetryAfter(responseHeaders()["retry-after"]),
    errorClass,
    errorMessage: message,
  });

  try {
    const guard = { allowPrivateNetworks: input.allowPrivateNetworks, ipWhitelist: input.ipWhitelist };
    const resolved = allowedAddressesWithoutDns(input.url, guard) ?? (await withDeadline(resolveAllowedAddresses(input.url, guard), input.timeoutMs));
    if (!resolved.ok) return outcome(resolved.problem.code === "unresolvable" ? "dns" : "ssrf_blocked", resolved.problem.message);

    const target = targetOf(input.url);
    const headers = Object.keys(input.headers).some((h) => USER_AGENT_NAME.test(h)) ? input.headers : { "user-agent": USER_AGENT, ...input.headers };
    const left = input.timeoutMs - (performance.now() - started);
    answer = await exchange(
      pinnedAgent(target.hostname, resolved.addresses),
      {
        origin: target.origin,
        path: target.path,
        method: "POST",
        headers,
        body: input.body,
        // The exchange's own timer enforces timeout_ms; undici's coarse timers (they can fire
        // early) only back it up.
        headersTimeout: input.timeoutMs + UNDICI_TIMER_RESOLUTION_MS,
        bodyTimeout: input.timeoutMs + UNDICI_TIMER_RESOLUTION_MS,
      },
      Math.max(1, left),
      maxKeep,
    );
    const { statusCode, error } = answer;
    if (error !== undefined) throw error;
    if (statusCode === null) throw new Error("no response");
    if (statusCode >= 200 && statusCode < 300) return outcome(null, null);
    if (statusCode >= 300 && statusCode < 400) {
      const location = responseHeaders().location ? ` to ${responseHeaders().location}` : "";
      return outcome("redirect", `HTTP ${statusCode}: redirect${location} not followed`);
    }
    return outcome("http_status", `HTTP ${statusCode}`);
  } catch (error) {
    if (error instanceof DOMException && error.name === "TimeoutError") return outcome("timeout", `no complete response within ${input.timeoutMs} ms`);
    return outcome(classifyError(error), errorMessage(error));
  }
}
