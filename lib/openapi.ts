// The OpenAPI 3.1 description of the REST API, generated from the same zod schemas that
// validate requests, so the document cannot drift from the code.
import { z } from "zod";
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from "zod-openapi";
import { createAccountInput, updateAccountInput } from "@/lib/accounts/accounts";
import { addUserInput, updateUserInput } from "@/lib/accounts/users";
import { setPasswordInput } from "@/lib/auth/password-tokens";
import { createApiKeyInput } from "@/lib/auth/api-keys";
import { deliveriesQuery, logsQuery } from "@/lib/delivery/delivery-log";
import { checkEndpointInput, endpointCheckJson } from "@/lib/delivery/endpoint-check";
import { replayInput, replayPreviewJson } from "@/lib/delivery/replay";
import { sendTestInput } from "@/lib/delivery/send-test";
import { eventsQuery } from "@/lib/events/event-browser";
import { publishEventInput } from "@/lib/events/publish";
import {
  createIntegrationInput,
  inboundEventsQuery,
  inboundReplayInput,
  integrationListQuery,
  rotateIntegrationSecretInput,
  updateIntegrationInput,
} from "@/lib/inbound/integration-input";
import { createPortalLinkInput } from "@/lib/portal/portal-links";
import { statsQuery } from "@/lib/stats/webhook-stats";
import {
  auraconnectCreateInput,
  auraconnectLogJson,
  auraconnectLogsQuery,
  auraconnectTestInput,
  auraconnectTestJson,
  auraconnectUpdateInput,
  auraconnectWebhookJson,
} from "@/lib/webhooks/auraconnect-dialect";
import { createWebhookInput, listQuery, rotateSecretInput, updateWebhookInput } from "@/lib/webhooks/webhook-input";

const errorEnvelope = z
  .object({
    success: z.literal(false),
    error: z.string(),
    code: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })),
  })
  .meta({ id: "Error" });

const anyData = z.object({ success: z.literal(true), data: z.unknown() });
const listData = z.object({ success: z.literal(true), data: z.array(z.unknown()), next_cursor: z.string().nullable() });

const errors = Object.fromEntries(
  ([400, 401, 404, 422, 429] as const).map((status) => [status, { description: `error (${status})`, content: { "application/json": { schema: errorEnvelope } } }]),
);

interface OpOptions {
  body?: z.ZodType;
  list?: boolean;
  status?: number;
  query?: z.ZodObject;
  /** Whether a merchant portal link's token is accepted too (`view`: any link; `manage`: manage links). */
  portal?: "view" | "manage";
  /** The success answer's `data`, when the operation documents it. */
  data?: z.ZodType;
  /** A list's item, when the operation documents it. */
  items?: z.ZodType;
}

function op(summary: string, options: OpOptions = {}): ZodOpenApiOperationObject {
  const portalNote = options.portal === "manage" ? " Portal links: `manage` only." : options.portal === "view" ? " Portal links: `view` and `manage`." : "";
  const list = options.items ? z.object({ success: z.literal(true), data: z.array(options.items), next_cursor: z.string().nullable() }) : listData;
  const success = options.data ? z.object({ success: z.literal(true), data: options.data }) : options.list ? list : anyData;
  return {
    summary,
    ...(portalNote ? { description: `Also open to a merchant portal link of the account.${portalNote}` } : {}),
    security: [{ bearer: [] }, { session: [] }, ...(options.portal ? [{ portal: [] }] : [])],
    ...(options.query ? { requestParams: { query: options.query } } : {}),
    ...(options.body ? { requestBody: { content: { "application/json": { schema: options.body } } } } : {}),
    responses: {
      [options.status ?? 200]: { description: "success", content: { "application/json": { schema: success } } },
      ...errors,
    },
  };
}

/** An operation of the AuraConnect dialect (seed 003): a bare JSON answer, no envelope. */
function bare(summary: string, answer: z.ZodType, options: { body?: z.ZodType; status?: number; query?: z.ZodObject } = {}): ZodOpenApiOperationObject {
  return { ...op(summary, options), tags: ["AuraConnect dialect (seed 003)"], responses: { [options.status ?? 200]: { description: "success", content: { "application/json": { schema: answer } } }, ...errors } };
}

