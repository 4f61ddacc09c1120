// The OpenAPI 3.1 description of the REST API, generated from the same zod schemas that
// validate requests, so the document cannot drift from the code.
import { z } from "zod";
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from "zod-openapi";
import { createAccountInput } from "@/lib/accounts/accounts";
import { createApiKeyInput } from "@/lib/auth/api-keys";
import { deliveriesQuery, logsQuery } from "@/lib/delivery/delivery-log";
import { replayInput } from "@/lib/delivery/replay";
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
  "/api/events": {
    get: op("The event browser: the account's events newest first with their fan-out counts; filters `type`, `status`, `webhook_id`, `since`, `until`", {
      list: true,
      query: eventsQuery,
    }),
    post: op("Publish an event; 202 with the deliveries it created (200 for a repeated id)", { body: publishEventInput, status: 202 }),
  },
  "/api/events/{id}": {
    get: withId(op("An event (by Hookrelay's or the publisher's id): its payload, each delivery with its webhook, last response and dead letter, and its inbound `source`")),
  },
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
    get: op("All accounts (admins only)"),
    post: op("Create an account, optionally with its first member user (admins only)", { body: createAccountInput, status: 201 }),
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
