// Settings the operator did not give are generated once and kept in the data directory, so
// sessions and encrypted secrets survive restarts.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { usingDataDir } from "@/scripts/start/start-failure";

type Log = (message: string) => void;

interface GeneratedSecrets {
  NEXTAUTH_SECRET: string;
  SECRETS_ENCRYPTION_KEY: string;
}

async function generatedSecrets(dataDir: string, log: Log): Promise<GeneratedSecrets> {
  const file = path.join(dataDir, "secrets.json");
  if (existsSync(file)) return JSON.parse(await readFile(file, "utf8")) as GeneratedSecrets;
  const secrets = {
    NEXTAUTH_SECRET: randomBytes(32).toString("base64"),
    SECRETS_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  };
  await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  log(`generated session and encryption keys in ${path.relative(process.cwd(), file)} (keep this file with the database)`);
  return secrets;
}

/** Fills in the generated settings and returns the absolute data directory. */
export async function prepareEnvironment(root: string, log: Log): Promise<string> {
  const dataDir = path.resolve(root, process.env.HOOKRELAY_DATA_DIR || ".data");
  const env = process.env;
  await usingDataDir(dataDir, async () => {
    await mkdir(dataDir, { recursive: true });
    await chmod(dataDir, 0o755);
    if (!env.NEXTAUTH_SECRET && !env.AUTH_SECRET) env.NEXTAUTH_SECRET = (await generatedSecrets(dataDir, log)).NEXTAUTH_SECRET;
    if (!env.SECRETS_ENCRYPTION_KEY) env.SECRETS_ENCRYPTION_KEY = (await generatedSecrets(dataDir, log)).SECRETS_ENCRYPTION_KEY;
  });
  env.NEXT_TELEMETRY_DISABLED ??= "1";
  // next-auth trusts the request's Host when no public URL is configured.
  env.AUTH_TRUST_HOST ??= "true";
  env.HOOKRELAY_DATA_DIR = dataDir;
  return dataDir;
}

const SOURCE_DIRS = ["app", "components", "lib", "inngest", "public"];
const SOURCE_FILES = ["next.config.ts", "proxy.ts", "package.json", "postcss.config.mjs", "tsconfig.json"];

function newestSourceChange(root: string): number {
  let newest = 0;
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === "generated" || entry.name.startsWith(".")) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (!/\.test\.tsx?$/.test(entry.name)) newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  for (const dir of SOURCE_DIRS) if (existsSync(path.join(root, dir))) visit(path.join(root, dir));
  for (const file of SOURCE_FILES) if (existsSync(path.join(root, file))) newest = Math.max(newest, statSync(path.join(root, file)).mtimeMs);
  return newest;
}

/** Runs `next build` when there is no build yet or a source file is newer than it. */
export async function buildIfNeeded(root: string, log: Log): Promise<void> {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (existsSync(buildId) && statSync(buildId).mtimeMs >= newestSourceChange(root)) {
    log("using the existing production build");
    return;
  }
  log("building the web app (first start or sources changed; about a minute)");
  const result = spawnSync("npx", ["next", "build"], { cwd: root, stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
  if (result.status !== 0) throw new Error("next build failed");
}
