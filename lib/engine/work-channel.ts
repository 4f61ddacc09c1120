// The NOTIFY channel that wakes the embedded dispatcher, and what its payloads say. Writers
// (publish, replay, inbound receive) notify in the transaction that stores the work, so the
// wake-up arrives only once the work is committed.
export const WORK_CHANNEL = "hookrelay_work";

/** A NOTIFY payload must stay under 8 000 bytes; past this the webhooks go unnamed. */
export const MAX_NAMED_BYTES = 7_000;

/**
 * The payload for new deliveries: `delivery:<webhook ids>`, so that the dispatcher looks up
 * those webhooks' work by itself, or plain `delivery` (look for any due work) when there are
 * too many to name. Webhook ids are ASCII.
 */
export function deliveryNotice(webhookIds: Iterable<string>): string {
  const named = [...new Set(webhookIds)].join(",");
  return named.length > 0 && named.length <= MAX_NAMED_BYTES ? `delivery:${named}` : "delivery";
}

/** A payload read back: the work source it names, and the groups with new work (none: look at all). */
export function parseWorkNotice(payload = ""): { source: string; groups: string[] } {
  const [source, named = ""] = payload.split(":", 2);
  return { source, groups: named.split(",").filter(Boolean) };
}
