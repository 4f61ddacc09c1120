// The one wrapper every API route goes through. It authenticates the caller (API key, session
// or portal link) and picks the account, enforces the per-caller rate limit and CSRF rules, reads
// and validates the JSON body and query with zod, and turns every failure into the error
// envelope with the right status. An unknown error becomes a 500 that hides its details
// (and is logged with the request id); a database outage becomes a 503.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { authenticate, resolveAccount, type AccountScope, type Principal } from "@/lib/auth/principal";
import { ApiError, errorStatus, type ErrorDetail } from "@/lib/http/errors";
import { checkRateLimit } from "@/lib/http/rate-limit";
import { bodiesReadByServer, readBodyCapped } from "@/lib/http/read-body";
import { bodiesWrittenByServer, JsonReply } from "@/lib/http/responses";
import { isDatabaseUnavailable, prismaErrorToApiError } from "@/lib/http/db-errors";
import { findUnstorableJson, unstorableTextProblem } from "@/lib/http/storable-input";
import { log } from "@/lib/log";

export const MAX_BODY_BYTES = 256 * 1024;

type Auth = "account" | "admin" | "none";

/** Which portal links a route admits: any (`view`), `manage` links only, or none (the default). */
type PortalAccess = "view" | "manage";

interface RouteOptions<B extends z.ZodType | undefined, Q extends z.ZodType | undefined> {
  auth?: Auth;
  /** Opens the route to merchant portal links (lib/portal); routes without it refuse them. */
  portal?: PortalAccess;
  body?: B;
  query?: Q;
  maxBodyBytes?: number;
  /** An empty request body counts as `{}` (for POSTs whose body is all optional fields). */
  optionalBody?: boolean;
}

type Output<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteContext<B, Q> {
  request: Request;
  params: Record<string, string>;
  requestId: string;
  /** The account acted on; only for authenticated routes. */
  account: AccountScope;
  principal: Principal;
  body: Output<B>;
  query: Output<Q>;
}

type NextContext = { params: Promise<Record<string, string | string[]>> };

export function zodDetails(error: z.ZodError): ErrorDetail[] {
  return error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
}

export function errorResponse(error: ApiError, requestId: string): Response {
  return Response.json(
    { success: false, error: error.message, code: error.code, details: error.details },
    { status: error.status, headers: { "x-request-id": requestId, ...error.headers } },
  );
}

async function readJson(request: Request, maxBytes: number, optional = false): Promise<unknown> {
  const bytes = await readBodyCapped(request, maxBytes);
  if (!bytes) throw new ApiError("payload_too_large", `request body is larger than ${maxBytes} bytes`);
  if (bytes.byteLength === 0 && optional) return {};
  if (bytes.byteLength === 0) throw new ApiError("invalid_json", "request body is empty; send a JSON object");
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new ApiError("invalid_json", "request body is not valid UTF-8");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ApiError("invalid_json", "request body is not valid JSON");
  }
  const problem = findUnstorableJson(value);
  if (problem) throw new ApiError("validation_error", "invalid request body", [problem]);
  return value;
}

/** Path parameters and query values the database could not even compare against (NUL, lone surrogates). */
function checkStorableRequest(request: Request, params: Record<string, string>) {
  // No stored object has such an id, so it is not found rather than a database error.
  if (Object.values(params).some((value) => unstorableTextProblem(value))) throw new ApiError("not_found", "not found");
  for (const [name, value] of new URL(request.url).searchParams) {
    const problem = unstorableTextProblem(name) ?? unstorableTextProblem(value);
    if (problem) throw new ApiError("validation_error", "invalid query parameters", [{ path: name, message: problem }]);
  }
}

function parseWith<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ApiError("validation_error", `invalid ${where}`, zodDetails(result.error));
  return result.data;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The host of an Origin header, or null when it is not a URL (then it matches nothing). */
