// How an outside system signs and sends a webhook to Hookrelay's inbound receiver, in Node.js
// (18+, global fetch). docs/inbound.md quotes this file verbatim and
// lib/inbound/inbound-docs.test.ts runs it against the real receiver, so the documented
// snippet is known to work. It depends on node:crypto only, so a sender can copy it as is.
import { createHmac, randomUUID } from "node:crypto";

/** `sha256=` + the hex HMAC-SHA256 of the exact body bytes, keyed by the secret string's UTF-8 bytes. */
export function signInboundBody(secret: string, rawBody: string): string {
  return "sha256=" + createHmac("sha256", Buffer.from(secret, "utf8")).update(rawBody, "utf8").digest("hex");
}

export interface InboundAnswer {
  status: number;
  body: { success: boolean; internal_id?: string; message?: string; error?: string };
}

/**
 * Sends one event. `id` is your own event id: send the same id when you retry, and Hookrelay
 * stores the event once. Sign the string you send, byte for byte — serialise once.
 */
export async function sendInboundWebhook(options: {
  baseUrl: string; // e.g. "https://hookrelay.example.com"
  sourceSystem: string;
  userId: string;
  secret: string;
  event: string; // "transaction.created", "invoice.paid", …
  data: Record<string, unknown>;
  id?: string;
}): Promise<InboundAnswer> {
  const rawBody = JSON.stringify({
    id: options.id ?? randomUUID(),
    event: options.event,
    timestamp: new Date().toISOString(),
    source_system: options.sourceSystem,
    data: options.data,
  });
  const url = `${options.baseUrl}/v1/integrations/webhooks/${options.sourceSystem}/${options.userId}`;
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Webhook-Event": options.event,
      "X-Webhook-Signature": signInboundBody(options.secret, rawBody),
    },
    body: rawBody,
  });
  return { status: response.status, body: await response.json() };
}

/** Worth sending again later (same id): rate limited, or Hookrelay could not take it right now. */
export const shouldRetry = (status: number) => status === 429 || status >= 500;
