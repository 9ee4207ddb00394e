import { execFileSync } from "node:child_process";
import { readdirSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

/**
 * What most of the suite's processes import, loaded once in a process that exits normally, so that Node.js writes
 * its bytecode to NODE_COMPILE_CACHE (set in vitest.config.mts). Plugins never write it themselves: Node.js writes the
 * cache at a normal exit, and the tests stop plugins with a signal.
 */
const MODULES = [
  "@pulumi/pulumi",
  "@pulumi/pulumi/provider",
  "@pulumi/pulumi/proto/provider_grpc_pb",
  "@grpc/grpc-js",
  "./dist/index.js",
  "./dist/runtime.js",
  "./dist/simulator/index.js",
];

/**
 * Node.js never removes an entry, and a run adds about 1,200 (8 MB) for modules loaded from temporary projects, which
 * no later run loads again. Entries written longer ago than this are removed before a run. One still in use is
 * written again: the modules above by the setup below, any other by the first process of the run that loads it.
 */
const STALE_MS = 3 * 24 * 60 * 60 * 1000;

const entries = (dir: string): string[] => {
  try {
    return readdirSync(dir).map((name) => join(dir, name));
  } catch {
    return [];
  }
};

/** Removes the cache's stale entries, and the folders of Node.js versions left empty. */
export function pruneStale(cache: string): void {
  const now = Date.now();
  const isStale = (file: string) =>
    now - (statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? now) > STALE_MS;
  for (const version of entries(cache)) {
    const files = entries(version);
    const stale = files.filter(isStale);
    if (stale.length === files.length) rmSync(version, { recursive: true, force: true });
    else for (const file of stale) rmSync(file, { force: true });
  }
}

/** vitest runs a global setup once per project, each in a module of its own; the process is the same. */
const FILLED = Symbol.for("hyperv-replica.compileCacheFilled");

export default function setup(): void {
  const shared = globalThis as { [FILLED]?: boolean };
  if (!process.env.NODE_COMPILE_CACHE || shared[FILLED]) return;
  shared[FILLED] = true;
  pruneStale(process.env.NODE_COMPILE_CACHE);
  execFileSync(process.execPath, ["-e", `for (const m of ${JSON.stringify(MODULES)}) require(m);`], {
    cwd: resolve(import.meta.dirname, "../.."),
    stdio: "inherit",
  });
}
