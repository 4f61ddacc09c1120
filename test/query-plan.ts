// Reading what a statement did from EXPLAIN ANALYZE, for tests that count work instead of timing it.
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

/** Runs the statement under EXPLAIN ANALYZE in a transaction that is rolled back, so it changes nothing; its plan. */
export async function explainAnalyzed(text: string, values: unknown[]): Promise<PlanNode> {
  const client = await sql().connect();
  try {
    await client.query("BEGIN");
    const { rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, values);
    await client.query("ROLLBACK");
    return (rows[0]["QUERY PLAN"] as [{ Plan: PlanNode }])[0].Plan;
  } finally {
    client.release();
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
