import { route } from "@/lib/http/route";
import { renderMetrics } from "@/lib/observability/metrics";
import { PROMETHEUS_CONTENT_TYPE } from "@/lib/observability/prometheus";

export const dynamic = "force-dynamic";

// Prometheus text format. Operators only: the numbers span every account. Prometheus sends an
// admin API key (`authorization: { credentials: hr_… }` in its scrape config); see docs/operations.md.
export const GET = route({ auth: "admin" }, async () => new Response(await renderMetrics(), { headers: { "content-type": PROMETHEUS_CONTENT_TYPE, "cache-control": "no-store" } }));
