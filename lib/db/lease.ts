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

/** A work table's lease: how long it lasts and how a leased row is read back. */
export interface LeasedTable {
  /** The table, and the alias every statement gives it. */
  table: string;
  alias: string;
  /** The lease's length in seconds, as SQL; it may read `lengthFrom`. */
  leaseSeconds: string;
  /** A table the length reads, with its join to the row (the webhook, for its timeout). */
  lengthFrom?: { table: string; on: string };
  /** What a lease returns: columns over `leased <alias>`, and their joins. */
  columns: string;
  joins: string;
}

/** The row is under no live lease: never leased, or its holder's lease ran out. */
export const leaseFree = (alias: string) => `(${alias}.lease_expires_at IS NULL OR ${alias}.lease_expires_at < now())`;

/** The same, as a Prisma `OR` for rows read through Prisma. */
export const leaseFreeAt = (now: Date) => [{ leaseExpiresAt: null }, { leaseExpiresAt: { lt: now } }];

/**
 * A claim: `ctes` pick the rows and end with `due AS (… FOR UPDATE SKIP LOCKED)`, so that two
 * claimers never take the same row; those rows are leased to `owner` and read back, oldest due first.
 */
export function claimSql(t: LeasedTable, ctes: string, owner: string): string {
  const from = t.lengthFrom ? `due, ${t.lengthFrom.table}` : "due";
  const on = t.lengthFrom ? ` AND ${t.lengthFrom.on}` : "";
  return `
  WITH ${ctes}, leased AS (
    UPDATE ${t.table} ${t.alias}
    SET lease_owner = ${owner}, lease_expires_at = now() + make_interval(secs => ${t.leaseSeconds})
    FROM ${from}
    WHERE ${t.alias}.id = due.id${on}
    RETURNING ${t.alias}.*
  )
  SELECT ${t.columns}
  FROM leased ${t.alias}
  ${t.joins}
  ORDER BY ${t.alias}.next_attempt_at`;
}

/** Leases one pending row by id (due or not) to `owner`, unless a live lease holds it. The conditions sit in the UPDATE, so a concurrent lease is re-checked. */
export function leaseOneSql(t: LeasedTable, id: string, owner: string): string {
  const from = t.lengthFrom ? ` FROM ${t.lengthFrom.table}` : "";
  const on = t.lengthFrom ? ` AND ${t.lengthFrom.on}` : "";
  return `
  WITH leased AS (
    UPDATE ${t.table} ${t.alias}
    SET lease_owner = ${owner}, lease_expires_at = now() + make_interval(secs => ${t.leaseSeconds})${from}
    WHERE ${t.alias}.id = ${id}${on} AND ${t.alias}.status = 'pending' AND ${leaseFree(t.alias)}
    RETURNING ${t.alias}.*
  )
  SELECT ${t.columns}
  FROM leased ${t.alias}
  ${t.joins}`;
}

/** Hands leased rows back unrun: the pending rows `where` picks that `owner` still holds. `alsoSet` adds assignments. */
export function releaseSql(t: LeasedTable, where: string, owner: string, alsoSet = ""): string {
  return `UPDATE ${t.table} SET lease_owner = NULL, lease_expires_at = NULL${alsoSet} WHERE ${where} AND lease_owner = ${owner} AND status = 'pending'`;
}
