// `npm start`: compiles scripts/start.ts and the engine thread's entry (with the lib/ code they
// import) to JavaScript with esbuild, then runs it, so no TypeScript loader stays in the
// process. tsx at run time kept its module-hooks thread (another V8 isolate) alive and its
// compiled modules in both threads' heaps: ~120 MB of resident memory at idle (bench/README.md,
// "Memory"). `npm run dev` keeps tsx.
import { build, stop } from "esbuild";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";

/** Compiled start scripts, one directory per content (gitignored with node_modules/). */
const CACHE_DIR = path.resolve("node_modules/.cache/hookrelay-start");
const PRUNE_AFTER_MS = 7 * 24 * 3600_000;

const result = await build({
  absWorkingDir: process.cwd(),
  // `engine-worker.mjs` beside the chunks: engine-thread.ts starts `./engine-worker.mjs` next to
  // itself, which under tsx is the shim that registers tsx and here is the compiled entry.
  entryPoints: { start: "scripts/start.ts", "engine-worker": "scripts/start/engine-worker.ts" },
  outdir: CACHE_DIR,
  outExtension: { ".js": ".mjs" },
  chunkNames: "[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external", // node_modules load as usual; `@/…` paths are resolved through tsconfig.json
  write: false,
  logLevel: "error",
});
await stop(); // esbuild's helper process is not needed any more

// A directory named by the output's hash, written whole then renamed into place: another
// instance starting from the same checkout never sees a half-written or different bundle.
const hash = createHash("sha256");
for (const file of result.outputFiles) hash.update(path.relative(CACHE_DIR, file.path)).update(file.contents);
const dir = path.join(CACHE_DIR, hash.digest("hex").slice(0, 16));
if (!existsSync(dir)) {
  await mkdir(CACHE_DIR, { recursive: true });
  const temp = await mkdtemp(path.join(CACHE_DIR, ".tmp-"));
  for (const file of result.outputFiles) await writeFile(path.join(temp, path.relative(CACHE_DIR, file.path)), file.contents);
  await rename(temp, dir).catch(() => rm(temp, { recursive: true, force: true })); // another start won the race
}
for (const entry of await readdir(CACHE_DIR)) {
  const old = path.join(CACHE_DIR, entry);
  if (old !== dir && Date.now() - (await stat(old)).mtimeMs > PRUNE_AFTER_MS) await rm(old, { recursive: true, force: true });
}
await import(pathToFileURL(path.join(dir, "start.mjs")).href);
