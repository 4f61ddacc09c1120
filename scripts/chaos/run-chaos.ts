// One chaos scenario, end to end: start the real app (scripts/start.ts) on a fresh data
// directory — once, or as several instances on its one PostgreSQL — point webhooks at local
// receivers, publish events through every instance while killing one with SIGKILL and
// restarting the PostgreSQL at random moments, wait for every delivery to settle, then check
// the receivers' ledgers against what the API accepted (scripts/chaos/verify.ts).
// `npm run chaos` (scripts/chaos.ts) and scripts/chaos/chaos.test.ts both run it.
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort, postgresUrl } from "@/lib/db/embedded-postgres";
import { crashApp, startApp, stopApp, type AppSettings, type RunningApp } from "@/scripts/chaos/app-process";
import { prepareBuildSnapshot, type BuildSnapshot } from "@/scripts/chaos/build-snapshot";
import { signal } from "@/scripts/chaos/processes";
import { restartPostgres, runningPostmaster, stopPostgres } from "@/scripts/chaos/postgres";
import { planEvents, publishAll } from "@/scripts/chaos/publisher";
import { seededRandom, sleep } from "@/scripts/chaos/random";
import { receiverSpecs, startChaosReceiver, type ChaosReceiver } from "@/scripts/chaos/receivers";
import { countRows, verifyRun, type ChaosReport, type Disruption } from "@/scripts/chaos/verify";

export interface ChaosOptions {
  name: string;
  events: number;
  /** App instances on the one database (default 1); the first runs the embedded PostgreSQL, the others reach it with DATABASE_URL. */
  instances?: number;
  /** Each kill -9s one instance (picked at random) and starts it again. */
  appKills: number;
  postgresRestarts: number;
  seed: number;
  /** Publishes in flight at once. */
  concurrency?: number;
  /** How long PostgreSQL stays down at a restart. */
  outageMs?: number;
  /** After the last publish and disruption, how long deliveries may take to settle. */
  settleTimeoutMs?: number;
  /** Keep the data directory (always kept when the run fails). */
  keepData?: boolean;
  /** The project (default: the working directory). */
  root?: string;
  /** A build snapshot to start the app from; made (and removed) by the run when not given. */
  snapshot?: BuildSnapshot;
  log?: (message: string) => void;
}

export interface ChaosResult extends ChaosReport {
  name: string;
  instances: number;
  /** Attempts partitions the app starts created, over all instances and restarts: each one once. */
  partitionsCreated: number;
  /** A few values of GET /api/metrics at the end. */
  metrics: Record<string, number>;
  seed: number;
  disruptions: Disruption[];
  durationMs: number;
  dataDir: string;
}

const RETRY_POLICY = [1, 1, 2];

/** Runs in progress, so an interrupted `npm run chaos` can take its apps and database down with it. */
const active = new Set<{ apps: RunningApp[]; dataDir: string }>();

/** SIGKILLs the apps and stops the databases of the runs in progress (Ctrl-C of the chaos script). */
export async function abandonRuns(): Promise<void> {
  await Promise.all(
    [...active].map(async (run) => {
      for (const app of run.apps) signal(-app.pid, "SIGKILL");
      await stopPostgres(path.join(run.dataDir, "postgres")).catch(() => {});
    }),
  );
}

/** Where in the stream of accepted publishes each disruption happens: spread over the middle of the run, in random order. */
function planDisruptions(options: ChaosOptions, random: () => number): { kind: Disruption["kind"]; afterAccepted: number }[] {
  const kinds: Disruption["kind"][] = [...Array(options.appKills).fill("app-kill"), ...Array(options.postgresRestarts).fill("postgres-restart")];
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j], kinds[i]];
  }
  // One slot per disruption between 15 % and 85 % of the events, a random point within each.
  const span = 0.7 / Math.max(1, kinds.length);
  return kinds.map((kind, i) => ({ kind, afterAccepted: Math.max(1, Math.floor(options.events * (0.15 + span * (i + 0.2 + 0.6 * random())))) }));
}

