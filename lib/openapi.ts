// The OpenAPI 3.1 description of the REST API, generated from the same zod schemas that
// validate requests, so the document cannot drift from the code.
import { z } from "zod";
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from "zod-openapi";
import { createWebhookInput, replaceWebhookInput, rotateSecretInput, updateWebhookInput } from "@/lib/webhooks/webhook-input";

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
    get: op("List webhooks (newest first, cursor pagination)", { list: true, query: z.object({ limit: z.number().int().optional(), cursor: z.string().optional() }) }),
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
  "/api/event-types": { get: op("The event catalog, with an example payload per type") },
  "/api/health": { get: { summary: "Health of the app and its database", responses: { 200: { description: "healthy" }, 503: { description: "database unavailable" } } } },
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
