// `npm start`: compiles scripts/start.ts and the engine thread's entry (with the lib/ code they
// import) to JavaScript with esbuild, then runs it, so no TypeScript loader stays in the
// process. tsx at run time kept a module-hooks thread and esbuild's sync worker alive in both
// threads: ~100 MB of resident memory (bench/README.md, "Memory"). `npm run dev` keeps tsx.
import { build, stop } from "esbuild";
import path from "node:path";
import { pathToFileURL } from "node:url";

/** The compiled start script; gitignored with node_modules/, rewritten on every start (~1 s). */
const START_BUNDLE_DIR = path.resolve("node_modules/.cache/hookrelay-start");

await build({
  absWorkingDir: process.cwd(),
  // `engine-worker.mjs` beside the chunks: engine-thread.ts starts `./engine-worker.mjs` next to
  // itself, which under tsx is the shim that registers tsx and here is the compiled entry.
  entryPoints: { start: "scripts/start.ts", "engine-worker": "scripts/start/engine-worker.ts" },
  outdir: START_BUNDLE_DIR,
  outExtension: { ".js": ".mjs" },
  chunkNames: "[name]-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external", // node_modules load as usual; `@/…` paths are resolved through tsconfig.json
  logLevel: "error",
});
await stop(); // esbuild's helper process is not needed any more
await import(pathToFileURL(path.join(START_BUNDLE_DIR, "start.mjs")).href);
