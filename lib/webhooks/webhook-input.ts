// What a client may send to create or change a webhook. The same schemas validate the API
// and the browser form (so this module imports nothing Node-only), and describe the API in
// /api/openapi.json.
import { z } from "zod";
import { retryPolicySchema } from "@/lib/delivery/retry-policy";
import { signatureProfiles } from "@/lib/signing/profiles";
import { isValidCidr } from "@/lib/webhooks/ip-ranges";
import { checkUrlShape } from "@/lib/webhooks/url-shape";
import { isValidEventPattern } from "@/lib/webhooks/event-patterns";

export const MAX_WEBHOOKS_PER_ACCOUNT = 100;

// Headers that Hookrelay sets itself (signatures, envelope metadata) or that HTTP owns.
const RESERVED_HEADER = /^(host|content-length|content-type|transfer-encoding|connection|user-agent|webhook-.*|x-webhook-.*|x-auraconnect-.*)$/i;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$/;
const FILTER_PATH = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

export const webhookUrl = z
  .string()
  .trim()
  .superRefine((url, ctx) => {
    const problem = checkUrlShape(url);
    if (problem) ctx.addIssue({ code: "custom", message: problem.message });
  })
  .meta({ description: "Where events are POSTed: http or https.", example: "https://example.com/webhooks" });

export const eventPatterns = z
  .array(
    z.string().refine(isValidEventPattern, {
      message: "unknown event type: use a type from GET /api/event-types, a group wildcard like `order.*`, or `*`",
    }),
  )
  .min(1, "subscribe to at least one event")
  .max(100)
  .transform((events) => [...new Set(events)])
  .meta({ description: "Event types: exact (`order.created`), a group wildcard (`order.*`) or `*`.", example: ["order.*"] });

const filters = z
  .record(z.string().regex(FILTER_PATH, "a filter key is a dotted path like `data.status`"), z.union([z.string(), z.number(), z.boolean(), z.null()]))
  .refine((f) => Object.keys(f).length <= 20, "at most 20 filters")
  .meta({ description: "Payload filters: dotted path into the event data → value; all must match." });

const headers = z
  .record(
    z
      .string()
      .regex(HEADER_NAME, "not a valid HTTP header name")
      .refine((name) => !RESERVED_HEADER.test(name), "this header is set by Hookrelay and cannot be overridden"),
    z.string().max(1024).regex(/^[\t\x20-\x7e\x80-\xff]*$/, "header values cannot contain control characters"),
  )
  .refine((h) => Object.keys(h).length <= 20, "at most 20 custom headers")
  .meta({ description: "Custom headers sent with every delivery." });

const fields = {
  name: z.string().trim().min(1, "name is required").max(100),
  url: webhookUrl,
  events: eventPatterns,
  description: z.string().trim().max(500).nullable(),
  is_active: z.boolean(),
  filters: filters.nullable(),
  ip_whitelist: z
    .array(z.string().trim().refine(isValidCidr, "not an IP address or CIDR range"))
    .max(50)
    .meta({ description: "CIDR ranges the destination must resolve into; empty allows any public address." }),
  headers,
  timeout_ms: z.number().int().min(100).max(60_000),
  retry_policy: retryPolicySchema,
  signature_profile: z.enum(signatureProfiles),
  rate_limit_per_hour: z.number().int().min(1).max(10_000_000).nullable(),
  debug_mode: z.boolean(),
  ordering: z
    .enum(["skip_dead", "halt"])
    .meta({ description: "What a dead keyed delivery does to the later ones of its ordering key: `skip_dead` (default) they go on; `halt` they wait until it is replayed and succeeds." }),
};

export const webhookSecret = z
  .string()
  .min(16, "a secret needs at least 16 characters")
  .max(256)
  .regex(/^[\x21-\x7e]+$/, "a secret is printable ASCII without spaces");

// Seeds 003 and 002 say `active: true` and `status: "active"` where Hookrelay says `is_active`.
const activeAliases = {
  active: z.boolean().meta({ description: "Alias of `is_active` (seed 003)." }),
  status: z.enum(["active", "inactive"]).meta({ description: "Alias of `is_active` (seed 002): `active` or `inactive`." }),
};

interface ActiveFields {
  is_active?: boolean;
  active?: boolean;
  status?: "active" | "inactive";
}

/** `is_active` and its aliases, when more than one is sent, must say the same. */
function checkActiveAliases(input: ActiveFields, ctx: z.RefinementCtx) {
  const given = [
    ["is_active", input.is_active],
    ["active", input.active],
    ["status", input.status === undefined ? undefined : input.status === "active"],
  ].filter(([, value]) => value !== undefined);
  if (new Set(given.map(([, value]) => value)).size > 1) {
    const names = given.map(([name]) => `\`${name}\``).join(" and ");
    ctx.addIssue({ code: "custom", path: [String(given[1][0])], message: `${names} disagree: send one of them (they all set whether the webhook is active)` });
  }
}

