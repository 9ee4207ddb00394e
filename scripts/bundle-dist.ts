/**
 * Part of `npm run build`: the two doors that start cold in a process of their own, each as one file in dist/ (one
 * file loads in a fraction of the time of the hundred that tsc writes; `npm run bench:start` prints both):
 * - dist/runtime.js, the dynamic provider's runtime (provider/doors/dynamic.ts), which is what
 *   `require("pulumi-hyperv-replica/runtime")` loads inside @pulumi/pulumi's plugin;
 * - dist/plugin.js, the npm package's bin `pulumi-resource-hyperv-replica`: the native plugin
 *   (provider/doors/native/main.ts) in dist/plugin.bundle.js, started with Node's compile cache as the tarball's is.
 * The runtime leaves packages outside: the npm package's dependencies are installed beside it. The plugin's bundle
 * holds grpc-js, google-protobuf and the stubs it speaks, taken from @pulumi/pulumi's tree as the tarball's bundle
 * does (their licences in dist/THIRD-PARTY-NOTICES): loading them from node_modules, file by file, took about 35 ms
 * of the plugin's start.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { bundle, type BundleOptions, launcherSource, NEVER_LOADED, notices, ROOT } from "./bundle/esbuild";

/**
 * The simulator and the PowerShell bridge load from dist/ when a session first needs one: a test or a program that
 * loads `pulumi-hyperv-replica/simulator`, or a preloaded hook, then shares the runtime's copy.
 */
const FROM_DIST = ["simulator", "powershell"];
/** What those folders import themselves: loaded from dist/ too, so that the process has one CimError class. */
const SHARED = ["cim"];

const PLUGIN_BUNDLE = "plugin.bundle.js";

async function distBundle(entry: string, external: BundleOptions["external"]) {
  return bundle({ entry, external, fromDist: FROM_DIST, sharedFromDist: SHARED });
}

async function main(): Promise<void> {
  const dist = path.join(ROOT, "dist");
  fs.writeFileSync(path.join(dist, "runtime.js"), (await distBundle("doors/dynamic.ts", "packages")).code);
  const plugin = await distBundle("doors/native/main.ts", NEVER_LOADED);
  fs.writeFileSync(path.join(dist, PLUGIN_BUNDLE), plugin.code);
  fs.writeFileSync(path.join(dist, "plugin.js"), launcherSource(PLUGIN_BUNDLE));
  const noticesOf = `The native plugin's bundle (dist/${PLUGIN_BUNDLE})`;
  fs.writeFileSync(path.join(dist, "THIRD-PARTY-NOTICES"), notices(noticesOf, plugin.packages));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
