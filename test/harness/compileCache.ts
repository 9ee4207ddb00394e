import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

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

/** vitest runs a global setup once per project, each in a module of its own; the process is the same. */
const FILLED = Symbol.for("hyperv-replica.compileCacheFilled");

export default function setup(): void {
  const shared = globalThis as { [FILLED]?: boolean };
  if (!process.env.NODE_COMPILE_CACHE || shared[FILLED]) return;
  shared[FILLED] = true;
  execFileSync(process.execPath, ["-e", `for (const m of ${JSON.stringify(MODULES)}) require(m);`], {
    cwd: resolve(import.meta.dirname, "../.."),
    stdio: "inherit",
  });
}
