/**
 * `npm run bench:scale` settings where VMs are started and stopped, each compared with its ideal chain: the jobs
 * one resource waits for one after the other, with a collection's VMs starting (or shutting down) together.
 *
 * - `test:50x4`: CollectionTestFailover on 50 replica collections of 4 VMs, test job 10 s, each VM start 2 s; chain
 *   12 s (the test job, then one VM start).
 * - `sites:20`: ReplicatedCollection moves 20 pairs of 4 VMs from east to west (a planned move): guests shut down in
 *   2 s, InitiatePlannedFailover, InitiateFailover, CommitFailover and ReverseReplicationRelationship 5 s each, each
 *   VM start 2 s; chain 24 s.
 * - `vms:100x10`: CollectionFailover fails 100 collections of 4 VMs over with startVirtualMachines (the default),
 *   InitiateFailover 10 s, each VM start 1 s (the simulator's default); chain 11 s.
 *
 * All run through one real Pulumi dynamic-provider plugin process on the file-backed simulator, every resource at
 * once, as `pulumi up` runs them. Wall is from the first request sent to the last answered.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { collectionFailoverProvider } from "../../provider/resources/collectionFailover/provider";
import { collectionTestFailoverProvider } from "../../provider/resources/collectionTestFailover/provider";
import { replicatedCollectionProvider } from "../../provider/resources/replicatedCollection/provider";
import { HyperVSimulator } from "../../provider/simulator";
import { makeProjectDir, Plugin, serializeProvider } from "../../test/harness/plugin";

export interface ChainSetting {
  readonly kind: "test" | "sites" | "vms";
  /** Collections (test, vms) or pairs (sites). */
  readonly count: number;
  /** VMs per collection (test); the failover job's seconds (vms); unused for sites. */
  readonly size: number;
}

export interface ChainFigures {
  readonly setting: ChainSetting;
  readonly chainMs: number;
  readonly wallMs: number;
  /** The median of each resource's own time, request sent to answer. */
  readonly medianMs: number;
  /** Which build the plugin ran ("before" with `--before`), or undefined for this checkout alone. */
  readonly build?: string;
}

export const CHAIN_TARGETS: Readonly<Record<ChainSetting["kind"], number>> = {
  test: 1.1,
  sites: 1.1,
  vms: 1.15,
};

const VMS_PER_COLLECTION = 4;

/** `test:NxV`, `sites:N`, `vms:NxD`; undefined for any other kind. */
export function parseChainSetting(item: string): ChainSetting | undefined {
  const match = /^(test|sites|vms):(\d+)(?:x(\d+))?$/.exec(item.trim());
  if (!match) return undefined;
  const kind = match[1] as ChainSetting["kind"];
  const size = Number(match[3] ?? (kind === "test" ? 4 : 10));
  return { kind, count: Number(match[2]), size };
}

export const chainLabel = (s: ChainSetting): string =>
  s.kind === "test"
    ? `test failover ${s.count} × ${s.size} VMs`
    : s.kind === "sites"
      ? `two-site move ${s.count} pairs × ${VMS_PER_COLLECTION} VMs`
      : `failover ${s.count} × ${s.size} s, ${VMS_PER_COLLECTION} VMs started`;

