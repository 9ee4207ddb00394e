/**
 * `npm run bench:scale`: N collections fail over at once, each job taking D seconds, through one real Pulumi
 * dynamic-provider plugin process (or our native plugin), as `pulumi up` runs them. For each setting it prints:
 * - wall time (first Update sent to last Update returned) divided by the longest job (the member VMs are not
 *   started, so the failover's job is each Update's only one);
 * - the median and p95 of job end to Update returning;
 * - CIM operations the host answered per collection, for the failover and for a no-op update;
 * - the plugin process's highest RSS during the failover, and its peak (VmHWM) over its whole life (creating the
 *   collections, the failover, and a no-op update of every collection at once);
 * - through the bridge, the CPU time of the plugin's PowerShell processes per collection (start-up included);
 * - the CPU time spent during the failover by the PowerShell processes, the plugin, and the host (this process);
 * - from the first InitiateFailover the host received to the last, how long the state file's lock was held, and how
 *   long `hyperv-replica-sim show` took when run meanwhile (file settings), with the load average.
 *
 * Settings (the default):
 * `--runs file:100x10,file:1000x10,native:1000x10,file:100x10+busy,file:20x20,bridge:20x20,test:50x4,sites:20,vms:100x10`.
 * `+busy` keeps one core spinning in a child process throughout, for a moderately busy machine. `file` is the
 * file-backed simulator the plugin opens itself; `native` is the same through the native plugin (the npm package's
 * bin), whose lines go to a fake engine's Log service as the real engine's would; `bridge` is the PowerShell bridge
 * (PowerShell 7 with the test stand-in CIM cmdlets) in front of a simulator in this process, and is left out, saying
 * why, where PowerShell 7 is not found. `test`, `sites` and `vms` start and stop VMs, each compared with its ideal chain (bench/vmChains.ts).
 *
 * Users start cold: through the bridge, the plugin that created the collections is stopped before the failover, and a
 * new one (configured, no PowerShell started) answers its checks and updates, as a new `pulumi up` would; timing
 * starts at the first check. `--warm` keeps the creating plugin and its warm processes instead.
 *
 * `--ops` lists the host's reads during the failover, per collection, by operation and class.
 *
 * `--sessions N` sets `hyperv-replica:maxSessions` for the bridge (by default the plugin's own default applies).
 *
 * `--before DIR` runs each setting twice, taking turns: first with the package built in DIR (a checkout of older code,
 * built), then with this one, so that the two are measured side by side under the same load.
 *
 * `--cpu-prof DIR` writes a V8 CPU profile of each run's plugin process into DIR (open it in Chrome DevTools or
 * VS Code): wall times on shared cores are noisy, so the profile is where to look for what a call costs.
 *
 * `--node-options="..."` adds Node.js options to the plugin process (not to this one), as `NODE_OPTIONS` in the
 * engine's environment would: for example `--max-old-space-size=160` for a plugin whose heap is bounded.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { HyperVSimulator, type SimRead } from "../provider/simulator";
import { type CimServer, startCimServer } from "../test/powershell/cimServer";
import { findPwsh, useFakeCimCmdlets } from "../test/powershell/pwsh";
import { sampleLock, showAfter, startCpuBurner } from "./bench/contention";
import { cpuNow, childCpuSeconds, loadAverage, peakRssMb, sampleRss } from "./bench/procStats";
import { type BenchPlugin, projectDir, startPlugin } from "./bench/plugins";
import { print, type Figures, type Setting } from "./bench/scaleTable";
import type { ChainFigures, ChainSetting } from "./bench/vmChains";
import { chainLabel, parseChainSetting, printChains, runChain } from "./bench/vmChains";

const SHOW_DELAYS_MS = [1000, 5000, 9000];

function parseSettings(text: string): (Setting | ChainSetting)[] {
  return text.split(",").map((item) => {
    const chain = parseChainSetting(item);
    if (chain) return chain;
    const match = /^(file|native|bridge):(\d+)x(\d+(?:\.\d+)?)(\+busy)?$/.exec(item.trim());
    if (!match)
      throw new Error(`--runs: '${item}' is not kind:NxD[+busy] (file:100x10), test:NxV, sites:N or vms:NxD`);
    return {
      kind: match[1] as Setting["kind"],
      collections: Number(match[2]),
      jobSeconds: Number(match[3]),
      busy: match[4] !== undefined,
    };
  });
}

const isChain = (s: Setting | ChainSetting): s is ChainSetting =>
  s.kind !== "file" && s.kind !== "native" && s.kind !== "bridge";

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

/** Where the plugin's calls go, and how to read back what the host answered. */
interface World {
  readonly sim: HyperVSimulator;
  readonly config: Record<string, string>;
  close(): Promise<void>;
}

