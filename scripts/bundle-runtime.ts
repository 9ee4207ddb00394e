/**
 * Part of `npm run build`: dist/runtime.js, the dynamic provider's runtime (provider/doors/dynamic.ts) in one file,
 * which is what `require("pulumi-hyperv-replica/runtime")` loads inside @pulumi/pulumi's plugin. One file loads in a
 * fraction of the time of the hundred that tsc writes (`npm run bench:start` prints both). Packages stay outside: the
 * npm package's dependencies are installed beside it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { bundle, ROOT } from "./bundle/esbuild";

/**
 * The simulator and the PowerShell bridge load from dist/ when a session first needs one: a test or a program that
 * loads `pulumi-hyperv-replica/simulator`, or a preloaded hook, then shares the runtime's copy.
 */
const FROM_DIST = ["simulator", "powershell"];
/** What those folders import themselves: loaded from dist/ too, so that the process has one CimError class. */
const SHARED = ["cim"];

async function main(): Promise<void> {
  const built = await bundle({
    entry: "doors/dynamic.ts",
    external: "packages",
    fromDist: FROM_DIST,
    sharedFromDist: SHARED,
  });
  fs.writeFileSync(path.join(ROOT, "dist", "runtime.js"), built.code);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
