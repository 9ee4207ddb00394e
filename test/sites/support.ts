/** A two-site rehearsal through the real plugin: one simulator state file holding the hosts `east` and `west`. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { replicatedCollectionProvider } from "../../provider/resources/replicatedCollection/provider";
import { HyperVSimulator } from "../../provider/simulator";
import type { MethodCall, SeedPair } from "../../provider/simulator";
import { makeProjectDir, Plugin, REPO_ROOT, serializeProvider, withoutProvider } from "../harness/plugin";

export const EAST = "6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10";
export const WEST = "0d9e8f7a-6b5c-4d3e-2f1a-0b9c8d7e6f5a";
const FAST_METHODS = [
  "InitiatePlannedFailover",
  "RevertPlannedFailover",
  "InitiateFailover",
  "RevertFailover",
  "CommitFailover",
  "PrepareForReverseReplication",
  "ReverseReplicationRelationship",
  "RequestStateChange",
  // Not a job: how long a guest takes to shut down after Msvm_ShutdownComponent.InitiateShutdown.
  "InitiateShutdown",
];

export interface Rehearsal {
  /** The folder holding this rehearsal's state file, removed by `close`. */
  project: string;
  /** The state file, as an absolute path: the plugin may be shared with other rehearsals ({@link sharePlugin}). */
  stateFile: string;
  plugin: Plugin;
  /** How many lines the plugin had printed when this rehearsal began: its own lines follow. */
  from: number;
  sim: HyperVSimulator;
  provider: string;
  close(): Promise<void>;
}

/** The plugin a file's rehearsals share, while the file runs ({@link sharePlugin}). */
let shared: { plugin: Plugin; project: string } | undefined;

/**
 * Call at the top of a test file: its rehearsals share one plugin, started before the first test and stopped after
 * the last, instead of each starting its own (a second of CPU, most of it importing @pulumi/pulumi). A file's tests
 * run one after another, and each rehearsal has a state file of its own, so no test reads what another left on its
 * hosts; the plugin's lines of a test are those from its rehearsal's `from` on.
 */
export function sharePlugin(): void {
  beforeAll(async () => {
    const project = makeProjectDir("hvr-sites-");
    shared = { plugin: await startPlugin(project), project };
  });
  afterAll(async () => {
    const done = shared;
    shared = undefined;
    await done?.plugin.stop();
    if (done) fs.rmSync(done.project, { recursive: true, force: true });
  });
}

async function startPlugin(project: string): Promise<Plugin> {
  if (!fs.existsSync(path.join(REPO_ROOT, "dist", "doors", "dynamic.js"))) {
    throw new Error(
      "dist/ is missing: the plugin loads the built package, so run `npm run build` first (npm test does)",
    );
  }
  const plugin = await Plugin.start({ cwd: project });
  await plugin.configure({ "hyperv-replica:jobPollInitialMs": "50", "hyperv-replica:jobPollMaxMs": "200" });
  return plugin;
}

/** What a rehearsal's pair is seeded with besides the defaults: settings, and each site's own certificate. */
export interface RehearsalSeed {
  settings?: SeedPair["settings"];
  certificates?: { east: string; west: string };
}

const certificate = (thumbprint: string | undefined) =>
  thumbprint === undefined ? {} : { certificateThumbprint: thumbprint };

/** The provider's serialized text, made once per process: serializing its closure takes a tenth of a second. */
let providerText: Promise<string> | undefined;

/** A new pair on a state file of its own, driven by the file's shared plugin, or by a plugin of its own. */
export async function rehearsal(seed: RehearsalSeed = {}): Promise<Rehearsal> {
  const own = shared === undefined;
  const project = own ? makeProjectDir("hvr-sites-") : fs.mkdtempSync(path.join(os.tmpdir(), "hvr-sites-"));
  const stateFile = path.join(project, "pair.json");
  const sim = new HyperVSimulator({ stateFile, hostName: "east" });
  await sim.init();
  await sim.addPair({
    name: "sql-cluster",
    members: ["sql-a", "sql-b"],
    primary: { host: "east", id: EAST, ...certificate(seed.certificates?.east) },
    replica: { host: "west", id: WEST, ...certificate(seed.certificates?.west) },
    ...(seed.settings ? { settings: seed.settings } : {}),
  });
  for (const method of FAST_METHODS) await sim.setJobDuration(method, 100);
  // The new primary's first copy after a reverse ends with it, so runs read the same every time; reverse.test.ts
  // gives it time to be seen.
  await sim.setJobDuration("StartReplication", 0);
  const plugin = shared?.plugin ?? (await startPlugin(project));
  providerText ??= serializeProvider(replicatedCollectionProvider);
  return {
    project,
    stateFile,
    plugin,
    from: plugin.stdout.length,
    sim,
    provider: await providerText,
    async close() {
      if (own) await plugin.stop();
      fs.rmSync(project, { recursive: true, force: true });
    },
  };
}