async function world(
  setting: Setting,
  project: string,
  pwshPath: string | undefined,
  sessions: string | undefined,
): Promise<World> {
  if (setting.kind !== "bridge") {
    const sim = new HyperVSimulator({ stateFile: path.join(project, "cluster.json"), hostName: "hv-bench" });
    await sim.init();
    const config = {
      "hyperv-replica:transport": "simulator",
      "hyperv-replica:simulatorStateFile": "cluster.json",
    };
    return { sim, config, close: async () => undefined };
  }
  const sim = new HyperVSimulator({ hostName: "hv-bench" });
  const server: CimServer = await startCimServer(() => sim.session());
  useFakeCimCmdlets(server.url);
  const config = {
    "hyperv-replica:transport": "local",
    "hyperv-replica:powershell": pwshPath ?? "pwsh",
    ...(sessions !== undefined ? { "hyperv-replica:maxSessions": sessions } : {}),
  };
  return { sim, config, close: () => server.close() };
}

async function hostOps(sim: HyperVSimulator): Promise<number> {
  return (await sim.reads()).length + (await sim.calls()).length;
}

/** The plugin's Node.js options for a CPU profile: it is written when the process exits, so SIGINT exits. */
const profileArgs = (dir: string | undefined): string[] =>
  dir === undefined
    ? []
    : [
        "--cpu-prof",
        `--cpu-prof-dir=${path.resolve(dir)}`,
        "--import",
        'data:text/javascript,process.on("SIGINT",()=>process.exit(0))',
      ];

/** `--ops`: what the host answered during the failover, per collection, by operation and class. */
function printOps(reads: readonly SimRead[], collections: number): void {
  const counts = new Map<string, number>();
  for (const r of reads)
    counts.set(`${r.op} ${r.className}`, (counts.get(`${r.op} ${r.className}`) ?? 0) + 1);
  for (const [what, count] of [...counts].sort((a, b) => b[1] - a[1])) {
    console.log(`  ${(count / collections).toFixed(2).padStart(6)}  ${what}`);
  }
}

interface RunOptions {
  /** The plugin's Node.js arguments: `--node-options`, and a CPU profile's. */
  readonly nodeArgs: readonly string[];
  readonly showOps: boolean;
  readonly sessions?: string;
  /** Through the bridge, fail over from the plugin that created the collections, its PowerShell already started. */
  readonly warm: boolean;
  /** The built package the plugin loads, when not this checkout's, and its label in the tables. */
  readonly build?: { readonly root: string; readonly label: string };
}

/** The dynamic-provider plugin, except for `native` settings; configured. */
async function configuredPlugin(
  setting: Setting,
  project: string,
  config: Record<string, string>,
  options: RunOptions,
): Promise<BenchPlugin> {
  const plugin = await startPlugin(setting.kind === "native" ? "native" : "dynamic", {
    cwd: project,
    root: options.build?.root ?? path.resolve(__dirname, ".."),
    nodeArgs: options.nodeArgs,
  });
  await plugin.configure(config);
  return plugin;
}

