import { route } from "@/lib/http/route";
import { ok } from "@/lib/http/responses";
import { statsQuery, webhookStats } from "@/lib/stats/webhook-stats";

// Account-wide delivery health: the dashboard's totals and series.
export const GET = route({ query: statsQuery }, async ({ account, query }) => ok(await webhookStats({ accountId: account.id }, query.window)));