/** A site's block: its collection on a host of the rehearsal's state file. */
export const site = (r: Rehearsal, host: string, id: string) => ({
  collectionId: id,
  connection: { transport: "simulator", simulatorStateFile: r.stateFile, simulatorHost: host },
});

export const inputs = (r: Rehearsal, activeSite: string, extra: Record<string, unknown> = {}) => ({
  sites: { east: site(r, "east", EAST), west: site(r, "west", WEST) },
  activeSite,
  allowDataLoss: false,
  jobTimeoutSeconds: 1800,
  __provider: r.provider,
  ...extra,
});

/**
 * The lines a plugin printed since line `from`, once there are at least `count` (waiting at most 5 s): its stdout
 * reaches the test apart from the answer to the RPC that printed them.
 */
export async function printedSince(plugin: Plugin, from: number, count: number): Promise<string[]> {
  for (let waited = 0; waited < 5000 && plugin.stdout.length - from < count; waited += 10)
    await new Promise((resolve) => setTimeout(resolve, 10));
  return plugin.stdout.slice(from);
}

/** Whether a plugin printed `line` as its line `from` or a later one, waiting at most 5 s for it. */
export async function printed(plugin: Plugin, line: string, from = 0): Promise<boolean> {
  const seen = () => plugin.stdout.includes(line, from);
  for (let waited = 0; waited < 5000 && !seen(); waited += 10)
    await new Promise((resolve) => setTimeout(resolve, 10));
  return seen();
}

/** The calls the hosts received since `from`, as `site: method` (VM calls name the VM's requested state). */
export function callLines(calls: readonly MethodCall[], from = 0): string[] {
  return calls.slice(from).map((c) => {
    const host =
      c.collectionId?.toLowerCase() === EAST ? "east" : c.collectionId?.toLowerCase() === WEST ? "west" : "?";
    const what =
      c.method === "RequestStateChange"
        ? `RequestStateChange(${String(c.arguments.RequestedState)})`
        : c.method;
    return `${host}: ${what} -> ${c.returnValue ?? c.error}`;
  });
}

/** A site's output reduced to what the tests compare: role, state and VM states. */
export function siteSummary(outs: Record<string, unknown>, name: string) {
  const sites = withoutProvider(outs).sites as Record<string, Record<string, unknown>>;
  const s = sites[name] ?? {};
  return {
    role: s.role,
    replicationStateName: s.replicationStateName,
    vms: (s.members as { name: string; enabledStateName: string }[]).map(
      (m) => `${m.name}=${m.enabledStateName}`,
    ),
  };
}

export function stepLines(outs: Record<string, unknown>): string[] {
  const change = outs.lastChange as {
    steps: { site: string; action: string; method: string; vm: string | null; jobState: string | null }[];
  } | null;
  return (change?.steps ?? []).map(
    (s) => `${s.site}: ${s.action}${s.vm ? ` ${s.vm}` : ""} ${s.method} ${s.jobState}`,
  );
}

/** The acknowledgeDataLoss value a refusal printed, as an operator copies it from the message. */
export function acknowledgementIn(error: { details?: string; message?: string }): string {
  const text = error.details ?? error.message ?? "";
  const found = /set acknowledgeDataLoss: \["([^"]+)"\]/.exec(text);
  if (!found?.[1]) throw new Error(`the refusal names no acknowledgeDataLoss value: ${text}`);
  return found[1];
}

/** The calls of a planned move from east to west, as callLines names them. */
export const PLANNED_MOVE = [
  "east: InitiateShutdown -> 0",
  "east: InitiateShutdown -> 0",
  "east: InitiatePlannedFailover -> 4096",
  "west: InitiateFailover -> 4096",
  "west: CommitFailover -> 4096",
  "west: ReverseReplicationRelationship -> 4096",
  "west: RequestStateChange(2) -> 4096",
  "west: RequestStateChange(2) -> 4096",
];