async function run(setting: Setting, pwshPath: string | undefined, options: RunOptions): Promise<Figures> {
  const { showOps, sessions, warm, build } = options;
  const project = projectDir(build?.root);
  const stopBurner = setting.busy ? startCpuBurner() : () => undefined;
  const w = await world(setting, project, pwshPath, sessions);
  const { sim } = w;
  const names = Array.from(
    { length: setting.collections },
    (_, i) => `vm-group-${String(i).padStart(3, "0")}`,
  );
  for (const name of names) await sim.addCollection({ name, members: [`${name}-a`] });
  await sim.setJobDuration("InitiateFailover", setting.jobSeconds * 1000);
  let plugin = await configuredPlugin(setting, project, w.config, options);
  try {
    // No VMs are started, so that each Update waits for the one failover job whose end it measures, as the issue's
    // figures did before failovers started VMs (starting them is one more job per VM after the failover's).
    const program = (collectionName: string, failoverState: string) =>
      plugin.inputs({ collectionName, failoverState, startVirtualMachines: false });

    // Check gets the old inputs and Update the old outputs, as the engine sends them.
    const created = await Promise.all(
      names.map(async (name) => {
        const inputs = await plugin.check(name, {}, program(name, "normal"));
        return { ...(await plugin.create(name, inputs)), inputs };
      }),
    );
    if (setting.kind === "bridge" && !warm) {
      // A new plugin in place of the one whose PowerShell processes have started.
      await plugin.stop();
      plugin = await configuredPlugin(setting, project, w.config, options);
    }
    const beforeFailover = await hostOps(sim);
    const readsBefore = (await sim.reads()).length;
    const pluginPid = plugin.pid;
    const cpuBefore = cpuNow(pluginPid);
    const stateFile = path.join(project, "cluster.json");
    const fileBacked = setting.kind !== "bridge";
    const stopSampling = fileBacked ? sampleLock(stateFile) : undefined;
    const shows = fileBacked ? SHOW_DELAYS_MS.map((ms) => showAfter(stateFile, ms)) : [];
    // The requests' properties are made before timing starts and passed on as the plugin sent them, as the engine
    // does, so that this process (the engine's stand-in, on the same CPUs) does not take the CPU the plugin needs.
    const requests = created.map(({ id, outs, inputs }, i) => ({
      id,
      name: names[i]!,
      olds: plugin.struct(outs),
      oldInputs: plugin.struct(inputs),
      news: plugin.struct(program(names[i]!, "failedOver")),
    }));
    const stopRss = sampleRss(pluginPid);
    const started = Date.now();
    const returned = await Promise.all(
      requests.map(async ({ id, name, olds, oldInputs, news }) => {
        const checked = await plugin.checkStructs(name, oldInputs, news);
        const outs = await plugin.updateStructs(name, id, olds, checked);
        return { id, name, outs, inputs: checked, at: Date.now() };
      }),
    );
    const wall = Math.max(...returned.map((r) => r.at)) - started;
    const failoverRssMb = stopRss();
    const cpuAfter = cpuNow(pluginPid);
    const lock = stopSampling?.();
    const load = loadAverage();
    const afterFailover = await hostOps(sim);
    if (showOps) printOps((await sim.reads()).slice(readsBefore), setting.collections);
    // Each job ends D s after its InitiateFailover (the other calls, such as GetReplicationStatistics, end at once).
    const jobEnds = new Map(
      (await sim.calls())
        .filter((c) => c.method === "InitiateFailover")
        .map((c) => [c.collectionId?.toLowerCase(), c.at + setting.jobSeconds * 1000]),
    );
    const seen = returned.map((r) => r.at - (jobEnds.get(r.id.toLowerCase()) ?? NaN));
    const ticks = (await sim.reads()).filter((r) => r.className === "Msvm_ConcreteJob").map((r) => r.at);
    const firstTick = (end: number) => (ticks.find((t) => t >= end) ?? NaN) - end;
    const tickDelays = [...jobEnds.values()].map(firstTick);
    const lastCall = Math.max(...jobEnds.values()) - setting.jobSeconds * 1000;
    const firstCall = Math.min(...jobEnds.values()) - setting.jobSeconds * 1000;

    await Promise.all(
      returned.map(async ({ id, name, outs, inputs }) =>
        plugin.updateStructs(
          name,
          id,
          outs,
          await plugin.checkStructs(name, inputs, plugin.struct(program(name, "failedOver"))),
        ),
      ),
    );
    const afterNoOp = await hostOps(sim);
    return {
      setting,
      ...(build ? { build: build.label } : {}),
      ratio: wall / (setting.jobSeconds * 1000),
      medianSeenMs: percentile(seen, 50),
      p95SeenMs: percentile(seen, 95),
      medianTickMs: percentile(tickDelays, 50),
      lastCallMs: lastCall - started,
      spreadMs: lastCall - firstCall,
      ...(lock !== undefined ? { lock } : {}),
      shows: await Promise.all(shows),
      load,
      opsPerCollection: (afterFailover - beforeFailover) / setting.collections,
      noOpOpsPerCollection: (afterNoOp - afterFailover) / setting.collections,
      peakRssMb: peakRssMb(pluginPid),
      failoverRssMb,
      pwshCpuPerCollection: childCpuSeconds(pluginPid) / setting.collections,
      failoverCpu: {
        // A cold plugin has no PowerShell before the failover: none spent yet.
        pwsh: cpuAfter.pwsh - (Number.isNaN(cpuBefore.pwsh) ? 0 : cpuBefore.pwsh),
        plugin: cpuAfter.plugin - cpuBefore.plugin,
        host: cpuAfter.host - cpuBefore.host,
      },
    };
  } finally {
    stopBurner();
    await plugin.stop();
    await w.close();
    fs.rmSync(project, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: {
        type: "string",
        default:
          "file:100x10,file:1000x10,native:1000x10,file:100x10+busy,file:20x20,bridge:20x20,test:50x4,sites:20,vms:100x10",
      },
      "cpu-prof": { type: "string" },
      "node-options": { type: "string" },
      ops: { type: "boolean", default: false },
      sessions: { type: "string" },
      warm: { type: "boolean", default: false },
      before: { type: "string" },
    },
  });
  const settings = parseSettings(values.runs ?? "");
  const nodeArgs = [
    ...(values["node-options"] ?? "").split(" ").filter(Boolean),
    ...profileArgs(values["cpu-prof"]),
  ];
  const pwsh = findPwsh();
  console.log(
    `node ${process.version}; ${process.platform}/${process.arch}; PowerShell: ${pwsh.path ?? "none"}`,
  );
  const builds =
    values.before === undefined
      ? [undefined]
      : [
          { root: path.resolve(values.before), label: "before" },
          { root: path.resolve(__dirname, ".."), label: "after" },
        ];
  const all: Figures[] = [];
  const chains: ChainFigures[] = [];
  for (const setting of settings) {
    if (isChain(setting)) {
      for (const build of builds) {
        console.log(`running ${chainLabel(setting)}${build ? ` (${build.label})` : ""} ...`);
        chains.push(await runChain(setting, build, nodeArgs));
      }
      continue;
    }
    if (setting.kind === "bridge" && !pwsh.path) {
      console.log(`bridge ${setting.collections} × ${setting.jobSeconds} s left out: ${pwsh.reason}`);
      continue;
    }
    const options: RunOptions = {
      showOps: values.ops ?? false,
      warm: values.warm ?? false,
      nodeArgs,
      ...(values.sessions !== undefined ? { sessions: values.sessions } : {}),
    };
    for (const build of builds) {
      const label = build ? ` (${build.label})` : "";
      console.log(`running ${setting.kind} ${setting.collections} × ${setting.jobSeconds} s${label} ...`);
      all.push(await run(setting, pwsh.path, { ...options, ...(build ? { build } : {}) }));
    }
  }
  console.log("");
  if (all.length > 0) print(all);
  printChains(chains);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
