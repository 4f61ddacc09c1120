// The OpenAPI 3.1 description of the REST API, generated from the same zod schemas that
// validate requests, so the document cannot drift from the code.
import { z } from "zod";
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from "zod-openapi";
import { createAccountInput, updateAccountInput } from "@/lib/accounts/accounts";
import { addUserInput, updateUserInput } from "@/lib/accounts/users";
import { setPasswordInput } from "@/lib/auth/password-tokens";
import { createApiKeyInput } from "@/lib/auth/api-keys";
import { deliveriesQuery, logsQuery } from "@/lib/delivery/delivery-log";
import { replayInput } from "@/lib/delivery/replay";
import { sendTestInput } from "@/lib/delivery/send-test";
import { publishEventInput } from "@/lib/events/publish";
import {
  createIntegrationInput,
  inboundEventsQuery,
  inboundReplayInput,
  integrationListQuery,
  rotateIntegrationSecretInput,
  updateIntegrationInput,
} from "@/lib/inbound/integration-input";
import { statsQuery } from "@/lib/stats/webhook-stats";
import { createWebhookInput, listQuery, replaceWebhookInput, rotateSecretInput, updateWebhookInput } from "@/lib/webhooks/webhook-input";

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

function op(summary: string, options: { body?: z.ZodType; list?: boolean; status?: number; query?: z.ZodObject } = {}): ZodOpenApiOperationObject {
  return {
    summary,
    security: [{ bearer: [] }, { session: [] }],
    ...(options.query ? { requestParams: { query: options.query } } : {}),
    ...(options.body ? { requestBody: { content: { "application/json": { schema: options.body } } } } : {}),
    responses: {
      [options.status ?? 200]: { description: "success", content: { "application/json": { schema: options.list ? listData : anyData } } },
      ...errors,
    },
  };
}

const id = z.object({ id: z.string() });
const withId = (o: ZodOpenApiOperationObject): ZodOpenApiOperationObject => ({ ...o, requestParams: { ...o.requestParams, path: id } });
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
    get: op("List webhooks (newest first, cursor pagination)", { list: true, query: listQuery }),
    post: op("Create a webhook; the response holds its secret, shown only here and on rotation", { body: createWebhookInput, status: 201 }),
  },
  "/api/webhooks/{id}": {
    get: withId(op("Read a webhook")),
    put: withId(op("Replace a webhook's configuration", { body: replaceWebhookInput })),
    patch: withId(op("Change some of a webhook's fields", { body: updateWebhookInput })),
    delete: withId({ summary: "Delete a webhook", responses: { 204: { description: "deleted" }, ...errors } }),
  },
  "/api/webhooks/{id}/rotate-secret": {
    post: withId(op("New secret; the old one keeps signing alongside it for 24 h", { body: rotateSecretInput })),
  },
  "/api/webhooks/{id}/test": {
    post: withId(op("Deliver the event type's example payload now; returns the first attempt's outcome", { body: sendTestInput })),
  },
  "/api/webhooks/{id}/deliveries": { get: withId(op("The webhook's deliveries, newest first", { list: true, query: deliveriesQuery })) },
  "/api/webhooks/{id}/logs": { get: withId(op("The webhook's attempts, newest first", { list: true, query: logsQuery })) },
  "/api/webhooks/{id}/stats": { get: withId(op("Delivery health over a window: success rate, latency, series, errors", { query: statsQuery })) },
  "/api/webhooks/{id}/replay": {
    get: withId(op("The webhook's dead letters", { list: true, query: listQuery })),
    post: withId(op("Queue dead letters again: one by `failure_id`, or all `since` a time", { body: replayInput })),
  },
  "/api/events": { post: op("Publish an event; 202 with the deliveries it created (200 for a repeated id)", { body: publishEventInput, status: 202 }) },
  "/api/events/{id}": { get: withId(op("An event (by Hookrelay's or the publisher's id) and its deliveries")) },
  "/api/event-types": { get: op("The event catalog, with an example payload per type") },
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
  "/api/integrations/{id}/replay": { post: withId(op("Process dead inbound events again", { body: inboundReplayInput })) },
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
  "/api/stats/webhooks": { get: op("Per-webhook health: 24 h success rate, latency, last attempt, failing streak") },
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
      },
    },
    paths,
  });
}