/** A delivery as the deliveries lists return it (lib/delivery/delivery-log.ts `toDeliveryJson`). */
const deliveryItem = z
  .object({
    id: z.string(),
    webhook_id: z.string(),
    event: z.string(),
    event_id: z.string(),
    status: z.enum(["pending", "succeeded", "dead"]),
    attempts: z.number().int(),
    response_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    last_attempt_at: z.string().nullable(),
    next_attempt_at: z.string().nullable(),
    created_at: z.string(),
    completed_at: z.string().nullable(),
    replay_of: z.string().nullable(),
    is_check: z.boolean(),
    ordering_key: z.string().nullable().meta({ description: "The event's ordering key, or null." }),
    blocked_by: z
      .string()
      .nullable()
      .meta({ description: "A pending keyed delivery waiting behind an earlier one of its webhook and key: that delivery's id (the first in the key's line); null otherwise." }),
  })
  .meta({ id: "Delivery" });

const id = z.object({ id: z.string() });
const withId = (o: ZodOpenApiOperationObject): ZodOpenApiOperationObject => ({ ...o, requestParams: { ...o.requestParams, path: id } });
const portalLink = z.object({ success: z.literal(true), data: z.object({ url: z.string(), expires_at: z.string() }) }).meta({ id: "PortalLink" });
const userPath = z.object({ id: z.string(), user_id: z.string() });
const withUserId = (o: ZodOpenApiOperationObject): ZodOpenApiOperationObject => ({ ...o, requestParams: { ...o.requestParams, path: userPath } });
const forbidden = { 403: { description: "not an admin, or the caller's account is disabled (`account_disabled`)", content: { "application/json": { schema: errorEnvelope } } } };
const conflict = (description: string) => ({ 409: { description, content: { "application/json": { schema: errorEnvelope } } } });
/** An operators-only operation: members get 403. */
const adminOp = (summary: string, options: Parameters<typeof op>[1] = {}, extra: ZodOpenApiOperationObject["responses"] = {}): ZodOpenApiOperationObject => {
  const o = op(summary, options);
  return { ...o, responses: { ...o.responses, ...forbidden, ...extra } };
};
const deleted = (summary: string, extra: ZodOpenApiOperationObject["responses"] = {}): ZodOpenApiOperationObject => ({
  summary,
  security: [{ bearer: [] }, { session: [] }],
  responses: { 204: { description: "deleted" }, ...errors, ...forbidden, ...extra },
});

