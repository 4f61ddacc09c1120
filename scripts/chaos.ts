// `npm run chaos`: proves that nothing is lost. Three scenarios against the real app (see
// scripts/chaos/run-chaos.ts): the app killed with SIGKILL twice while events are published
// and delivered; PostgreSQL restarted under the running app; two app instances on one
// database, published through both, one of them killed twice. Prints the ledger summary of
// each and exits non-zero when an accepted event went missing (or anything else was off).
//
//   npm run chaos -- [--events 5000] [--seed N] [--only app-kill|postgres-restart|two-instances] [--keep]
import { prepareBuildSnapshot } from "@/scripts/chaos/build-snapshot";
import { abandonRuns, formatSummary, runChaos, type ChaosOptions, type ChaosResult } from "@/scripts/chaos/run-chaos";

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

for (const name of ["SIGINT", "SIGTERM"] as const) {
  process.on(name, () => {
    console.error(`[chaos] ${name}: stopping the app and its database`);
    void abandonRuns().finally(() => process.exit(130));
  });
}

async function main() {
  const events = Number(argument("events") ?? 5000);
  const seed = Number(argument("seed") ?? Math.floor(Math.random() * 2 ** 31));
  const only = argument("only");
  if (!Number.isInteger(events) || events < 10) throw new Error("--events must be a whole number of at least 10");
  if (only && !["app-kill", "postgres-restart", "two-instances"].includes(only)) throw new Error("--only is app-kill, postgres-restart or two-instances");
  const common = { events, keepData: process.argv.includes("--keep") };
  const scenarios: ChaosOptions[] = [
    { ...common, name: "app-kill", seed, appKills: 2, postgresRestarts: 0 },
    { ...common, name: "postgres-restart", seed: seed + 1, appKills: 0, postgresRestarts: 1 },
    { ...common, name: "two-instances", seed: seed + 2, instances: 2, appKills: 2, postgresRestarts: 0 },
  ].filter((s) => !only || s.name === only);

  // Both scenarios run the same build.
  const snapshot = await prepareBuildSnapshot(process.cwd(), (m) => console.log(`[chaos] ${m}`));
  const results: ChaosResult[] = [];
  try {
    for (const scenario of scenarios) {
      const result = await runChaos({ ...scenario, snapshot });
      results.push(result);
      console.log(formatSummary(result));
    }
  } finally {
    await snapshot.remove();
  }
  const total = (key: "published" | "delivered" | "dead" | "duplicates" | "missing") => results.reduce((n, r) => n + r[key], 0);
  console.log(`[chaos] total: published ${total("published")}, delivered ${total("delivered")}, dead ${total("dead")}, duplicates ${total("duplicates")}, missing ${total("missing")}`);
  process.exit(results.every((r) => r.ok) ? 0 : 1);
}

main().catch((error) => {
  console.error(`[chaos] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(2);
});
