/**
 * Part of `npm run build`: the two doors that start cold in a process of their own, each as one file in dist/ (one
 * file loads in a fraction of the time of the hundred that tsc writes; `npm run bench:start` prints both):
 * - dist/runtime.js, the dynamic provider's runtime (provider/doors/dynamic.ts), which is what
 *   `require("pulumi-hyperv-replica/runtime")` loads inside @pulumi/pulumi's plugin;
 * - dist/plugin.js, the npm package's bin `pulumi-resource-hyperv-replica`: the native plugin
 *   (provider/doors/native/main.ts) in dist/plugin.bundle.js, started with Node's compile cache as the tarball's is.
 * Packages stay outside: the npm package's dependencies are installed beside it, and the plugin takes grpc-js and
 * the stubs from @pulumi/pulumi's tree.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { bundle, launcherSource, ROOT } from "./bundle/esbuild";

/**
 * The simulator and the PowerShell bridge load from dist/ when a session first needs one: a test or a program that
 * loads `pulumi-hyperv-replica/simulator`, or a preloaded hook, then shares the runtime's copy.
 */
const FROM_DIST = ["simulator", "powershell"];
/** What those folders import themselves: loaded from dist/ too, so that the process has one CimError class. */
const SHARED = ["cim"];

const PLUGIN_BUNDLE = "plugin.bundle.js";

async function distBundle(entry: string) {
  return bundle({ entry, external: "packages", fromDist: FROM_DIST, sharedFromDist: SHARED });
}

async function main(): Promise<void> {
  const dist = path.join(ROOT, "dist");
  fs.writeFileSync(path.join(dist, "runtime.js"), (await distBundle("doors/dynamic.ts")).code);
  fs.writeFileSync(path.join(dist, PLUGIN_BUNDLE), (await distBundle("doors/native/main.ts")).code);
  fs.writeFileSync(path.join(dist, "plugin.js"), launcherSource(PLUGIN_BUNDLE));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
