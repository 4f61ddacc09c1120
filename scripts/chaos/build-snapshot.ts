// The app a chaos run starts and restarts is one fixed build. The run first makes sure the
// project's build is current (`next build` when sources changed, as `npm start` would), then
// copies it into a private root whose every other entry is a symlink to the project. Starting
// from there, a restart never rebuilds in the middle of a run, and neither another
// developer's edit nor another `next build` of the shared `.next` (which empties it) can pull
// the build out from under the running app.
import { existsSync, readFileSync } from "node:fs";
import { cp, mkdtemp, readdir, rm, symlink, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildIfNeeded } from "@/scripts/start/environment";
import { sleep } from "@/scripts/chaos/random";

export interface BuildSnapshot {
  /** Start the app with this as its working directory. */
  root: string;
  remove(): Promise<void>;
}

const readBuildId = (dir: string) => {
  const file = path.join(dir, ".next", "BUILD_ID");
  return existsSync(file) ? readFileSync(file, "utf8") : undefined;
};

export async function prepareBuildSnapshot(projectRoot: string, log: (m: string) => void, attempts = 5): Promise<BuildSnapshot> {
  const root = await mkdtemp(path.join(tmpdir(), "hookrelay-chaos-app-"));
  const remove = () => rm(root, { recursive: true, force: true });
  try {
    for (const entry of await readdir(projectRoot)) {
      if (entry !== ".next") await symlink(path.join(projectRoot, entry), path.join(root, entry));
    }
    for (let attempt = 1; ; attempt++) {
      try {
        // `next build` refuses to run while another one is running, and a half-saved file can
        // break it: both pass, so try again a few times.
        await buildIfNeeded(projectRoot, log);
        const buildId = readBuildId(projectRoot);
        if (!buildId) throw new Error("no build in .next (another build started?)");
        await rm(path.join(root, ".next"), { recursive: true, force: true });
        await cp(path.join(projectRoot, ".next"), path.join(root, ".next"), {
          recursive: true,
          verbatimSymlinks: true, // .next/node_modules holds relative links to ../../node_modules
          filter: (source) => !/[\\/]\.next[\\/](cache|dev|trace|lock)$/.test(source),
        });
        if (readBuildId(projectRoot) !== buildId || readBuildId(root) !== buildId) throw new Error("the build changed while it was copied");
        break;
      } catch (error) {
        if (attempt >= attempts) throw error;
        log(`could not take the build (${error instanceof Error ? error.message : String(error)}); trying again in 20 s`);
        await sleep(20_000);
      }
    }
    // Newer than any source edit to come: `npm start` in the snapshot never rebuilds.
    const future = new Date("2100-01-01T00:00:00Z");
    await utimes(path.join(root, ".next", "BUILD_ID"), future, future);
    return { root, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