function originHost(origin: string): string | null {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

/** A browser session may only change state from our own pages (SameSite cookies plus this). */
function checkSameOrigin(request: Request) {
  if (SAFE_METHODS.has(request.method)) return;
  const site = request.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") throw new ApiError("forbidden", "cross-site request refused");
  const origin = request.headers.get("origin");
  if (origin && origin !== "null") {
    // Without a Host header the URL's own host is ours: never skip the comparison (fail closed).
    const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host") ?? new URL(request.url).host;
    if (originHost(origin) !== host) throw new ApiError("forbidden", "cross-origin request refused");
  } else if (!site) {
    throw new ApiError("forbidden", "state-changing requests from a browser session need an Origin header");
  }
}

/** A portal link reaches only the routes that admit it, and a `view` link never writes. */
function checkPortalAccess(principal: Principal, access: PortalAccess | undefined, method: string) {
  if (principal.kind !== "portal") return;
  if (!access) throw new ApiError("forbidden", "a portal link cannot use this route");
  const writes = !SAFE_METHODS.has(method);
  if ((access === "manage" || writes) && principal.capability !== "manage") throw new ApiError("forbidden", "this portal link may only view");
}

/** A handler's answer as a Response; for the custom server's own requests its JSON goes beside it, not in a body stream. */
function toResponse(answer: Response | JsonReply, request: Request): Response {
  if (answer instanceof Response) return answer;
  if (!bodiesReadByServer.has(request)) return Response.json(answer.body, { status: answer.status });
  const response = new Response(null, { status: answer.status, headers: { "content-type": "application/json" } });
  bodiesWrittenByServer.set(response, JSON.stringify(answer.body));
  return response;
}

function toApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error instanceof z.ZodError) return new ApiError("validation_error", "invalid request", zodDetails(error));
  if (isDatabaseUnavailable(error)) return new ApiError("service_unavailable", "the database is unavailable; retry shortly", [], { "retry-after": "5" });
  return prismaErrorToApiError(error);
}

export function route<B extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined>(
  options: RouteOptions<B, Q>,
  handler: (ctx: RouteContext<B, Q>) => Promise<Response | JsonReply>,
) {
  const auth = options.auth ?? "account";
  return async (request: Request, context?: NextContext): Promise<Response> => {
    const requestId = request.headers.get("x-request-id") ?? randomUUID();
    const started = performance.now();
    let status = 500;
    try {
      const rawParams = (await context?.params) ?? {};
      const params = Object.fromEntries(Object.entries(rawParams).map(([k, v]) => [k, Array.isArray(v) ? v.join("/") : v]));
      let principal: Principal | undefined;
      let account: AccountScope | undefined;
      if (auth !== "none") {
        principal = (await authenticate(request)) ?? undefined;
        if (!principal) throw new ApiError("unauthorized", "authentication required: send `Authorization: Bearer <api key>` or sign in", [], { "www-authenticate": "Bearer" });
        if (auth === "admin" && principal.role !== "admin") throw new ApiError("forbidden", "this needs an admin");
        checkPortalAccess(principal, options.portal, request.method);
        if (principal.kind === "session") checkSameOrigin(request);
        const limit = checkRateLimit(principal.subjectId);
        if (!limit.allowed) throw new ApiError("rate_limited", "too many requests", [], { "retry-after": String(limit.retryAfterSeconds) });
        checkStorableRequest(request, params);
        account = await resolveAccount(request, principal);
      }
      const query = options.query
        ? parseWith(options.query, Object.fromEntries(new URL(request.url).searchParams), "query parameters")
        : undefined;
      const body = options.body ? parseWith(options.body, await readJson(request, options.maxBodyBytes ?? MAX_BODY_BYTES, options.optionalBody), "request body") : undefined;
      const answer = await handler({
        request,
        params,
        requestId,
        account: account as AccountScope,
        principal: principal as Principal,
        body: body as Output<B>,
        query: query as Output<Q>,
      });
      const response = toResponse(answer, request);
      status = response.status;
      response.headers.set("x-request-id", requestId);
      return response;
    } catch (error) {
      const apiError = toApiError(error);
      if (apiError) {
        status = apiError.status;
        return errorResponse(apiError, requestId);
      }
      log().error({ err: error, requestId, method: request.method, url: request.url }, "unhandled error in route");
      return errorResponse(new ApiError("internal_error", `internal error (request id ${requestId})`), requestId);
    } finally {
      // One line per request at info (docs/operations.md, "Logs"); skipped cheaply below that level.
      const logger = log();
      if (logger.isLevelEnabled("info")) logger.info({ requestId, method: request.method, path: new URL(request.url).pathname, status, ms: Math.round(performance.now() - started) }, "request");
    }
  };
}

export { errorStatus };
