// Operational metrics for Prometheus (`GET /api/metrics`). Everything is read from the
// database at scrape time, so every app instance — and either delivery engine — reports the
// same numbers, and a restart loses nothing. That choice shapes the types, and the HELP texts
// say so: state (deliveries by status, the queue, dead letters) is a gauge; what happened
// recently (attempts by outcome, their latency) is computed over a sliding window of the last
// hour, so those series can fall as well as rise — query them directly (`histogram_quantile(0.95,
// hookrelay_attempt_duration_seconds_bucket)`), not through `rate()`.
import { encodeTime } from "ulid";
import { config } from "@/lib/config";
import { db } from "@/lib/db/client";
import { leaseFree } from "@/lib/db/lease";
import { Prisma } from "@/lib/generated/prisma/client";
import { histogramSamples, renderPrometheus, type MetricFamily } from "@/lib/observability/prometheus";

export const ATTEMPT_WINDOW_SECONDS = 3600;
/** Upper bounds of the attempt latency histogram, in seconds (webhook timeouts go up to 60 s). */
export const LATENCY_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

const DELIVERY_STATUSES = ["pending", "succeeded", "dead"] as const;
const INBOUND_STATUSES = ["pending", "processed", "dead"] as const;

/**
 * Attempt ids are `att_` + a ULID, whose first 10 characters encode the creation time; every
 * attempt created at or after `at` has an id above this. Bounding the window by id lets the
 * primary key index find the last hour (attempts has no index on created_at alone).
 */
export function firstAttemptIdAt(at: Date): string {
  return `att_${encodeTime(at.getTime(), 10).toLowerCase()}`;
}

interface AttemptGroup {
  outcome: string;
  error_class: string;
  count: bigint;
  sum_ms: number | null;
  [bucket: `le${number}`]: bigint;
}

interface PendingRow {
  due: bigint;
  in_flight: bigint;
  parked: bigint;
  due_lag_seconds: number;
  oldest_age_seconds: number;
}

async function attemptsInWindow(now: Date): Promise<AttemptGroup[]> {
  const since = new Date(now.getTime() - ATTEMPT_WINDOW_SECONDS * 1000);
  const buckets = Prisma.join(
    LATENCY_BUCKETS_SECONDS.map((le, i) => Prisma.sql`count(*) FILTER (WHERE response_time_ms <= ${le * 1000}) AS ${Prisma.raw(`le${i}`)}`),
  );
  // Raw: one pass over the window computes the outcome counts and every histogram bucket.
  return db().$queryRaw<AttemptGroup[]>`
    SELECT status::text AS outcome, COALESCE(error_class, 'none') AS error_class, count(*) AS count,
           sum(response_time_ms)::float8 AS sum_ms, ${buckets}
    FROM attempts
    WHERE id >= ${firstAttemptIdAt(since)} AND created_at > ${since}
    GROUP BY 1, 2`;
}

async function pendingDeliveries(): Promise<PendingRow> {
  // Raw: the queue's shape in one pass over the pending rows (a pending-only index finds them).
  const rows = await db().$queryRaw<PendingRow[]>`
    WITH pending AS (
      SELECT d.next_attempt_at, d.created_at, w.is_active,
             NOT ${Prisma.raw(leaseFree("d"))} AS leased
      FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id
      WHERE d.status = 'pending'
    )
    SELECT count(*) FILTER (WHERE is_active AND NOT leased AND next_attempt_at <= now()) AS due,
           count(*) FILTER (WHERE leased) AS in_flight,
           count(*) FILTER (WHERE NOT is_active) AS parked,
           COALESCE(extract(epoch FROM now() - min(next_attempt_at) FILTER (WHERE is_active AND NOT leased AND next_attempt_at <= now())), 0)::float8 AS due_lag_seconds,
           COALESCE(extract(epoch FROM now() - min(created_at) FILTER (WHERE is_active)), 0)::float8 AS oldest_age_seconds
    FROM pending`;
  return rows[0];
}

const byStatus = <S extends string>(statuses: readonly S[], rows: { status: S; _count: { _all: number } }[]) =>
  statuses.map((status) => ({ labels: { status }, value: rows.find((r) => r.status === status)?._count._all ?? 0 }));