/** The one `is_active` the fields agree on (undefined when none was sent), without the aliases. */
function mergeActiveAliases<T extends ActiveFields>({ active, status, ...rest }: T): Omit<T, "active" | "status"> {
  const isActive = rest.is_active ?? active ?? (status === undefined ? undefined : status === "active");
  return isActive === undefined ? rest : { ...rest, is_active: isActive };
}

/** The name a webhook gets when none is given: its URL's host (seeds 002 and 003 send none). */
export function defaultWebhookName(url: string): string {
  return new URL(url).host.slice(0, 100);
}

/** Values of the fields that have a default; a dialect (lib/webhooks/auraconnect-dialect.ts) may choose others. */
export interface WebhookDefaults {
  retry_policy: z.output<typeof retryPolicySchema>;
  signature_profile: z.output<typeof fields.signature_profile>;
}

export const standardDefaults: WebhookDefaults = { retry_policy: "standard", signature_profile: "standard" };
const defaultTimeoutMs = 30_000;

/** The create schema with these defaults, registered for OpenAPI under `id`. */
export function createInputWith(defaults: WebhookDefaults, id: string) {
  return z
    .strictObject({
      name: fields.name.optional().meta({ description: "Defaults to the URL's host." }),
      url: fields.url,
      events: fields.events,
      description: fields.description.optional(),
      secret: webhookSecret.optional(),
      is_active: fields.is_active.optional().meta({ description: "Default true." }),
      active: activeAliases.active.optional(),
      status: activeAliases.status.optional(),
      filters: fields.filters.optional(),
      ip_whitelist: fields.ip_whitelist.default([]),
      headers: fields.headers.default({}),
      timeout_ms: fields.timeout_ms.default(defaultTimeoutMs),
      retry_policy: fields.retry_policy.default(defaults.retry_policy),
      signature_profile: fields.signature_profile.default(defaults.signature_profile),
      rate_limit_per_hour: fields.rate_limit_per_hour.optional(),
      debug_mode: fields.debug_mode.default(false),
      ordering: fields.ordering.default("skip_dead"),
    })
    .superRefine(checkActiveAliases)
    .transform((input) => {
      const merged = mergeActiveAliases(input);
      return { ...merged, name: merged.name ?? defaultWebhookName(merged.url), is_active: merged.is_active ?? true };
    })
    .meta({ id });
}

/** A field that `null` returns to its default. */
const resettable = <S extends z.ZodType>(schema: S, value: z.output<S>) =>
  schema
    .nullable()
    .transform((v): z.output<S> => v ?? value)
    .meta({ description: `\`null\` returns it to the default (${JSON.stringify(value)}).` });

/**
 * PUT and PATCH: any subset of the fields; the others stay as they are (seeds 002 and 003 send
 * partial PUT bodies). `null` clears an optional field or returns it to its default; a `null`
 * name becomes the URL's host again.
 */
export function updateInputWith(defaults: WebhookDefaults, id: string) {
  return z
    .strictObject({
      name: fields.name.nullable(),
      url: fields.url,
      events: fields.events,
      description: fields.description,
      is_active: fields.is_active,
      active: activeAliases.active,
      status: activeAliases.status,
      filters: fields.filters,
      ip_whitelist: resettable(fields.ip_whitelist, []),
      headers: resettable(fields.headers, {}),
      timeout_ms: resettable(fields.timeout_ms, defaultTimeoutMs),
      retry_policy: resettable(fields.retry_policy, defaults.retry_policy),
      signature_profile: resettable(fields.signature_profile, defaults.signature_profile),
      rate_limit_per_hour: fields.rate_limit_per_hour,
      debug_mode: resettable(fields.debug_mode, false),
      ordering: resettable(fields.ordering, "skip_dead"),
    })
    .partial()
    .refine((input) => Object.keys(input).length > 0, "send at least one field to change")
    .superRefine(checkActiveAliases)
    .transform(mergeActiveAliases)
    .meta({ id });
}

export const createWebhookInput = createInputWith(standardDefaults, "CreateWebhook");

/** PUT and PATCH alike. */
export const updateWebhookInput = updateInputWith(standardDefaults, "UpdateWebhook");

export const rotateSecretInput = z.strictObject({ secret: webhookSecret.optional() }).meta({ id: "RotateSecret" });

export const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(100).optional(),
});

export type CreateWebhookInput = z.output<typeof createWebhookInput>;
export type WebhookFilters = z.output<typeof filters>;
export type WebhookHeaders = z.output<typeof headers>;
export type UpdateWebhookInput = z.output<typeof updateWebhookInput>;
