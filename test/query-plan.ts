// Reading what a statement did from EXPLAIN ANALYZE, for tests that count work instead of timing it.
import { escapeLiteral } from "pg";
import { sql } from "@/lib/db/client";

export interface PlanNode {
  "Node Type": string;
  "Actual Rows": number;
  "Actual Loops": number;
  "Index Name"?: string;
  "Rows Removed by Filter"?: number;
  "Rows Removed by Join Filter"?: number;
  Plans?: PlanNode[];
}

/** A parameter's text form, as node-pg would send it (arrays as array literals). */
const textOf = (v: unknown): string =>
  Array.isArray(v) ? `{${v.map((x) => (x === null ? "NULL" : `"${textOf(x).replace(/[\\"]/g, (c) => `\\${c}`)}"`)).join(",")}}` : v instanceof Date ? v.toISOString() : String(v);

/** `EXECUTE name(…)` of a prepared statement with `values` as literals: EXECUTE takes no bound parameters, and the PREPARE types them. */
export function executeWithValues(name: string, values: unknown[]): string {
  return `EXECUTE ${name}(${values.map((v) => (v === null || v === undefined ? "NULL" : escapeLiteral(textOf(v)))).join(", ")})`;
}

/**
 * Runs the statement under EXPLAIN ANALYZE in a transaction that is rolled back, so it changes
 * nothing; its plan. With `generic`, the plan made without the values (as `plan_cache_mode =
 * force_generic_plan` gives a prepared statement), run with them.
 */
export async function explainAnalyzed(text: string, values: unknown[], { generic = false } = {}): Promise<PlanNode> {
  const client = await sql().connect();
  try {
    await client.query("BEGIN");
    let explained = `EXPLAIN (ANALYZE, FORMAT JSON) ${text}`;
    if (generic) {
      await client.query(`PREPARE explained AS ${text}`);
      await client.query("SET LOCAL plan_cache_mode = force_generic_plan");
      explained = `EXPLAIN (ANALYZE, FORMAT JSON) ${executeWithValues("explained", values)}`;
      values = [];
    }
    const { rows } = await client.query(explained, values);
    return (rows[0]["QUERY PLAN"] as [{ Plan: PlanNode }])[0].Plan;
  } finally {
    await client.query("ROLLBACK").catch(() => {});
    client.release(generic); // a connection that holds the prepared statement is closed, not pooled
  }
}

/** Rows every scan read (returned or dropped), over all its loops; a function scan counts what the function returned. */
export function rowsRead(node: PlanNode): number {
  const own = node["Node Type"].endsWith("Scan") ? (node["Actual Rows"] + (node["Rows Removed by Filter"] ?? 0)) * node["Actual Loops"] : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + rowsRead(child), 0);
}

/**
 * Rows every scan returned, over all its loops: how often the plan went over its inputs, not
 * counting what a scan filtered out on the way (a small table read whole is not the question).
 */
export function rowsReturned(node: PlanNode): number {
  const own = node["Node Type"].endsWith("Scan") ? node["Actual Rows"] * node["Actual Loops"] : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + rowsReturned(child), 0);
}
