// The end of a chaos run: compare what the publisher was promised (every 202), what the
// database says became of each delivery, and what the receivers' ledgers say arrived.
import { Client } from "pg";
import { postgresUrl } from "@/lib/db/embedded-postgres";
import type { PlannedEvent, PublishReport } from "@/scripts/chaos/publisher";
import { expectedReceivers, type ChaosReceiver } from "@/scripts/chaos/receivers";

export interface Disruption {
  kind: "app-kill" | "postgres-restart";
  /** When the kill happened, or when PostgreSQL was stopped. */
  at: number;
  /** When the app answered again, or PostgreSQL accepted connections again. */
  until: number;
}

export interface LedgerSummary {
  published: number;
  deliveries: number;
  delivered: number;
  dead: number;
  duplicates: number;
  missing: number;
}

export interface ChaosReport extends LedgerSummary {
  /** Duplicates whose earlier copies were not answered around a disruption. */
  unexplainedDuplicates: number;
  /**
   * Duplicates that only a database restart explains: an answered attempt whose outcome could
   * not be recorded while PostgreSQL was away. Outcomes are recorded again once it is back (for
   * up to 10 s), so a short restart should leave none.
   */
  restartDuplicates: number;
  /** Planned events the publisher could not get accepted before its deadline. */
  notAccepted: number;
  /** Accepted (202) but not in the database. */
  lost: number;
  /** Deliveries the app created that the subscriptions do not call for. */
  unexpectedDeliveries: number;
  pendingAtEnd: number;
  leasesAtEnd: number;
  attempts: number;
  rejectedRequests: number;
  publisher: Omit<PublishReport, "accepted">;
  /** A few examples of what went wrong, for the person reading the report. */
  problems: string[];
  ok: boolean;
}

interface DeliveryRow {
  eventId: string;
  webhookId: string;
  status: "pending" | "succeeded" | "dead";
  deadLetter: boolean;
  leaseOwner: string | null;
}

/** How long before a kill (or around a database restart) an answered request may still have gone unrecorded. */
const IN_FLIGHT_SLACK_MS = 15_000;

export async function queryDeliveries(pgPort: number, runId: string): Promise<DeliveryRow[]> {
  const client = new Client({ connectionString: postgresUrl(pgPort, "hookrelay") });
  await client.connect();
  try {
    const { rows } = await client.query<DeliveryRow>(
      `SELECT e.external_id AS "eventId", d.webhook_id AS "webhookId", d.status::text AS status,
              (dl.id IS NOT NULL) AS "deadLetter", d.lease_owner AS "leaseOwner"
       FROM events e
       JOIN deliveries d ON d.event_id = e.id
       LEFT JOIN dead_letters dl ON dl.delivery_id = d.id
       WHERE e.external_id LIKE $1`,
      [`chaos-${runId}-%`],
    );
    return rows;
  } finally {
    await client.end();
  }
}

