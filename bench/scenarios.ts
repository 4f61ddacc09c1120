// The measurements against a running Hookrelay. Each scenario uses its own webhooks (and event
// type), so one scenario's deliveries never count in another's numbers.
import { Client, type Pool as PgPool } from "pg";
import { Pool } from "undici";
import type { RunningApp } from "@/bench/app";
import { cpuMsOf, mainThreadCpuMs, ownCpuMs, postgresCpuMs } from "@/bench/cpu";
import { median, percentile, round, sleep } from "@/bench/numbers";
import type { Progress } from "@/bench/progress";
import type { Receivers } from "@/bench/receivers";
import { seedAttemptHistory, seedBacklog, stillPending } from "@/bench/seed";

export interface ScenarioContext {
  app: RunningApp;
  /** The app's database, for bulk set-up and completion checks. */
  sql: PgPool;
  databaseUrl: string;
  receivers: Receivers;
  accountId: string;
  apiKey: string;
  progress: Progress;
}

const epochMs = () => performance.timeOrigin + performance.now();

/** Webhooks may only subscribe to catalog types; each scenario has its own, so its webhooks get only its events. */
const EVENT_TYPES = {
  throughput1: "order.created",
  throughput10: "order.updated",
  latency: "payment.succeeded",
  publish: "order.completed",
  mixed: "customer.created",
  history: "order.shipped",
} as const;

async function createWebhooks(ctx: ScenarioContext, urls: string[], eventType: string, extra: Record<string, unknown> = {}): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, url] of urls.entries()) {
    const res = await ctx.app.call<{ data: { id: string } }>("POST", "/api/webhooks", { name: `bench ${eventType} ${i}`, url, events: [eventType], ...extra });
    if (res.status !== 201) throw new Error(`creating a webhook answered ${res.status}: ${JSON.stringify(res.body)}`);
    ids.push(res.body.data.id);
  }
  return ids;
}

/** Waits until none of `total` deliveries is pending (`received`: see stillPending). */
async function waitUntilDelivered(ctx: ScenarioContext, webhookIds: string[], total: number, timeoutMs: number, started = performance.now(), received?: () => Promise<number>) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = await stillPending(ctx.sql, webhookIds, total, received);
    const done = total - pending;
    const seconds = (performance.now() - started) / 1000;
    ctx.progress.update(`${done}/${total} delivered, ${Math.round(done / Math.max(seconds, 0.001))}/s`);
    if (pending === 0) return;
    if (Date.now() > deadline) throw new Error(`${pending} of ${total} deliveries still pending after ${timeoutMs / 1000} s`);
    await sleep(pending > 2000 ? 250 : 50);
  }
}

export interface ThroughputResult {
  endpoints: number;
  events: number;
  deliveries: number;
  seconds: number;
  perSecond: number;
  /** Requests the receivers got beyond one per delivery (at-least-once redeliveries). */
  duplicates: number;
}

/**
 * A backlog of `events` events fanned out to `endpoints` webhooks, committed at once (the rows
 * publish creates, plus its NOTIFY), drained by the embedded engine: deliveries per second
 * from the commit to the last recorded attempt.
 */
export async function measureThroughput(ctx: ScenarioContext, endpoints: number, events: number): Promise<ThroughputResult> {
  const { urls, first } = await ctx.receivers.listen(Array(endpoints).fill(0));
  const eventType = endpoints === 1 ? EVENT_TYPES.throughput1 : EVENT_TYPES.throughput10;
  const webhookIds = await createWebhooks(ctx, urls, eventType);
  const client = new Client({ connectionString: ctx.databaseUrl });
  await client.connect();
  ctx.progress.update(`writing ${events * endpoints} deliveries`);
  const { deliveries, committedAt } = await seedBacklog(client, { accountId: ctx.accountId, webhookIds, events, eventType });
  await client.end();
  const started = performance.now();
  const received = async () => (await ctx.receivers.counts()).slice(first, first + endpoints).reduce((a, b) => a + b, 0);
  await waitUntilDelivered(ctx, webhookIds, deliveries, Math.max(120_000, deliveries * 5), started, received);
  const { rows } = await ctx.sql.query(
    `SELECT extract(epoch FROM max(completed_at)) * 1000 AS last FROM deliveries WHERE webhook_id = ANY($1::text[])`,
    [webhookIds],
  );
  const seconds = (Number(rows[0].last) - committedAt) / 1000;
  return { endpoints, events, deliveries, seconds, perSecond: deliveries / seconds, duplicates: (await received()) - deliveries };
}

