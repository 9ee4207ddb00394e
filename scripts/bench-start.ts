/**
 * `npm run bench:start`: how soon each door answers its first Check, from a cold process.
 *
 * Native plugin: the engine spawns it, reads its port from the first line of stdout, then sends Check. Printed: the
 * medians of spawn -> port line and spawn -> first Check answered, and the plugin's CPU time until then, for the npm
 * package's bin (dist/plugin.js, a bundle with Node's compile cache), for tsc's files it was built from
 * (dist/doors/native/main.js), and for the tarball's bundle started from its launcher, as `pulumi plugin install`
 * lays it out: with Node's compile cache, as every start after the first finds it, and without, as the first. Last,
 * the floor: grpc-js and Pulumi's stubs alone, bundled and started the same way, echoing Check (bench/grpcFloor.ts).
 *
 * Dynamic provider: @pulumi/pulumi's own plugin loads the SDK (about 0.8 s, upstream) before our code runs; our
 * share is loading `pulumi-hyperv-replica/runtime` and answering the first Configure and Check. Each run is a fresh
 * process that loads @pulumi/pulumi first, as that plugin has, then times ours.
 *
 * `--runs N` (default 15) runs of each, taken in turn so that a busy machine slows each alike. `--before DIR` adds
 * the same figures for an older build: DIR holds its dist/, package.json and schema.json, inside this checkout (so
 * that node_modules resolves), for example `.tmp/before` copied from another commit's `npm run build`.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import * as readline from "node:readline";
import { parseArgs } from "node:util";
import type * as ProviderPb from "@pulumi/pulumi/proto/provider_pb";
import { fromStruct, grpc, pb, providerGrpc, toStruct } from "../provider/doors/native/rpc";
import { tokenOf } from "../provider/doors/native/provider";
import { bundle, launcherSource } from "./bundle/esbuild";
import { PLUGIN_NAME, pluginFiles } from "./plugin/files";
import { FakeEngine, urnOf } from "../test/harness/nativePlugin";

const ROOT = path.resolve(__dirname, "..");
const { values } = parseArgs({
  options: { runs: { type: "string", default: "15" }, before: { type: "string" } },
});
const RUNS = Number(values.runs);

/** A valid CollectionFailover: Check answers it without touching any host. */
const INPUTS = {
  collectionId: "6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10",
  failoverState: "normal",
  connection: { transport: "simulator", simulatorStateFile: "cluster.json" },
};

interface NativeTimes {
  readonly portMs: number;
  readonly checkMs: number;
  /** CPU time the plugin spent until its first Check was answered: steadier than wall time on a shared machine. */
  readonly cpuMs: number;
}

/** A process's user and system CPU time so far, from /proc (10 ms ticks); NaN where there is no /proc. */
function cpuMsOf(pid: number | undefined): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

async function startNative(
  command: string,
  args: readonly string[],
  engine: FakeEngine,
  env: NodeJS.ProcessEnv,
): Promise<NativeTimes> {
  const started = performance.now();
  const child = spawn(command, [...args, "--logtostderr", "-v=9", engine.address], {
    stdio: ["ignore", "pipe", "inherit"],
    cwd: os.tmpdir(),
    env: { ...process.env, ...env },
  });
  try {
    const port = await new Promise<string>((resolve, reject) => {
      readline.createInterface({ input: child.stdout }).once("line", resolve);
      child.once("exit", (code) => reject(new Error(`${command} exited (${code}) before its port line`)));
    });
    const portMs = performance.now() - started;
    const client = new providerGrpc.ResourceProviderClient(
      `127.0.0.1:${port}`,
      grpc.credentials.createInsecure(),
    );
    const request = new pb.CheckRequest()
      .setUrn(urnOf(tokenOf("CollectionFailover"), "sql"))
      .setOlds(toStruct({}))
      .setNews(toStruct(INPUTS));
    const response = await new Promise<ProviderPb.CheckResponse>((resolve, reject) =>
      client.check(request, (error, r) => (error ? reject(error) : resolve(r))),
    );
    const checkMs = performance.now() - started;
    const cpuMs = cpuMsOf(child.pid);
    client.close();
    if (
      response.getFailuresList().length > 0 ||
      fromStruct(response.getInputs()).failoverState !== "normal"
    ) {
      throw new Error(`Check refused the benchmark's inputs: ${JSON.stringify(response.toObject())}`);
    }
    return { portMs, checkMs, cpuMs };
  } finally {
    child.kill();
  }
}

/** Runs in a fresh node: loads @pulumi/pulumi as its dynamic-provider plugin has, then times our runtime. */
const DYNAMIC_PROBE = `
require("@pulumi/pulumi");
require("@pulumi/pulumi/dynamic");
(async () => {
  const t0 = performance.now();
  const { runtime } = require(process.argv[1]);
  const loaded = performance.now();
  runtime.configureFrom({ get: () => undefined, rawConfig: {} });
  const result = await runtime.resources.CollectionFailover.check({}, JSON.parse(process.argv[2]));
  const checked = performance.now();
  if (result.failures?.length) throw new Error(JSON.stringify(result.failures));
  console.log(JSON.stringify({ loadMs: loaded - t0, checkMs: checked - loaded }));
  process.exit(0);
})();
`;

interface DynamicTimes {
  readonly loadMs: number;
  readonly checkMs: number;
}

async function startDynamic(runtimeModule: string): Promise<DynamicTimes> {
  const child = spawn(process.execPath, ["-e", DYNAMIC_PROBE, runtimeModule, JSON.stringify(INPUTS)], {
    stdio: ["ignore", "pipe", "inherit"],
    cwd: ROOT,
  });
  const lines: string[] = [];
  readline.createInterface({ input: child.stdout }).on("line", (line) => lines.push(line));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`the dynamic runtime probe exited (${code}): ${lines.join("\n")}`);
  return JSON.parse(lines.at(-1)!) as DynamicTimes;
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

