/**
 * The whole life of a replicated VM group on the simulator's two sites, through the real Pulumi dynamic-provider
 * plugin, as examples/dr-lifecycle declares it: each `pulumi up` below is played the way the engine plays it (Check,
 * then Create, Update or Delete), and after each one the calls each host received are printed.
 *
 *   up #1  VmGroup on east; CollectionReplication to west, waiting for the initial copy; ReplicatedCollection east
 *   up #2  CollectionTestFailover on west (the drill)          up #3  the drill removed
 *   up #4  activeSite west (planned move)                       up #5  activeSite east (failback)
 *   up #6  replication removed on both sides
 *
 * The recovery side is made by the simulator when the relationship is created, with the primary's CollectionID
 * (provider/simulator/methods/recoverySide.ts, inferred), so every resource takes the VmGroup's collectionId output.
 */
import * as path from "node:path";
import type { MethodCall } from "../../provider/simulator";
import { HyperVSimulator } from "../../provider/simulator";
import { makeProjectDir, Plugin } from "../../test/harness/plugin";
import { lifecyclePrograms, type Providers, providers } from "./program";

/** What a run leaves for its caller: every call the hosts received, by step, and where the state file stays. */
export interface LifecycleRun {
  readonly steps: readonly { readonly title: string; readonly calls: readonly MethodCall[] }[];
  readonly stateFile: string;
}

export interface LifecycleOptions {
  /** Where each printed line goes. */
  readonly print: (line: string) => void;
  /** Each plugin line (job progress, preview lines), as `pulumi up` shows them. */
  readonly onPluginLine?: (line: string) => void;
}

/** Job lengths that keep the run to seconds; the initial copy is long enough to show its progress. */
const JOB_MS: Readonly<Record<string, number>> = {
  AddMember: 100,
  CreateReplicationRelationship: 200,
  StartReplication: 1500,
  TestReplicaCollection: 200,
  RevertTestReplicaCollection: 200,
  InitiatePlannedFailover: 200,
  InitiateFailover: 200,
  CommitFailover: 200,
  ReverseReplicationRelationship: 200,
  RemoveReplicationRelationship: 200,
  RequestStateChange: 100,
  InitiateShutdown: 100,
};

export async function runLifecycle(options: LifecycleOptions): Promise<LifecycleRun> {
  const project = makeProjectDir("hvr-lifecycle-");
  const stateFile = path.join(project, "sites.json");
  const sim = new HyperVSimulator({ stateFile, hostName: "east" });
  await sim.init();
  await sim.addSite({ host: "east", connectionPoint: "east-broker" });
  await sim.addSite({ host: "west", connectionPoint: "west-broker" });
  await sim.addVirtualMachines(["sql-a", "sql-b"], "east");
  for (const [method, ms] of Object.entries(JOB_MS)) await sim.setJobDuration(method, ms);

  const plugin = await Plugin.start({
    cwd: project,
    project: "dr-lifecycle",
    ...(options.onPluginLine ? { onLine: options.onPluginLine } : {}),
  });
  const steps: { title: string; calls: MethodCall[] }[] = [];
  try {
    await plugin.configure({ "hyperv-replica:jobPollInitialMs": "50", "hyperv-replica:jobPollMaxMs": "200" });
    const life = new Life(plugin, await providers());
    for (const [title, step] of lifecyclePrograms(life)) {
      options.print(title);
      const from = (await sim.calls()).length;
      const said = await step();
      const calls = (await sim.calls()).slice(from);
      steps.push({ title, calls });
      for (const line of said) options.print(`  ${line}`);
      options.print("  calls each host received:");
      for (const line of callLines(calls)) options.print(`    ${line}`);
      options.print("");
    }
  } finally {
    await plugin.stop();
  }
  return { steps, stateFile };
}

/** One line per call: the host, the class and method (a VM call names its requested state), and the answer. */
export function callLines(calls: readonly MethodCall[]): string[] {
  return calls.map((c) => {
    const what =
      c.method === "RequestStateChange" && c.className === "Msvm_ComputerSystem"
        ? `Msvm_ComputerSystem.RequestStateChange(RequestedState ${String(c.arguments.RequestedState)})`
        : `${c.className}.${c.method}`;
    const answer = c.error ?? String(c.returnValue);
    return `[${c.host ?? "?"}] ${what} -> ${answer}${c.jobId && c.returnValue === 4096 ? " (job)" : ""}`;
  });
}

/** The stack's resources as the engine holds them between runs: each one's id and outputs, by name. */
export class Life {
  private readonly state = new Map<string, { id: string; outs: Record<string, unknown> }>();

  constructor(
    private readonly plugin: Plugin,
    readonly providers: Providers,
  ) {}

  outputs(name: string): Record<string, unknown> {
    const held = this.state.get(name);
    if (!held) throw new Error(`${name} is not in the stack`);
    return held.outs;
  }

  /** Check alone, as a preview does before the inputs are known; refused inputs throw. */
  async check(inputs: Record<string, unknown>): Promise<Record<string, unknown>> {
    const { inputs: checked, failures } = await this.plugin.check({}, inputs);
    if (failures.length > 0) throw new Error(`check failed: ${JSON.stringify(failures)}`);
    return checked;
  }

  /** Create when the stack does not hold it yet, else Diff and, when it changes, Update. */
  async up(name: string, inputs: Record<string, unknown>): Promise<Record<string, unknown>> {
    const held = this.state.get(name);
    const { inputs: checked, failures } = await this.plugin.check(held?.outs ?? {}, inputs);
    if (failures.length > 0) throw new Error(`${name}: check failed: ${JSON.stringify(failures)}`);
    if (!held) {
      const created = await this.plugin.create(checked);
      this.state.set(name, { id: created.id, outs: created.outs });
      return created.outs;
    }
    const diff = await this.plugin.diff(held.id, held.outs, checked);
    if (!diff.changes) return held.outs;
    const { outs } = await this.plugin.update(held.id, held.outs, checked);
    this.state.set(name, { id: held.id, outs });
    return outs;
  }

  /** Delete, as `pulumi up` does for a resource the program no longer declares. */
  async remove(name: string): Promise<void> {
    const held = this.state.get(name);
    if (!held) return;
    await this.plugin.delete(held.id, held.outs);
    this.state.delete(name);
  }
}
