// Row leases on the work tables (deliveries, inbound_events): a claim leases due rows to one
// dispatcher or Inngest run (`lease_owner`, `lease_expires_at`) with `FOR UPDATE SKIP LOCKED`,
// so concurrent claimers never take the same row; a lease that ran out means its holder died,
// and the row may be claimed again.

/** How many items of each group a claim may take (sources that cannot honour it may take more; the excess is handed back). */
export interface ClaimRoom {
  /** Groups with work in this dispatcher: how many more of theirs it can take. */
  byWebhook: Map<string, number>;
  /** Any other group; 0: look only at the groups in `byWebhook`. */
  otherwise: number;
  /** Groups in `byWebhook` that this dispatcher holds nothing of (new work a NOTIFY named): a claim cut short by its limit serves them first. */
  fresh?: string[];
  /** Look past the groups in `byWebhook` only for work that came due within this many ms (unset: all due work). A source may look at more. */
  dueWithinMs?: number;
}