export async function countRows(pgPort: number, sql: string, params: unknown[] = []): Promise<number> {
  const client = new Client({ connectionString: postgresUrl(pgPort, "hookrelay") });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(sql, params);
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

export interface VerifyInput {
  pgPort: number;
  runId: string;
  planned: PlannedEvent[];
  publish: PublishReport;
  receivers: ChaosReceiver[];
  webhookIds: Map<string, string>; // receiver name → webhook id
  disruptions: Disruption[];
}

export async function verifyRun(input: VerifyInput): Promise<ChaosReport> {
  const { planned, publish, receivers, disruptions } = input;
  const problems: string[] = [];
  const note = (message: string) => problems.length < 20 && problems.push(message);
  const receiverByWebhook = new Map([...input.webhookIds].map(([name, id]) => [id, receivers.find((r) => r.spec.name === name)!]));
  const rows = await queryDeliveries(input.pgPort, input.runId);
  const rowByPair = new Map(rows.map((r) => [`${r.eventId}|${receiverByWebhook.get(r.webhookId)?.spec.name}`, r]));
  const storedEvents = new Set(rows.map((r) => r.eventId));

  const inWindow = (d: (typeof disruptions)[number], at: number) =>
    d.kind === "app-kill" ? at >= d.at - IN_FLIGHT_SLACK_MS && at <= d.at + 1000 : at >= d.at - IN_FLIGHT_SLACK_MS && at <= d.until + IN_FLIGHT_SLACK_MS;
  const inDisruption = (at: number) => disruptions.some((d) => inWindow(d, at));
  const onlyRestartExplains = (at: number) => !disruptions.some((d) => d.kind === "app-kill" && inWindow(d, at)) && inDisruption(at);

  let deliveries = 0, delivered = 0, dead = 0, duplicates = 0, missing = 0, unexplainedDuplicates = 0, restartDuplicates = 0, lost = 0;
  const expectedPairs = new Set<string>();
  for (const event of planned) {
    if (!publish.accepted.has(event.id)) continue;
    const targets = expectedReceivers(receivers.map((r) => r.spec), event.type);
    if (targets.length > 0 && !storedEvents.has(event.id)) {
      lost += 1;
      note(`${event.id} was accepted but is not in the database`);
    }
    for (const name of targets) {
      deliveries += 1;
      const key = `${event.id}|${name}`;
      expectedPairs.add(key);
      const row = rowByPair.get(key);
      const receptions = receivers.find((r) => r.spec.name === name)!.ledger.get(event.id) ?? [];
      const successes = receptions.filter((r) => r.status >= 200 && r.status < 300);
      if (!row) {
        missing += 1;
        note(`${event.id} → ${name}: no delivery was created`);
      } else if (successes.length > 0 && row.status !== "pending") {
        delivered += 1;
        if (successes.length > 1) {
          duplicates += 1;
          // Every copy but the last was answered and then not recorded: a crash or the
          // database going away must explain each.
          // By when the request arrived, not when it was answered: a slow receiver answers a
          // request that came just before a kill up to a second after it.
          const earlier = successes.slice(0, -1);
          if (!earlier.every((s) => inDisruption(s.requestedAt))) {
            unexplainedDuplicates += 1;
            note(`${event.id} → ${name}: delivered ${successes.length} times, not around a disruption (${successes.map((s) => new Date(s.at).toISOString()).join(", ")})`);
          } else if (earlier.some((s) => onlyRestartExplains(s.requestedAt))) restartDuplicates += 1;
        }
      } else if (row.status === "dead" && row.deadLetter) {
        dead += 1;
      } else {
        missing += 1;
        note(`${event.id} → ${name}: status ${row.status}, ${successes.length} successful requests at the receiver`);
      }
    }
  }
  const unexpectedDeliveries = rows.filter((r) => !expectedPairs.has(`${r.eventId}|${receiverByWebhook.get(r.webhookId)?.spec.name}`)).length;
  if (unexpectedDeliveries) note(`${unexpectedDeliveries} deliveries that no subscription calls for`);

  const pendingAtEnd = rows.filter((r) => r.status === "pending").length;
  const leasesAtEnd = rows.filter((r) => r.leaseOwner !== null).length;
  const attempts = await countRows(input.pgPort, `SELECT count(*) AS n FROM attempts a JOIN events e ON e.id = a.event_id WHERE e.external_id LIKE $1`, [`chaos-${input.runId}-%`]);
  const rejectedRequests = receivers.reduce((n, r) => n + r.rejected, 0);
  const notAccepted = planned.length - publish.accepted.size;
  const { accepted, ...publisher } = publish;

  if (notAccepted) note(`${notAccepted} events were never accepted by the API`);
  if (publisher.unexpected.length) note(`unexpected answers to publishes: ${JSON.stringify(publisher.unexpected.slice(0, 3))}`);
  if (publisher.unclear503) note(`${publisher.unclear503} 503 answers without the error envelope or Retry-After`);
  if (rejectedRequests) note(`${rejectedRequests} requests at the receivers failed signature verification`);
  if (leasesAtEnd) note(`${leasesAtEnd} deliveries still leased at the end`);

  const ok =
    missing === 0 && lost === 0 && notAccepted === 0 && unexplainedDuplicates === 0 && unexpectedDeliveries === 0 && pendingAtEnd === 0 && leasesAtEnd === 0 && rejectedRequests === 0 && publisher.unexpected.length === 0 && publisher.unclear503 === 0;
  return {
    published: accepted.size,
    deliveries,
    delivered,
    dead,
    duplicates,
    missing,
    unexplainedDuplicates,
    restartDuplicates,
    notAccepted,
    lost,
    unexpectedDeliveries,
    pendingAtEnd,
    leasesAtEnd,
    attempts,
    rejectedRequests,
    publisher,
    problems,
    ok,
  };
}