interface SteadyLoad {
  eventType: string;
  perSecond: number;
  seconds: number;
  /** Events with the same type published before the measured ones, then forgotten. */
  label: string;
}

/** Publishes `perSecond` events for `seconds` on an open-loop schedule (late responses do not slow it). */
async function publishSteadily(ctx: ScenarioContext, load: SteadyLoad): Promise<{ sent: number; refused: number }> {
  const total = Math.round(load.perSecond * load.seconds);
  const interval = 1000 / load.perSecond;
  const inFlight = new Set<Promise<void>>();
  let refused = 0;
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const request = ctx.app
      .call("POST", "/api/events", { type: load.eventType, data: { t: epochMs(), i, order_id: `ord_${i}`, total: 42.5, currency: "EUR" } })
      .then((res) => {
        if (res.status !== 202) refused++;
      })
      .catch(() => void refused++)
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
    if (i % 50 === 0) ctx.progress.update(`${load.label}: ${i}/${total} published`);
  }
  await Promise.all(inFlight);
  return { sent: total, refused };
}

async function waitForRequests(ctx: ScenarioContext, endpoints: number[], expected: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await ctx.receivers.counts();
    const got = endpoints.reduce((n, i) => n + (counts[i] ?? 0), 0);
    if (got >= expected) return;
    if (Date.now() > deadline) throw new Error(`receivers got ${got} of ${expected} requests in ${timeoutMs / 1000} s`);
    await sleep(50);
  }
}