export async function collectMetrics(now = new Date()): Promise<MetricFamily[]> {
  const started = performance.now();
  const [deliveries, pending, attempts, deadLetters, replayedDeadLetters, inbound, webhooks, failingWebhooks] = await Promise.all([
    db().delivery.groupBy({ by: ["status"], _count: { _all: true } }),
    pendingDeliveries(),
    attemptsInWindow(now),
    db().deadLetter.count(),
    db().deadLetter.count({ where: { replayedAt: { not: null } } }),
    db().inboundEvent.groupBy({ by: ["status"], _count: { _all: true } }),
    db().webhook.groupBy({ by: ["isActive"], _count: { _all: true } }),
    db().webhook.count({ where: { isActive: true, failingSince: { not: null } } }),
  ]);

  const cumulative = LATENCY_BUCKETS_SECONDS.map((_, i) => attempts.reduce((n, g) => n + Number(g[`le${i}`]), 0));
  const attemptCount = attempts.reduce((n, g) => n + Number(g.count), 0);
  const attemptSumSeconds = attempts.reduce((n, g) => n + (g.sum_ms ?? 0), 0) / 1000;
  const activeWebhooks = webhooks.find((w) => w.isActive)?._count._all ?? 0;
  const disabledWebhooks = webhooks.find((w) => !w.isActive)?._count._all ?? 0;
  const memory = process.memoryUsage();

  const families: MetricFamily[] = [
    { name: "hookrelay_deliveries", type: "gauge", help: "Deliveries stored, by status (history older than the retention period is purged).", samples: byStatus(DELIVERY_STATUSES, deliveries) },
    { name: "hookrelay_deliveries_due", type: "gauge", help: "Queue depth: pending deliveries of active webhooks that are due now and not being attempted.", samples: [{ value: Number(pending.due) }] },
    { name: "hookrelay_deliveries_in_flight", type: "gauge", help: "Pending deliveries leased to a dispatcher right now (an attempt is under way).", samples: [{ value: Number(pending.in_flight) }] },
    { name: "hookrelay_deliveries_parked", type: "gauge", help: "Pending deliveries of disabled webhooks, kept until the webhook is enabled again.", samples: [{ value: Number(pending.parked) }] },
    { name: "hookrelay_oldest_due_delivery_seconds", type: "gauge", help: "How long the longest-waiting due delivery has been overdue (0 when the queue is empty): the delivery lag.", samples: [{ value: pending.due_lag_seconds }] },
    { name: "hookrelay_oldest_pending_delivery_age_seconds", type: "gauge", help: "Age since publishing of the oldest pending delivery of an active webhook, including deliveries waiting for a retry.", samples: [{ value: pending.oldest_age_seconds }] },
    {
      name: "hookrelay_attempts_last_hour",
      type: "gauge",
      help: "Attempts made in the last hour by outcome and error class (a sliding window read from the attempts table, so not a counter: do not rate() it).",
      samples: attempts.map((g) => ({ labels: { outcome: g.outcome, error_class: g.error_class }, value: Number(g.count) })),
    },
    {
      name: "hookrelay_attempt_duration_seconds",
      type: "histogram",
      help: "Response time of the attempts of the last hour (a sliding window read from the attempts table: use histogram_quantile on it directly, not on rate()).",
      samples: histogramSamples(LATENCY_BUCKETS_SECONDS, cumulative, attemptSumSeconds, attemptCount),
    },
    {
      name: "hookrelay_dead_letters",
      type: "gauge",
      help: "Dead letters stored: deliveries whose retry policy ran out, by whether they were replayed.",
      samples: [
        { labels: { replayed: "false" }, value: deadLetters - replayedDeadLetters },
        { labels: { replayed: "true" }, value: replayedDeadLetters },
      ],
    },
    { name: "hookrelay_inbound_events", type: "gauge", help: "Inbound events stored, by processing status.", samples: byStatus(INBOUND_STATUSES, inbound) },
    {
      name: "hookrelay_webhooks",
      type: "gauge",
      help: "Webhooks by state; disabled includes those disabled automatically (410 Gone, failing for AUTO_DISABLE_AFTER_DAYS).",
      samples: [
        { labels: { state: "active" }, value: activeWebhooks },
        { labels: { state: "disabled" }, value: disabledWebhooks },
      ],
    },
    { name: "hookrelay_webhooks_failing", type: "gauge", help: "Active webhooks whose last attempt failed (a failing streak is running).", samples: [{ value: failingWebhooks }] },
    { name: "hookrelay_engine_info", type: "gauge", help: "The delivery engine this instance runs (always 1).", samples: [{ labels: { engine: config().deliveryEngine }, value: 1 }] },
    { name: "process_resident_memory_bytes", type: "gauge", help: "Resident memory of the app process that answered this scrape.", samples: [{ value: memory.rss }] },
    { name: "nodejs_heap_used_bytes", type: "gauge", help: "V8 heap in use in the app process that answered this scrape.", samples: [{ value: memory.heapUsed }] },
    { name: "process_start_time_seconds", type: "gauge", help: "Start time of the app process that answered this scrape, in seconds since the epoch.", samples: [{ value: Math.round(Date.now() / 1000 - process.uptime()) }] },
  ];
  families.push({ name: "hookrelay_metrics_scrape_seconds", type: "gauge", help: "Time spent computing these metrics.", samples: [{ value: (performance.now() - started) / 1000 }] });
  return families;
}

export async function renderMetrics(now = new Date()): Promise<string> {
  return renderPrometheus(await collectMetrics(now));
}