const paths: ZodOpenApiPathsObject = {
  "/api/webhooks": {
    get: op("List webhooks (newest first, cursor pagination)", { list: true, query: listQuery, portal: "view" }),
    post: op("Create a webhook; the response holds its secret, shown only here and on rotation", { body: createWebhookInput, status: 201, portal: "manage" }),
  },
  "/api/webhooks/{id}": {
    get: withId(op("Read a webhook", { portal: "view" })),
    put: withId(op("Change the fields given, like PATCH (seeds 002 and 003 send partial PUT bodies)", { body: updateWebhookInput, portal: "manage" })),
    patch: withId(op("Change the fields given; `null` clears an optional field", { body: updateWebhookInput, portal: "manage" })),
    delete: withId({ summary: "Delete a webhook", security: [{ bearer: [] }, { session: [] }, { portal: [] }], responses: { 204: { description: "deleted" }, ...errors } }),
  },
  "/api/webhooks/{id}/rotate-secret": {
    post: withId(op("New secret; the old one keeps signing alongside it for 24 h", { body: rotateSecretInput, portal: "manage" })),
  },
  "/api/webhooks/{id}/test": {
    post: withId(op("Deliver the event type's example payload now; returns the first attempt's outcome", { body: sendTestInput, portal: "manage" })),
  },
  "/api/webhooks/{id}/check": {
    post: withId(
      op(
        "Endpoint check: send a wrongly signed, a stale (standard profile), a correctly signed and a repeated request, each with `webhook-check: 1`, and return the checklist",
        { body: checkEndpointInput, data: endpointCheckJson, portal: "manage" },
      ),
    ),
  },
  "/api/webhooks/{id}/deliveries": { get: withId(op("The webhook's deliveries, newest first; a keyed one waiting behind an earlier one of its key names it in `blocked_by`", { list: true, items: deliveryItem, query: deliveriesQuery, portal: "view" })) },
  "/api/webhooks/{id}/logs": { get: withId(op("The webhook's attempts, newest first", { list: true, query: logsQuery, portal: "view" })) },
  "/api/webhooks/{id}/stats": { get: withId(op("Delivery health over a window: success rate, latency, series, errors", { query: statsQuery, portal: "view" })) },
  "/api/webhooks/{id}/replay": {
    get: withId(op("The webhook's dead letters", { list: true, query: listQuery, portal: "view" })),
    post: withId(
      op("Queue dead letters again: one by `failure_id`, or all `since` a time; each replay carries `webhook-replay: <original delivery id>`. With `dry_run: true`, answers what would be replayed (ReplayPreview) and changes nothing", {
        body: replayInput,
        portal: "manage",
        data: z.union([z.object({ replayed: z.number().int(), delivery_ids: z.array(z.string()) }), replayPreviewJson]),
      }),
    ),
  },
  "/api/v1/webhooks": {
    get: bare("List webhooks (seed 003)", z.object({ webhooks: z.array(auraconnectWebhookJson), total: z.number().int() })),
    post: bare("Register a webhook (seed 003); signs with the `auraconnect` profile and retry policy unless told otherwise", auraconnectWebhookJson, {
      body: auraconnectCreateInput,
      status: 201,
    }),
  },
  "/api/v1/webhooks/{id}": {
    get: withId(bare("Read a webhook (seed 003)", auraconnectWebhookJson)),
    put: withId(bare("Change the fields given (seed 003)", auraconnectWebhookJson, { body: auraconnectUpdateInput })),
    delete: withId({ summary: "Delete a webhook (seed 003)", tags: ["AuraConnect dialect (seed 003)"], responses: { 204: { description: "deleted" }, ...errors } }),
  },
  "/api/v1/webhooks/test": {
    post: bare("Deliver the event type's example payload to the webhook now; answers the attempt as a log entry (seed 003)", auraconnectTestJson, { body: auraconnectTestInput }),
  },
  "/api/v1/webhooks/{id}/logs": {
    get: withId(bare("The webhook's attempts, newest first (seed 003)", z.object({ logs: z.array(auraconnectLogJson) }), { query: auraconnectLogsQuery })),
  },
  "/api/events": {
    get: op("The event browser: the account's events newest first with their fan-out counts; filters `type`, `status`, `webhook_id`, `since`, `until`", {
      list: true,
      query: eventsQuery,
      portal: "view",
    }),
    post: op("Publish an event; 202 with the deliveries it created (200 for a repeated id)", { body: publishEventInput, status: 202 }),
  },
  "/api/events/{id}": {
    get: withId(op("An event (by Hookrelay's or the publisher's id): its payload, each delivery with its webhook, last response and dead letter, and its inbound `source`", { portal: "view" })),
  },
  "/api/event-types": { get: op("The event catalog, with an example payload per type", { portal: "view" }) },
  "/api/integrations": {
    get: op("List inbound integrations", { list: true, query: integrationListQuery }),
    post: op("Register an inbound source; the response holds its webhook_secret, shown only here", { body: createIntegrationInput, status: 201 }),
  },
  "/api/integrations/{id}": {
    get: withId(op("Read an integration")),
    patch: withId(op("Change an integration", { body: updateIntegrationInput })),
    delete: withId({ summary: "Delete an integration", responses: { 204: { description: "deleted" }, ...errors } }),
  },
  "/api/integrations/{id}/rotate-secret": { post: withId(op("New webhook_secret for the integration", { body: rotateIntegrationSecretInput })) },
  "/api/integrations/{id}/events": { get: withId(op("What the integration received, newest first", { list: true, query: inboundEventsQuery })) },
  "/api/integrations/{id}/replay": {
    post: withId(
      op("Process dead inbound events again; with `dry_run: true`, answers what would be replayed (ReplayPreview) and changes nothing", {
        body: inboundReplayInput,
        data: z.union([z.object({ replayed: z.number().int(), event_ids: z.array(z.string()) }), replayPreviewJson]),
      }),
    ),
  },
  "/v1/integrations/webhooks/{source_system}/{user_id}": {
    post: {
      summary: "Receive a webhook from an outside system (seed 000): `X-Webhook-Signature: sha256=<hex HMAC of the raw body>`",
      requestParams: { path: z.object({ source_system: z.string(), user_id: z.string() }) },
      requestBody: { content: { "application/json": { schema: z.object({ event: z.string(), timestamp: z.string().optional(), source_system: z.string().optional(), data: z.record(z.string(), z.unknown()) }) } } },
      responses: {
        200: { description: "stored (or already stored)", content: { "application/json": { schema: z.object({ success: z.literal(true), internal_id: z.string(), message: z.string() }) } } },
        400: { description: "malformed JSON or unknown event" },
        401: { description: "bad or missing signature, or unknown integration" },
        413: { description: "body over 256 KB" },
        429: { description: "the integration's rate limit" },
      },
    },
  },
  "/api/stats": { get: op("Account-wide delivery health over a window (the dashboard)", { query: statsQuery }) },
  "/api/stats/webhooks": { get: op("Per-webhook health: 24 h success rate, latency, last attempt, failing streak", { portal: "view" }) },
  "/api/api-keys": {
    get: op("The account's API keys (prefix only; a key is shown once, on creation)"),
    post: op("Create an API key; the response holds the key, shown only here", { body: createApiKeyInput, status: 201 }),
  },
  "/api/api-keys/{id}": { delete: withId({ summary: "Revoke an API key", responses: { 204: { description: "revoked" }, ...errors } }) },
  "/api/accounts": {
    get: adminOp("All accounts (admins only), each with `webhooks`, `users`, `attempts_24h`, `success_rate_24h` (0–1, null without attempts) and `dead_letters` waiting"),
    post: adminOp("Create an account, optionally with its first member user (admins only)", { body: createAccountInput, status: 201 }, conflict("the member email is in use")),
  },
  "/api/accounts/{id}": {
    get: withId(adminOp("Read an account: `{id, name, portal_branding, disabled, disabled_at, created_at}` (admins only)")),
    patch: withId(
      adminOp(
        "Rename an account, set or clear (`null`) its portal branding, disable or enable it (admins only). A disabled account's API keys and users get 403 `account_disabled`",
        { body: updateAccountInput },
        conflict("disabling the caller's own account, or the one holding the only admin users"),
      ),
    ),
    delete: withId(deleted("Delete an account and everything it owns (admins only)", conflict("the caller's own account, or the one holding the only admin users"))),
  },
  "/api/accounts/{id}/users": {
    get: withId(adminOp("The account's users `{id, account_id, email, name, role, password_set, created_at}` (admins only)")),
    post: withId(
      adminOp(
        "Add a user (admins only). Without `password` the answer holds `set_password_url` and `set_password_expires_at`: a one-time link, valid 72 h",
        { body: addUserInput, status: 201 },
        conflict("the email is in use (emails are unique across all accounts)"),
      ),
    ),
  },
  "/api/accounts/{id}/users/{user_id}": {
    patch: withUserId(
      adminOp(
        "Rename a user, change their role, or (`reset_password: true`) issue a new one-time password link, which replaces earlier ones (admins only)",
        { body: updateUserInput },
        conflict("demoting the account's last admin"),
      ),
    ),
    delete: withUserId(deleted("Remove a user (admins only)", conflict("removing the account's last admin"))),
  },
  "/api/set-password": {
    post: {
      summary: "Set a password with a one-time link's token (no authentication: the token is the credential)",
      requestBody: { content: { "application/json": { schema: setPasswordInput } } },
      responses: {
        200: { description: "password set; `{email}`", content: { "application/json": { schema: anyData } } },
        404: { description: "the link is unknown, expired or already used", content: { "application/json": { schema: errorEnvelope } } },
        422: errors[422],
      },
    },
  },
  "/api/portal-links": {
    post: {
      ...op("A signed, expiring link to an account's merchant portal (admins: any account; members: their own)", { body: createPortalLinkInput, status: 201 }),
      description:
        "Opening `url` shows the account's webhooks, logs, charts and dead letters (`manage` also creates, edits, tests, rotates and replays) until `expires_at`; afterwards it shows an expired page. The portal's pages call this API with `Authorization: Portal <token>`. Another account of a member: 404; a disabled account: 409; `expires_in` over 604800 (7 days): 422.",
      responses: { 201: { description: "the link", content: { "application/json": { schema: portalLink } } }, 403: { description: "a portal link cannot ask for one" }, 409: { description: "the account is disabled" }, ...errors },
    },
  },
  "/api/health": { get: { summary: "Health of the app and its database", responses: { 200: { description: "healthy" }, 503: { description: "database unavailable" } } } },
  "/api/metrics": {
    get: {
      summary: "Operational metrics in the Prometheus text format (admin only; see docs/operations.md)",
      security: [{ bearer: [] }, { session: [] }],
      responses: { 200: { description: "Prometheus text format 0.0.4", content: { "text/plain": { schema: z.string() } } }, 401: errors[401], 403: { description: "not an admin" } },
    },
  },
};

export function openApiDocument() {
  return createDocument({
    openapi: "3.1.0",
    info: { title: "Hookrelay API", version: "1.0.0", description: "Send and receive signed webhooks. JSON everywhere, snake_case fields." },
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "An API key: `Authorization: Bearer hr_…`" },
        session: { type: "apiKey", in: "cookie", name: "next-auth.session-token" },
        portal: {
          type: "apiKey",
          in: "header",
          name: "Authorization",
          description: "A merchant portal link's token: `Authorization: Portal <token>` (the part of the link after `/portal/`). Bound to one account; `view` links read, `manage` links also change webhooks.",
        },
      },
    },
    paths,
  });
}
