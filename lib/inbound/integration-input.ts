// What a client may send to register or change an integration (an inbound source), list its
// inbound events and replay its dead ones. The same schemas validate the API and describe it.
import { z } from "zod";
import { isoDateTime } from "@/lib/http/storable-input";

/** The five event types of seed 000 that an integration may post. */
export const inboundEventTypes = ["transaction.created", "transaction.updated", "transaction.voided", "invoice.paid", "payment.received"] as const;
export type InboundEventType = (typeof inboundEventTypes)[number];

export const isInboundEventType = (value: unknown): value is InboundEventType =>
  typeof value === "string" && (inboundEventTypes as readonly string[]).includes(value);

export const SOURCE_SYSTEM = /^[a-z0-9][a-z0-9_-]{0,49}$/;
export const USER_ID = /^[A-Za-z0-9._:-]{1,100}$/;

export const sourceSystem = z
  .string()
  .regex(SOURCE_SYSTEM, "a source system is a lowercase slug: a-z, 0-9, `_` and `-`, at most 50 characters, starting with a letter or digit")
  .meta({ description: "The sending system, as it appears in the receive URL.", example: "pawoon" });

export const userId = z
  .string()
  .min(1, "user_id is required")
  .max(100)
  .regex(/^[A-Za-z0-9._:-]+$/, "a user_id is letters, digits, `.`, `_`, `:` and `-`")
  .meta({ description: "Whose data the source sends, as it appears in the receive URL.", example: "550e8400-e29b-41d4-a716-446655440000" });

export const integrationSecret = z
  .string()
  .min(16, "a secret needs at least 16 characters")
  .max(256)
  .regex(/^[\x21-\x7e]+$/, "a secret is printable ASCII without spaces");

const forwardAs = z
  .string()
  .min(1)
  .max(50)
  .regex(/^[a-z0-9_]+$/, "forward_as is lowercase letters, digits and `_`")
  .meta({ description: "When set, each processed inbound event is re-published to the account's webhooks (see docs/inbound.md)." });

const fields = {
  name: z.string().trim().min(1, "a name cannot be empty").max(100),
  is_active: z.boolean(),
  rate_limit_per_minute: z.number().int().min(1).max(100_000).meta({ description: "Requests per minute the receiver accepts from this integration." }),
};

export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;

export const createIntegrationInput = z
  .strictObject({
    source_system: sourceSystem,
    user_id: userId,
    name: fields.name.nullable().optional(),
    webhook_secret: integrationSecret.optional(),
    forward_as: forwardAs.nullable().optional(),
    is_active: fields.is_active.default(true),
    rate_limit_per_minute: fields.rate_limit_per_minute.default(DEFAULT_RATE_LIMIT_PER_MINUTE),
  })
  .meta({ id: "CreateIntegration" });

/** PATCH: any subset; the secret changes only through rotate-secret. */
export const updateIntegrationInput = z
  .strictObject({
    source_system: sourceSystem,
    user_id: userId,
    name: fields.name.nullable(),
    forward_as: forwardAs.nullable(),
    is_active: fields.is_active,
    rate_limit_per_minute: fields.rate_limit_per_minute,
  })
  .partial()
  .refine((input) => Object.keys(input).length > 0, "send at least one field to change")
  .meta({ id: "UpdateIntegration" });

export const rotateIntegrationSecretInput = z.strictObject({ webhook_secret: integrationSecret.optional() }).meta({ id: "RotateIntegrationSecret" });

export const integrationListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(100).optional(),
});

export const inboundEventsQuery = z.object({
  status: z.enum(["pending", "processed", "dead"]).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(100).optional(),
});

const dryRun = z.boolean().optional().meta({ description: "true: answer with what would be replayed (count and the first 20) and change nothing." });

export const inboundReplayInput = z
  .union(
    [
      z.strictObject({ event_id: z.string().min(1).max(100), dry_run: dryRun }),
      z.strictObject({ since: isoDateTime, dry_run: dryRun }),
      z.strictObject({ dry_run: dryRun }),
    ],
    { error: "send `event_id` (one dead inbound event), `since` (an ISO time: all dead since then) or nothing (all dead), and optionally `dry_run`" },
  )
  .meta({ id: "InboundReplay" });

export type CreateIntegrationInput = z.output<typeof createIntegrationInput>;
export type UpdateIntegrationInput = z.output<typeof updateIntegrationInput>;
export type InboundEventsQuery = z.output<typeof inboundEventsQuery>;
export type InboundReplayInput = z.output<typeof inboundReplayInput>;
