import { route } from "@/lib/http/route";
import { ok } from "@/lib/http/responses";
import { webhookHealth } from "@/lib/stats/webhook-health";

// Per-webhook health for the webhook list and the dashboard (one query for the whole account).
export const GET = route({ portal: "view" }, async ({ account }) => ok(await webhookHealth(account.id)));
