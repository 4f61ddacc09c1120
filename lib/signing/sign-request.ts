// lib/signing owns the wire format of an outgoing delivery: for each signature profile, the
// JSON envelope an event is wrapped in and the headers that sign it (DESIGN.md, "Signature
// profiles"; docs/signature-profiles.md for receivers). It sends nothing (lib/delivery does)
// and does not check inbound webhooks (lib/inbound does).
import { createHmac } from "node:crypto";
import type { SignatureProfile } from "@/lib/signing/profiles";
import { memoizeBounded } from "@/lib/memoize-bounded";
import { secretKeyBytes } from "@/lib/signing/secret-key-bytes";

export { secretKeyBytes } from "@/lib/signing/secret-key-bytes";

export { signatureProfiles, type SignatureProfile } from "@/lib/signing/profiles";

export interface SignInput {
  profile: SignatureProfile;
  webhookId: string;
  /** The public event id, `evt_…` or the publisher's own. */
  eventId: string;
  eventType: string;
  /** The event's created_at; goes into the envelope. */
  occurredAt: Date;
  data?: unknown;
  /**
   * The data already as JSON text (the event as stored), spliced into the envelope as it is, so
   * the engine does not parse and re-serialise it per attempt. Used instead of `data` when given.
   */
  dataJson?: string;
  /**
   * Signing secrets, newest first. The first is the current one; a second one is present while a
   * rotated secret overlaps (24 h). Format `whsec_<base64>` (generated) or any string a user chose.
   */
  secrets: string[];
  /** The attempt time, for the timestamp headers; defaults to now. */
  now?: Date;
  /** The dead delivery this one replays: sent as `webhook-replay` so a receiver can tell a replay from a first try. */
  replayOf?: string | null;
  /** An endpoint check's request (lib/delivery/endpoint-check.ts): sent with `webhook-check: 1`. */
  check?: boolean;
}

/** Headers that mark a request, the same in every signature profile and outside the signature. */
export const REPLAY_HEADER = "webhook-replay";
export const CHECK_HEADER = "webhook-check";

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

const USER_AGENT = "Hookrelay-Webhook/1.0";
const JSON_TYPE = "application/json";

/** Hex HMAC-SHA256 over the raw body keyed by the secret's UTF-8 bytes, as in seeds 000–003. */
function hmacHex(secret: string, body: string): string {
  return createHmac("sha256", Buffer.from(secret, "utf8")).update(body, "utf8").digest("hex");
}

/**
 * A Standard Webhooks signature: `v1,` + base64 HMAC-SHA256 of `{id}.{timestamp}.{body}`, with
 * node:crypto's native HMAC rather than the library's pure-JavaScript `sign` (far cheaper; the
 * tests verify every signature with the library).
 */
function standardSignature(secret: string, eventId: string, timestamp: string, body: string): string {
  return `v1,${createHmac("sha256", standardKey(secret)).update(`${eventId}.${timestamp}.${body}`, "utf8").digest("base64")}`;
}

// Decoded once per secret: the engine signs with the same few secrets over and over.
const standardKey = memoizeBounded(1000, secretKeyBytes);

/**
 * An envelope's JSON: the string `fields` in order, then `"data"` with `dataJson` as it is. The
 * same text JSON.stringify gives for the object, without parsing the data to build one.
 */
function envelope(fields: Record<string, string>, dataJson: string): string {
  let json = "{";
  for (const key in fields) json += `${JSON.stringify(key)}:${JSON.stringify(fields[key])},`;
  return `${json}"data":${dataJson}}`;
}

/** The body and signed headers of one attempt of a delivery, in the webhook's signature profile, with its replay or check mark. */
export function signRequest(input: SignInput): SignedRequest {
  const signed = signProfile(input);
  if (input.replayOf) signed.headers[REPLAY_HEADER] = input.replayOf;
  if (input.check) signed.headers[CHECK_HEADER] = "1";
  return signed;
}

function signProfile(input: SignInput): SignedRequest {
  const { profile, eventId, eventType, secrets } = input;
  const current = secrets[0];
  if (!current) throw new Error("signRequest needs a non-empty signing secret");
  const now = input.now ?? new Date();
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const occurredAt = input.occurredAt.toISOString();
  // JSON.stringify drops an undefined property; every envelope promises a `data` key.
  const data = input.dataJson ?? JSON.stringify(input.data === undefined ? null : input.data);
  // Each profile's headers are written out whole, not spread from a shared object: a spread is
  // slower to build and serialise, once per attempt (docs/engine.md, "Hot-path notes").
  switch (profile) {
    case "standard": {
      const body = envelope({ id: eventId, type: eventType, timestamp: occurredAt }, data);
      // One `v1,` signature per secret so a receiver still holding the rotated-out secret keeps
      // verifying during the overlap (Standard Webhooks: space-delimited signature list).
      const signature = secrets.map((secret) => standardSignature(secret, eventId, timestamp, body)).join(" ");
      return { body, headers: { "Content-Type": JSON_TYPE, "User-Agent": USER_AGENT, "webhook-id": eventId, "webhook-timestamp": timestamp, "webhook-signature": signature } };
    }
    case "omnisales": {
      const body = envelope({ id: eventId, event: eventType, created_at: occurredAt }, data);
      return {
        body,
        headers: { "Content-Type": JSON_TYPE, "User-Agent": USER_AGENT, "X-Webhook-Signature": hmacHex(current, body), "X-Webhook-Timestamp": timestamp, "X-Webhook-ID": eventId },
      };
    }
    case "sha256": {
      const body = envelope({ id: eventId, event: eventType, timestamp: occurredAt }, data);
      return {
        body,
        headers: {
          "Content-Type": JSON_TYPE,
          "User-Agent": USER_AGENT,
          "X-Webhook-Signature": `sha256=${hmacHex(current, body)}`,
          "X-Webhook-Event": eventType,
          "X-Webhook-ID": eventId,
          "X-Webhook-Timestamp": timestamp,
        },
      };
    }
    case "auraconnect": {
      const body = envelope({ id: eventId, type: eventType, created: occurredAt }, `{"object":${data}}`);
      return {
        body,
        headers: {
          "Content-Type": JSON_TYPE,
          "User-Agent": USER_AGENT,
          "X-AuraConnect-Event": eventType,
          "X-AuraConnect-Signature": `sha256=${hmacHex(current, body)}`,
          "X-AuraConnect-Event-Id": eventId,
          "X-AuraConnect-Timestamp": timestamp,
          "X-AuraConnect-Webhook-Id": input.webhookId,
        },
      };
    }
    default: {
      // The profile comes from the database as a string; an unknown one must not go out unsigned.
      const unknown: never = profile;
      throw new Error(`unknown signature profile: ${String(unknown)}`);
    }
  }
}