export interface LatencyResult {
  perSecond: number;
  events: number;
  refused: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

function latencySummary(values: number[]) {
  return {
    p50: round(percentile(values, 0.5), 1),
    p95: round(percentile(values, 0.95), 1),
    p99: round(percentile(values, 0.99), 1),
    max: round(values.length ? Math.max(...values) : null, 1),
  };
}

/** publish→received latency at a steady publish rate, one subscribed webhook. */
export async function measureLatency(ctx: ScenarioContext, perSecond: number, seconds: number): Promise<LatencyResult> {
  const { urls, first } = await ctx.receivers.listen([0]);
  const eventType = EVENT_TYPES.latency;
  await createWebhooks(ctx, urls, eventType);
  // Warm-up: the first requests of a route compile code paths; they are not what users see.
  await publishSteadily(ctx, { eventType, perSecond, seconds: 1, label: "warm-up" });
  await waitForRequests(ctx, [first], perSecond, 30_000);
  const before = (await ctx.receivers.latencies([first])).length;
  const { sent, refused } = await publishSteadily(ctx, { eventType, perSecond, seconds, label: "measuring" });
  await waitForRequests(ctx, [first], before + sent - refused, 60_000);
  const latencies = (await ctx.receivers.latencies([first])).slice(before);
  return { perSecond, events: sent, refused, ...latencySummary(latencies) };
}

export interface PublishResult {
  connections: number;
  requests: number;
  accepted: number;
  seconds: number;
  perSecond: number;
  p99Ms: number | null;
  /** CPU ms per accepted publish, by process, over the measured requests (not the engine's catch-up after them). */
  cpuMsPerPublish: PublishCpu;
}

/** Accepted events per second on POST /api/events, `connections` callers in a closed loop. */
export async function measurePublish(ctx: ScenarioContext, requests: number, connections = 64): Promise<PublishResult> {
  const { urls } = await ctx.receivers.listen([0]);
  const eventType = EVENT_TYPES.publish;
  const webhookIds = await createWebhooks(ctx, urls, eventType);
  const pool = new Pool(ctx.app.baseUrl, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const headers = { authorization: `Bearer ${ctx.apiKey}`, "content-type": "application/json" };
  // The load generator shares the machine with what it measures, so it stays lean: undici's
  // dispatch API, whose answer is only a status (no body stream, no async iterator per request).
  // `request()` with `body.text()` cost it ~25 % more CPU per request.
  const send = (i: number) =>
    new Promise<{ ok: boolean; ms: number }>((resolve, reject) => {
      const started = performance.now();
      let status = 0;
      const body = JSON.stringify({ type: eventType, data: { order_id: `ord_${i}`, total: 42.5, currency: "EUR", items: [{ sku: "A-1", qty: 2 }] } });
      pool.dispatch(
        { method: "POST", path: "/api/events", headers, body },
        {
          onConnect() {},
          onHeaders(code) {
            status = code;
            return true;
          },
          onData: () => true,
          onComplete: () => resolve({ ok: status === 202, ms: performance.now() - started }),
          onError: reject,
        },
      );
    });
  // Warm-up, as a client's first seconds would be.
  for (let i = 0; i < connections * 2; i += connections) await Promise.all(Array.from({ length: connections }, (_, j) => send(-1 - i - j)));
  let next = 0;
  let accepted = 0;
  const times: number[] = [];
  const cpuBefore = await publishCpuMs(ctx);
  const started = performance.now();
  const progress = setInterval(() => ctx.progress.update(`${next}/${requests} sent, ${Math.round(accepted / ((performance.now() - started) / 1000))}/s accepted`), 500);
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < requests) {
        const i = next++;
        const r = await send(i);
        times.push(r.ms);
        if (r.ok) accepted++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = await publishCpuMs(ctx);
  clearInterval(progress);
  await pool.close();
  // Let the engine catch up, so the next measurement starts from a quiet app.
  const total = requests + connections * 2;
  await waitUntilDelivered(ctx, webhookIds, total, 300_000);
  const perPublish = (k: keyof PublishCpu) => Math.round(((cpuAfter[k] - cpuBefore[k]) / accepted) * 1000) / 1000;
  const cpuMsPerPublish: PublishCpu = {
    serverMain: perPublish("serverMain"),
    serverOther: perPublish("serverOther"),
    postgres: perPublish("postgres"),
    receivers: perPublish("receivers"),
    client: perPublish("client"),
  };
  return { connections, requests, accepted, seconds, perSecond: accepted / seconds, p99Ms: round(percentile(times, 0.99), 1), cpuMsPerPublish };
}

/** Where a publish's CPU goes while the engine delivers alongside: the server's main thread, its other threads (the engine's, GC, libuv), PostgreSQL, the receivers and this load generator. */
interface PublishCpu {
  serverMain: number;
  serverOther: number;
  postgres: number;
  receivers: number;
  client: number;
}

async function publishCpuMs(ctx: ScenarioContext): Promise<PublishCpu> {
  const serverMain = await mainThreadCpuMs(ctx.app.pid);
  return {
    serverMain,
    serverOther: (await cpuMsOf(ctx.app.pid)) - serverMain,
    postgres: await postgresCpuMs(new URL(ctx.databaseUrl).pathname.slice(1)),
    receivers: await cpuMsOf(ctx.receivers.pid),
    client: ownCpuMs(),
  };
}

export interface SlowEndpointResult {
  perSecond: number;
  /** Length of each block, with and without the slow endpoint. */
  seconds: number;
  /** Rounds of a block each way, alternating. */
  rounds: number;
  slowDelayMs: number;
  /** Fast endpoints' p99 over all blocks without, then with, the slow endpoint subscribed. */
  fastP99WithoutMs: number | null;
  fastP99WithMs: number | null;
  /** (with − without) / without. */
  p99Change: number | null;
  /** Each block's own p99, in order: how much one block's figure moves on its own. */
  blocks: { without: number | null; with: number | null }[];
  slowRequestsStarted: number;
}

/**
 * Nine fast endpoints and one that answers after `slowDelayMs`: the fast endpoints' latency
 * with the slow one subscribed, compared with the same load without it. The two alternate in
 * `rounds` rounds of a block of `seconds` each way, in the order without–with, then
 * with–without, and so on, so that a drift over the scenario weighs on both sides alike. Each
 * side's p99 is taken over all of its blocks.
 *
 * One block each way, one after the other, could not tell a change of 20 % from noise: with
 * the slow endpoint never subscribed, three such runs gave −28 %, −9 % and +47 %. A p99 at
 * these rates is set by a handful of pauses, and the machine drifts over tens of seconds
 * (later blocks were slower on both sides).
 */
export async function measureSlowEndpoint(ctx: ScenarioContext, perSecond: number, seconds: number, rounds = 1, slowDelayMs = 5000): Promise<SlowEndpointResult> {
  const eventType = EVENT_TYPES.mixed;
  const fast = await ctx.receivers.listen(Array(9).fill(0));
  const slow = await ctx.receivers.listen([slowDelayMs]);
  const fastEndpoints = fast.urls.map((_, i) => fast.first + i);
  await createWebhooks(ctx, fast.urls, eventType);

  let slowRequestsStarted = 0;
  const block = async (label: string, blockSeconds = seconds) => {
    await ctx.receivers.reset();
    const { sent, refused } = await publishSteadily(ctx, { eventType, perSecond, seconds: blockSeconds, label });
    await waitForRequests(ctx, fastEndpoints, (sent - refused) * 9, 60_000);
    slowRequestsStarted += (await ctx.receivers.counts())[slow.first];
    return ctx.receivers.latencies(fastEndpoints);
  };
  // Each block with the slow endpoint subscribes a webhook of its own at its start, so that
  // its backlog builds up from nothing, and parks it at its end. Re-enabling one webhook
  // instead made each block start by re-dating its whole parked backlog (an update of
  // thousands of rows), a cost of the re-enabling and not of the slow endpoint. The load then
  // goes on, unmeasured, until the slow endpoint's last answers are in: an idle pause there
  // made the next block start cold.
  const withSlowEndpoint = async (label: string, last: boolean) => {
    const [webhookId] = await createWebhooks(ctx, slow.urls, eventType);
    const latencies = await block(label);
    const parked = await ctx.app.call("PATCH", `/api/webhooks/${webhookId}`, { is_active: false });
    if (parked.status !== 200) throw new Error(`parking the slow webhook answered ${parked.status}`);
    if (!last) await block(`${label}: its last answers`, (slowDelayMs + 1_000) / 1_000);
    return latencies;
  };
  // Autovacuum's work on what the earlier scenarios wrote (seconds of CPU for 200 000
  // deliveries) would land in one block and not the other: it is done first.
  // The pages that vacuum dirtied are written out now too, not by a checkpoint in mid-block.
  ctx.progress.update("vacuuming what the earlier scenarios left");
  await ctx.sql.query("VACUUM ANALYZE");
  await ctx.sql.query("CHECKPOINT");
  // Warm-up of the nine fast webhooks' connections, delivered before the first block starts. It
  // lasts 3 s: the first seconds after the checkpoint are slow (likely the whole-page images the
  // WAL takes of each page's first change after one), and after a 1 s warm-up they still set
  // the first block's p99 in some runs.
  await block("warm-up", 3);

  const without: number[] = [];
  const withSlow: number[] = [];
  const blocks: SlowEndpointResult["blocks"] = [];
  for (let round = 1; round <= rounds; round++) {
    const label = (side: string) => `${side} the slow endpoint (${round}/${rounds})`;
    const loadedFirst = round % 2 === 0 ? await withSlowEndpoint(label("with"), false) : null;
    const quiet = await block(label("without"));
    const loaded = loadedFirst ?? (await withSlowEndpoint(label("with"), round === rounds));
    without.push(...quiet);
    withSlow.push(...loaded);
    blocks.push({ without: round1(percentile(quiet, 0.99)), with: round1(percentile(loaded, 0.99)) });
  }
  const p99Without = percentile(without, 0.99);
  const p99With = percentile(withSlow, 0.99);
  return {
    perSecond,
    seconds,
    rounds,
    slowDelayMs,
    fastP99WithoutMs: round1(p99Without),
    fastP99WithMs: round1(p99With),
    p99Change: p99Without && p99With !== null ? round((p99With - p99Without) / p99Without, 3) : null,
    blocks,
    slowRequestsStarted,
  };
}

const round1 = (ms: number | null) => round(ms, 1);

export interface HistoryResult {
  attempts: number;
  statsMs: number | null;
  logsMs: number | null;
  statsRunsMs: number[];
  logsRunsMs: number[];
}

/** `GET …/stats?window=7d` and the first `GET …/logs` page of a webhook with `attempts` stored attempts; median of `runs`. */
export async function measureHistory(ctx: ScenarioContext, attempts: number, runs = 5): Promise<HistoryResult> {
  const [webhookId] = await createWebhooks(ctx, ["http://127.0.0.1:9/never-called"], EVENT_TYPES.history);
  const client = new Client({ connectionString: ctx.databaseUrl });
  await client.connect();
  try {
    await seedAttemptHistory(client, {
      accountId: ctx.accountId,
      webhookId,
      attempts,
      onProgress: (done) => ctx.progress.update(`stored ${done}/${attempts} attempts`),
    });
  } finally {
    await client.end();
  }
  const timed = async (pathName: string) => {
    const started = performance.now();
    const res = await ctx.app.call("GET", pathName);
    if (res.status !== 200) throw new Error(`GET ${pathName} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return performance.now() - started;
  };
  const statsRunsMs: number[] = [];
  const logsRunsMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    ctx.progress.update(`request ${i + 1}/${runs}`);
    statsRunsMs.push(await timed(`/api/webhooks/${webhookId}/stats?window=7d`));
    logsRunsMs.push(await timed(`/api/webhooks/${webhookId}/logs`));
  }
  return {
    attempts,
    statsMs: round(median(statsRunsMs), 1),
    logsMs: round(median(logsRunsMs), 1),
    statsRunsMs: statsRunsMs.map((ms) => round(ms, 1)!),
    logsRunsMs: logsRunsMs.map((ms) => round(ms, 1)!),
  };
}