async function waitForHealth(baseUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await fetch(`${baseUrl}/api/health`).then((r) => r.status, () => 0);
    if (status === 200) return;
    if (Date.now() > deadline) throw new Error(`/api/health did not answer 200 within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** The first instance keeps the data directory and its embedded PostgreSQL; the others reach that database with DATABASE_URL and share the first one's keys, as an operator's second instance would. */
async function instanceSettings(first: AppSettings, index: number): Promise<AppSettings> {
  if (index === 0) return first;
  const secrets = JSON.parse(await readFile(path.join(first.dataDir, "secrets.json"), "utf8")) as Record<string, string>;
  const postgres = runningPostmaster(path.join(first.dataDir, "postgres"));
  if (!postgres) throw new Error("the first instance's PostgreSQL is not running");
  const dataDir = path.join(first.dataDir, `instance-${index + 1}`);
  await mkdir(dataDir, { recursive: true });
  const env = { ...first.env, DATABASE_URL: postgresUrl(postgres.port, "hookrelay"), NEXTAUTH_SECRET: secrets.NEXTAUTH_SECRET, SECRETS_ENCRYPTION_KEY: secrets.SECRETS_ENCRYPTION_KEY };
  return { ...first, dataDir, port: await freePort(), env };
}

async function createWebhooks(baseUrl: string, apiKey: string, receivers: ChaosReceiver[]): Promise<Map<string, string>> {
  const webhookIds = new Map<string, string>();
  for (const receiver of receivers) {
    const response = await fetch(`${baseUrl}/api/webhooks`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ name: `chaos ${receiver.spec.name}`, url: receiver.url, events: receiver.spec.events, retry_policy: RETRY_POLICY, timeout_ms: receiver.spec.timeoutMs }),
    });
    const body = (await response.json()) as { data: { id: string; secret: string } };
    if (response.status !== 201) throw new Error(`creating a webhook failed: ${response.status} ${JSON.stringify(body)}`);
    webhookIds.set(receiver.spec.name, body.data.id);
    receiver.setSecret(body.data.secret);
  }
  return webhookIds;
}

/** Waits until no delivery is pending (or the deadline); returns how many still are. */
async function settle(pgPort: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let pending = Infinity;
  while (Date.now() < deadline) {
    pending = await countRows(pgPort, `SELECT count(*) AS n FROM deliveries WHERE status = 'pending'`);
    if (pending === 0) break;
    await sleep(500);
  }
  return pending;
}

/**
 * The attempts partitions each start says it created (scripts/start/database.ts): a day created
 * twice means two instances both ran the maintenance, and a failed maintenance is a problem too.
 */
async function checkPartitionsCreatedOnce(logFiles: string[], result: ChaosResult): Promise<void> {
  const created = new Map<string, number>();
  for (const file of logFiles) {
    const text = await readFile(file, "utf8");
    for (const match of text.matchAll(/created the attempts partitions (.+)/g)) {
      for (const name of match[1].split(", ")) created.set(name, (created.get(name) ?? 0) + 1);
    }
    if (text.includes("could not create the attempts partitions")) result.problems.push(`partition maintenance failed at a start (${file})`);
  }
  result.partitionsCreated = created.size;
  const twice = [...created].filter(([, n]) => n > 1).map(([name]) => name);
  if (twice.length > 0) result.problems.push(`attempts partitions created more than once: ${twice.join(", ")}`);
  if (result.problems.length > 0) result.ok = false;
}

const METRICS = ['hookrelay_deliveries{status="pending"}', "hookrelay_deliveries_due", 'hookrelay_dead_letters{replayed="false"}'];

/** The operator's view must agree with the ledger: nothing pending, nothing due. */
async function checkMetrics(baseUrl: string, apiKey: string, result: ChaosResult): Promise<void> {
  const scraped = await fetch(`${baseUrl}/api/metrics`, { headers: { authorization: `Bearer ${apiKey}` } });
  const text = await scraped.text();
  for (const name of METRICS) {
    const line = text.split("\n").find((l) => l.startsWith(`${name} `));
    if (line) result.metrics[name] = Number(line.slice(name.length + 1));
  }
  if (scraped.status !== 200 || result.metrics['hookrelay_deliveries{status="pending"}'] !== 0 || result.metrics.hookrelay_deliveries_due !== 0) {
    result.problems.push(`GET /api/metrics answered ${scraped.status}, ${JSON.stringify(result.metrics)}`);
    result.ok = false;
  }
}

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const log = options.log ?? ((m: string) => console.log(`[chaos] ${m}`));
  const root = options.root ?? process.cwd();
  const started = Date.now();
  const random = seededRandom(options.seed);
  const runId = `${options.seed.toString(36)}${randomBytes(3).toString("hex")}`;
  const dataDir = await mkdtemp(path.join(tmpdir(), "hookrelay-chaos-"));
  const pgDir = path.join(dataDir, "postgres");
  const apiKey = `hr_chaos_${randomBytes(16).toString("hex")}`;
  const ownSnapshot = !options.snapshot;
  let snapshot = options.snapshot;
  // The publisher is one API key sending thousands of requests a minute.
  const first: AppSettings = { root: "", dataDir, port: await freePort(), apiKey, env: { API_RATE_LIMIT_PER_MINUTE: "10000000" } };
  const settings: AppSettings[] = [];
  const receivers: ChaosReceiver[] = [];
  const disruptions: Disruption[] = [];
  let result: ChaosResult | undefined;
  const run: { apps: RunningApp[]; dataDir: string } = { apps: [], dataDir };
  const apps = run.apps;
  const logFiles: string[] = [];
  const start = async (i: number) => {
    const app = await startApp(settings[i]);
    logFiles.push(app.logFile);
    return app;
  };
  active.add(run);

  try {
    for (const spec of receiverSpecs) receivers.push(await startChaosReceiver(spec, random));
    snapshot ??= await prepareBuildSnapshot(root, (m) => log(`${options.name}: ${m}`));
    first.root = snapshot.root;
    for (let i = 0; i < (options.instances ?? 1); i++) {
      settings.push(await instanceSettings(first, i));
      log(`${options.name}: starting app instance ${i + 1} on ${settings[i].dataDir}`);
      apps.push(await start(i));
    }
    const baseUrls = apps.map((app) => app.baseUrl);
    const webhookIds = await createWebhooks(baseUrls[0], apiKey, receivers);

    const planned = planEvents(options.events, runId, random);
    const plan = planDisruptions(options, random);
    log(`${options.name}: publishing ${planned.length} events through ${apps.length} instance(s); ${plan.map((p) => `${p.kind} after ${p.afterAccepted}`).join(", ") || "no disruptions"}`);

    // Disruptions run one after another, each when the publisher has been promised enough events.
    let chain = Promise.resolve();
    let chainError: unknown;
    let nextPlanned = 0;
    const disrupt = async (kind: Disruption["kind"]) => {
      await sleep(Math.floor(random() * 300));
      const at = Date.now();
      if (kind === "app-kill") {
        const i = Math.floor(random() * apps.length);
        await crashApp(apps[i], dataDir);
        log(`${options.name}: kill -9 app instance ${i + 1} (pid ${apps[i].pid}); restarting it`);
        apps[i] = await start(i);
        await waitForHealth(baseUrls[i], 60_000);
        log(`${options.name}: instance ${i + 1} is back after ${((Date.now() - at) / 1000).toFixed(1)} s`);
      } else {
        const stopped = await stopPostgres(pgDir);
        if (!stopped) throw new Error("no PostgreSQL is running on the data directory");
        log(`${options.name}: stopped PostgreSQL (pid ${stopped.pid}, port ${stopped.port}) under the running app`);
        await sleep(options.outageMs ?? 3000);
        const restarted = await restartPostgres(pgDir);
        log(`${options.name}: PostgreSQL is back (pid ${restarted.pid}) after ${((Date.now() - at) / 1000).toFixed(1)} s`);
      }
      disruptions.push({ kind, at, until: Date.now() });
    };
    const abort = new AbortController();
    const publish = await publishAll({
      signal: abort.signal,
      baseUrls,
      apiKey,
      events: planned,
      concurrency: options.concurrency ?? 8,
      onAccepted: (count) => {
        while (nextPlanned < plan.length && count >= plan[nextPlanned].afterAccepted) {
          const { kind } = plan[nextPlanned++];
          chain = chain
            .then(() => (chainError === undefined ? disrupt(kind) : undefined))
            .catch((error: unknown) => {
              chainError ??= error;
              abort.abort();
            });
        }
      },
    });
    await chain;
    if (chainError !== undefined) throw chainError;
    log(`${options.name}: ${publish.accepted.size} events accepted (${publish.connectionErrors} refused connections, ${publish.statuses[503] ?? 0} × 503); waiting for deliveries to settle`);

    const pgPort = runningPostmaster(pgDir)?.port;
    if (!pgPort) throw new Error("PostgreSQL is not running at the end of the run");
    const pending = await settle(pgPort, options.settleTimeoutMs ?? 180_000);
    if (pending > 0) log(`${options.name}: ${pending} deliveries still pending at the settle deadline`);

    const report = await verifyRun({ pgPort, runId, planned, publish, receivers, webhookIds, disruptions });
    result = { name: options.name, seed: options.seed, instances: apps.length, partitionsCreated: 0, disruptions, durationMs: Date.now() - started, dataDir, ...report, metrics: {} };
    await checkMetrics(baseUrls[0], apiKey, result);
    await checkPartitionsCreatedOnce(logFiles, result);

    // The later instances first: the first one's stop also stops the PostgreSQL they use.
    for (const app of [...apps].reverse()) {
      const code = await stopApp(app);
      if (code !== 0) {
        result.problems.push(`app instance ${apps.indexOf(app) + 1} exited with ${code} on SIGTERM`);
        result.ok = false;
      }
    }
    apps.length = 0;
    return result;
  } finally {
    active.delete(run);
    for (const app of apps) await crashApp(app, dataDir).catch(() => {});
    await stopPostgres(pgDir).catch(() => {});
    await Promise.all(receivers.map((r) => r.close()));
    if (ownSnapshot) await snapshot?.remove();
    if (result?.ok && !options.keepData) await rm(dataDir, { recursive: true, force: true });
    else log(`${options.name}: data and app logs kept in ${dataDir}`);
  }
}

export function formatSummary(result: ChaosResult): string {
  const { published, delivered, dead, duplicates, missing } = result;
  const lines = [
    `${result.name} (seed ${result.seed}, ${result.instances} instance(s), ${(result.durationMs / 1000).toFixed(0)} s): ${result.ok ? "OK" : "FAILED"}`,
    `  published ${published}, delivered ${delivered}, dead ${dead}, duplicates ${duplicates} (${result.restartDuplicates} only around a database restart), missing ${missing}`,
    `  deliveries ${result.deliveries}, attempts ${result.attempts}, unexplained duplicates ${result.unexplainedDuplicates}, lost 202s ${result.lost}, pending at end ${result.pendingAtEnd}, leases at end ${result.leasesAtEnd}`,
    `  publisher: ${JSON.stringify(result.publisher.statuses)} by status, ${result.publisher.connectionErrors} refused connections, ${result.publisher.acceptedAsDuplicate} accepted on a retry as duplicate`,
    `  attempts partitions created by the starts: ${result.partitionsCreated}`,
    `  metrics at the end: ${Object.entries(result.metrics).map(([k, v]) => `${k} ${v}`).join(", ")}`,
    `  disruptions: ${result.disruptions.map((d) => `${d.kind} (${((d.until - d.at) / 1000).toFixed(1)} s)`).join(", ") || "none"}`,
    ...result.problems.map((p) => `  problem: ${p}`),
  ];
  return lines.join("\n");
}