/** Runs one setting; `build` names the built package the plugin loads, when not this checkout's. */
export async function runChain(
  setting: ChainSetting,
  build?: { readonly root: string; readonly label: string },
  nodeArgs: readonly string[] = [],
): Promise<ChainFigures> {
  const run =
    setting.kind === "test" ? testFailovers : setting.kind === "sites" ? twoSiteMoves : failoversWithVms;
  const figures = await run(setting, { root: build?.root, nodeArgs });
  return build ? { ...figures, build: build.label } : figures;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
const names = (count: number, prefix: string) =>
  Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(3, "0")}`);
const vmNames = (name: string, count: number) =>
  Array.from({ length: count }, (_, i) => `${name}-${String.fromCharCode(97 + i)}`);

interface Bench {
  readonly sim: HyperVSimulator;
  readonly plugin: Plugin;
  readonly project: string;
}

/** Where the plugin comes from: a built package other than this checkout's, and its Node.js options. */
interface PluginFrom {
  readonly root: string | undefined;
  readonly nodeArgs: readonly string[];
}

async function withBench<T>(
  hostName: string,
  from: PluginFrom,
  body: (bench: Bench) => Promise<T>,
): Promise<T> {
  const project = makeProjectDir("hvr-bench-vms-", from.root);
  const sim = new HyperVSimulator({ stateFile: path.join(project, "cluster.json"), hostName });
  await sim.init();
  let plugin: Plugin | undefined;
  try {
    plugin = await Plugin.start({ cwd: project, nodeArgs: from.nodeArgs });
    await plugin.configure({
      "hyperv-replica:transport": "simulator",
      "hyperv-replica:simulatorStateFile": "cluster.json",
    });
    return await body({ sim, plugin, project });
  } finally {
    await plugin?.stop();
    fs.rmSync(project, { recursive: true, force: true });
  }
}

/** Runs every request at once; wall time and the median of each request's own time. */
async function timed(requests: (() => Promise<unknown>)[]): Promise<{ wallMs: number; medianMs: number }> {
  const started = Date.now();
  const own = await Promise.all(
    requests.map(async (request) => {
      const sent = Date.now();
      await request();
      return Date.now() - sent;
    }),
  );
  return { wallMs: Date.now() - started, medianMs: median(own) };
}

async function testFailovers(setting: ChainSetting, from: PluginFrom): Promise<ChainFigures> {
  const jobMs = 10_000;
  const vmMs = 2_000;
  return withBench("hv-bench", from, async ({ sim, plugin }) => {
    const groups = names(setting.count, "drill");
    for (const name of groups) await sim.addCollection({ name, members: vmNames(name, setting.size) });
    await sim.setJobDuration("TestReplicaCollection", jobMs);
    await sim.setJobDuration("RequestStateChange", vmMs);
    const provider = await serializeProvider(collectionTestFailoverProvider);
    const checked = await Promise.all(
      groups.map(async (collectionName) => {
        const news = { collectionName, startVirtualMachines: true, __provider: provider };
        return (await plugin.check({}, news)).inputs;
      }),
    );
    const figures = await timed(checked.map((inputs) => () => plugin.create(inputs)));
    return { setting, chainMs: jobMs + vmMs, ...figures };
  });
}

async function failoversWithVms(setting: ChainSetting, from: PluginFrom): Promise<ChainFigures> {
  const jobMs = setting.size * 1000;
  const vmMs = 1_000;
  return withBench("hv-bench", from, async ({ sim, plugin }) => {
    const groups = names(setting.count, "vm-group");
    for (const name of groups) await sim.addCollection({ name, members: vmNames(name, VMS_PER_COLLECTION) });
    await sim.setJobDuration("InitiateFailover", jobMs);
    await sim.setJobDuration("RequestStateChange", vmMs);
    const provider = await serializeProvider(collectionFailoverProvider);
    const inputs = (collectionName: string, failoverState: string) => ({
      collectionName,
      failoverState,
      __provider: provider,
    });
    const created = await Promise.all(
      groups.map(async (name) => plugin.create((await plugin.check({}, inputs(name, "normal"))).inputs)),
    );
    const updates = await Promise.all(
      created.map(async ({ id, outs }, i) => {
        const news = (await plugin.check(outs, inputs(groups[i]!, "failedOver"))).inputs;
        return () => plugin.update(id, outs, news);
      }),
    );
    return { setting, chainMs: jobMs + vmMs, ...(await timed(updates)) };
  });
}

const SITE_JOBS = [
  "InitiatePlannedFailover",
  "InitiateFailover",
  "CommitFailover",
  "ReverseReplicationRelationship",
];

async function twoSiteMoves(setting: ChainSetting, from: PluginFrom): Promise<ChainFigures> {
  const jobMs = 5_000;
  const vmMs = 2_000;
  const shutdownMs = 2_000;
  return withBench("east", from, async ({ sim, plugin }) => {
    const pairs = names(setting.count, "pair");
    const ids: { east: string; west: string }[] = [];
    for (const name of pairs) {
      const { primary, replica } = await sim.addPair({
        name,
        members: vmNames(name, VMS_PER_COLLECTION),
        primary: { host: "east" },
        replica: { host: "west" },
      });
      ids.push({ east: primary.id, west: replica.id });
    }
    for (const method of SITE_JOBS) await sim.setJobDuration(method, jobMs);
    await sim.setJobDuration("RequestStateChange", vmMs);
    await sim.setJobDuration("InitiateShutdown", shutdownMs);
    await sim.setJobDuration("StartReplication", 0);
    const provider = await serializeProvider(replicatedCollectionProvider);
    const site = (host: string, collectionId: string) => ({
      collectionId,
      connection: { transport: "simulator", simulatorStateFile: "cluster.json", simulatorHost: host },
    });
    const inputs = (pair: { east: string; west: string }, activeSite: string) => ({
      sites: { east: site("east", pair.east), west: site("west", pair.west) },
      activeSite,
      allowDataLoss: false,
      __provider: provider,
    });
    const created = await Promise.all(
      ids.map(async (pair) => plugin.create((await plugin.check({}, inputs(pair, "east"))).inputs)),
    );
    const moves = await Promise.all(
      created.map(async ({ id, outs }, i) => {
        const news = (await plugin.check(outs, inputs(ids[i]!, "west"))).inputs;
        return () => plugin.update(id, outs, news);
      }),
    );
    const chainMs = shutdownMs + SITE_JOBS.length * jobMs + vmMs;
    return { setting, chainMs, ...(await timed(moves)) };
  });
}

export function printChains(all: readonly ChainFigures[]): void {
  if (all.length === 0) return;
  const header = ["setting", "chain", "wall/chain", "target", "median/chain", "wall", "median"];
  const rows = all.map((f) => [
    f.build === undefined ? chainLabel(f.setting) : `${chainLabel(f.setting)} ${f.build}`,
    `${(f.chainMs / 1000).toFixed(1)} s`,
    (f.wallMs / f.chainMs).toFixed(3),
    `≤ ${CHAIN_TARGETS[f.setting.kind]}`,
    (f.medianMs / f.chainMs).toFixed(3),
    `${(f.wallMs / 1000).toFixed(2)} s`,
    `${(f.medianMs / 1000).toFixed(2)} s`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  console.log("");
  for (const row of [header, ...rows]) console.log(row.map((c, i) => c.padEnd(widths[i]!)).join("  "));
  console.log(
    "\nChain: the jobs one resource waits for one after the other, its VMs starting (and its guests shutting down)",
  );
  console.log(
    "together. Wall is from the first request sent to the last answered; median is each resource's own time.",
  );
}
