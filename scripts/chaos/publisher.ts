// The publisher of a chaos run: POSTs every planned event to /api/events with its own id, so
// a retry after a lost answer can never publish twice (the API answers 200 `duplicate` for an
// id it already stored). It retries what a well-behaved integrator retries — refused
// connections while the app restarts, 503 while the database is away, 429 — and records
// anything else as unexpected.
import type { Random } from "@/scripts/chaos/random";
import { sleep } from "@/scripts/chaos/random";

export interface PlannedEvent {
  seq: number;
  id: string;
  type: string;
}

export interface PublishReport {
  /** Event ids the API accepted (202, or 200 `duplicate` for a retry of a stored event). */
  accepted: Set<string>;
  /** Of those, accepted only on a retry that found the event already stored. */
  acceptedAsDuplicate: number;
  /** Answers by HTTP status, every try counted. */
  statuses: Record<number, number>;
  connectionErrors: number;
  /** Statuses a publisher should never see (500, 4xx other than 429): status and body. */
  unexpected: { id: string; status: number; body: string }[];
  /** 503 answers without a Retry-After or the JSON error envelope. */
  unclear503: number;
}

export const EVENT_TYPES = ["order.created", "order.updated", "payment.succeeded", "customer.created"];

export function planEvents(count: number, runId: string, random: Random): PlannedEvent[] {
  return Array.from({ length: count }, (_, seq) => ({ seq, id: `chaos-${runId}-${seq}`, type: EVENT_TYPES[Math.floor(random() * EVENT_TYPES.length)] }));
}

export interface PublishOptions {
  /** The app instances: event n goes to instance n mod count first, and to the next one after a refused connection (as a load balancer fails over). */
  baseUrls: string[];
  apiKey: string;
  events: PlannedEvent[];
  concurrency: number;
  /** Called after each accepted event with the number accepted so far. */
  onAccepted?: (count: number) => void;
  /** Give up on an event after this long (the run then reports it as not accepted). */
  perEventDeadlineMs?: number;
  /** Stop publishing (e.g. a restart failed and the run is over). */
  signal?: AbortSignal;
}

export async function publishAll(options: PublishOptions): Promise<PublishReport> {
  const report: PublishReport = { accepted: new Set(), acceptedAsDuplicate: 0, statuses: {}, connectionErrors: 0, unexpected: [], unclear503: 0 };
  const queue = [...options.events];

  const publishOne = async (event: PlannedEvent) => {
    const deadline = Date.now() + (options.perEventDeadlineMs ?? 300_000);
    const body = JSON.stringify({ id: event.id, type: event.type, data: { seq: event.seq, source: "chaos" } });
    let instance = event.seq % options.baseUrls.length;
    while (Date.now() < deadline && !options.signal?.aborted) {
      let status: number;
      let text: string;
      let retryAfter: string | null;
      try {
        const response = await fetch(`${options.baseUrls[instance]}/api/events`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${options.apiKey}` },
          body,
          signal: AbortSignal.timeout(30_000),
        });
        status = response.status;
        retryAfter = response.headers.get("retry-after");
        text = await response.text();
      } catch {
        // The app is down (killed, restarting): whether it stored the event is unknown; the
        // retry with the same id settles it.
        report.connectionErrors += 1;
        instance = (instance + 1) % options.baseUrls.length;
        await sleep(250);
        continue;
      }
      report.statuses[status] = (report.statuses[status] ?? 0) + 1;
      if (status === 202 || status === 200) {
        const duplicate = status === 200 && (JSON.parse(text) as { data?: { duplicate?: boolean } }).data?.duplicate === true;
        if (status === 200 && !duplicate) report.unexpected.push({ id: event.id, status, body: text.slice(0, 300) });
        if (duplicate) report.acceptedAsDuplicate += 1;
        report.accepted.add(event.id);
        options.onAccepted?.(report.accepted.size);
        return;
      }
      if (status === 503) {
        let envelope = false;
        try {
          envelope = (JSON.parse(text) as { success?: boolean; code?: string }).code === "service_unavailable";
        } catch {
          envelope = false;
        }
        if (!envelope || !retryAfter) report.unclear503 += 1;
        // Retry-After says 5 s; the chaos publisher is impatient to see the outage end.
        await sleep(Math.min(Number(retryAfter ?? 1) * 1000, 500));
        continue;
      }
      if (status === 429) {
        await sleep(Number(retryAfter ?? 1) * 1000);
        continue;
      }
      report.unexpected.push({ id: event.id, status, body: text.slice(0, 300) });
      await sleep(500);
    }
  };

  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      for (let event = queue.shift(); event && !options.signal?.aborted; event = queue.shift()) await publishOne(event);
    }),
  );
  return report;
}