interface Variant<T> {
  readonly label: string;
  readonly run: () => Promise<T>;
  readonly times: T[];
}

async function runInTurn<T>(variants: readonly Variant<T>[]): Promise<void> {
  for (let i = 0; i < RUNS; i++) for (const variant of variants) variant.times.push(await variant.run());
}

/** The tarball's files, unpacked as the plugin is installed. */
async function installBundle(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hvr-bench-start-"));
  for (const file of await pluginFiles()) {
    fs.mkdirSync(path.dirname(path.join(dir, file.path)), { recursive: true });
    fs.writeFileSync(path.join(dir, file.path), file.content, { mode: file.mode });
  }
  return dir;
}

/** bench/grpcFloor.ts, bundled as the tarball's plugin is and started from the same launcher, in `dir`/floor. */
async function installFloor(dir: string): Promise<string> {
  const built = await bundle({ entry: "../scripts/bench/grpcFloor.ts", external: ["@grpc/proto-loader"] });
  fs.mkdirSync(path.join(dir, "floor"));
  fs.writeFileSync(path.join(dir, "floor", "bundle.js"), built.code);
  fs.writeFileSync(path.join(dir, "floor", "plugin.js"), launcherSource("bundle.js"));
  return path.join(dir, "floor", "plugin.js");
}

async function main(): Promise<void> {
  const before = values.before === undefined ? undefined : path.resolve(values.before);
  const installed = await installBundle();
  const engine = await FakeEngine.start();
  try {
    const native = (label: string, command: string, args: string[] = [], env = {}): Variant<NativeTimes> => ({
      label,
      run: () => startNative(command, args, engine, env),
      times: [],
    });
    const launcher = path.join(installed, PLUGIN_NAME);
    const natives = [
      ...(before
        ? [native(`before: node ${binOf(before).file}`, process.execPath, [binOf(before).path])]
        : []),
      native(`npm bin: node ${binOf(ROOT).file}`, process.execPath, [binOf(ROOT).path]),
      native("tsc's files: node dist/doors/native/main.js", process.execPath, [mainOf(ROOT)]),
      native("bundle, no compile cache (a first start)", launcher, [], { NODE_DISABLE_COMPILE_CACHE: "1" }),
      native(`bundle: ${PLUGIN_NAME} (launcher)`, launcher),
      native("floor: grpc-js and the stubs alone", process.execPath, [await installFloor(installed)]),
    ];
    const dynamic = (label: string, file: string): Variant<DynamicTimes> => ({
      label,
      run: () => startDynamic(file),
      times: [],
    });
    const dynamics = [
      ...(before ? [dynamic("before: pulumi-hyperv-replica/runtime", runtimeOf(before))] : []),
      dynamic("dist/doors/dynamic.js (tsc)", path.join(ROOT, "dist", "doors", "dynamic.js")),
      dynamic("pulumi-hyperv-replica/runtime", runtimeOf(ROOT)),
    ];
    await runInTurn(natives);
    await runInTurn(dynamics);
    print(natives, dynamics);
  } finally {
    await engine.stop();
    fs.rmSync(installed, { recursive: true, force: true });
  }
}

/** The file `require("pulumi-hyperv-replica/runtime")` loads, by the exports of the package.json in `dir`. */
function runtimeOf(dir: string): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as {
    exports: Record<string, { default: string }>;
  };
  return path.join(dir, pkg.exports["./runtime"]!.default);
}

/** The package's bin pulumi-resource-hyperv-replica, by the package.json in `dir`. */
function binOf(dir: string): { file: string; path: string } {
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")) as {
    bin: Record<string, string>;
  };
  const file = pkg.bin[PLUGIN_NAME]!;
  return { file, path: path.join(dir, file) };
}

const mainOf = (dir: string) => path.join(dir, "dist", "doors", "native", "main.js");
const ms = (value: number) => `${value.toFixed(0)} ms`.padStart(8);

function print(natives: readonly Variant<NativeTimes>[], dynamics: readonly Variant<DynamicTimes>[]): void {
  const width = Math.max(...natives.map((v) => v.label.length), ...dynamics.map((v) => v.label.length)) + 2;
  console.log(`native plugin, medians of ${RUNS} runs (target: first Check within 150 ms)`);
  console.log(
    `${"".padEnd(width)}${"port line".padStart(12)}${"first Check".padStart(14)}${"its CPU".padStart(10)}`,
  );
  for (const v of natives) {
    const [port, check] = [median(v.times.map((t) => t.portMs)), median(v.times.map((t) => t.checkMs))];
    const cpu = median(v.times.map((t) => t.cpuMs));
    console.log(
      `${v.label.padEnd(width)}${ms(port).padStart(12)}${ms(check).padStart(14)}${ms(cpu).padStart(10)}`,
    );
  }
  console.log(
    `\ndynamic provider's runtime, medians of ${RUNS} runs (target: load + first Check within 25 ms)`,
  );
  console.log(`${"".padEnd(width)}${"load".padStart(12)}${"Check".padStart(14)}${"total".padStart(10)}`);
  for (const v of dynamics) {
    const [load, check] = [median(v.times.map((t) => t.loadMs)), median(v.times.map((t) => t.checkMs))];
    const total = median(v.times.map((t) => t.loadMs + t.checkMs));
    console.log(
      `${v.label.padEnd(width)}${ms(load).padStart(12)}${ms(check).padStart(14)}${ms(total).padStart(10)}`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
