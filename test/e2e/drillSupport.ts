/**
 * A drill rehearsal through the real plugin: one replica cluster (`cluster.json`, SystemName `cluster.json`), an
 * empty other cluster (`other.json`), and the calls the hosts received, as lines that name the test VMs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "vitest";
import { collectionTestFailoverProvider } from "../../provider/resources/collectionTestFailover/provider";
import { HyperVSimulator } from "../../provider/simulator";
import { makeProjectDir, Plugin, REPO_ROOT, serializeProvider } from "../harness/plugin";

export const SQL = "6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10";
export const connection = { transport: "simulator", simulatorStateFile: "cluster.json" };
export const otherCluster = { transport: "simulator", simulatorStateFile: "other.json" };
const T0 = Date.parse("2026-11-27T12:00:00.000Z");
export const POINT_TIME = "2026-11-27T11:00:00.000Z";

export interface DrillBench {
  project: string;
  sim: HyperVSimulator;
  plugin: Plugin;
  provider: string;
  /** Starts one more plugin process: another pipeline, or another stack. */
  another(): Promise<Plugin>;
  close(): Promise<void>;
}

export async function drillBench(prefix: string): Promise<DrillBench> {
  if (!fs.existsSync(path.join(REPO_ROOT, "dist", "doors", "dynamic.js"))) {
    throw new Error("dist/ is missing: the plugin loads the built package, so run `npm run build` first");
  }
  const project = makeProjectDir(prefix);
  const sim = new HyperVSimulator({
    stateFile: path.join(project, "cluster.json"),
    hostName: "cluster.json",
  });
  await sim.init();
  await sim.addCollection({ id: SQL, name: "sql-cluster", members: ["sql-a", "sql-b"], recoveryPoints: 0 });
  await sim.addRecoveryPoint(SQL, { creationTime: T0 - 3_600_000, consistencyLevel: 2 });
  await new HyperVSimulator({ stateFile: path.join(project, "other.json") }).init();
  await sim.setJobDuration("TestReplicaCollection", 200);
  await sim.setJobDuration("RevertTestReplicaCollection", 200);
  await sim.setJobDuration("RequestStateChange", 100);
  const plugins: Plugin[] = [];
  const start = async () => {
    const plugin = await Plugin.start({ cwd: project });
    await plugin.configure({ "hyperv-replica:jobPollInitialMs": "50", "hyperv-replica:jobPollMaxMs": "200" });
    plugins.push(plugin);
    return plugin;
  };
  const plugin = await start();
  return {
    project,
    sim,
    plugin,
    provider: await serializeProvider(collectionTestFailoverProvider),
    another: start,
    async close() {
      for (const p of plugins) await p.stop();
      fs.rmSync(project, { recursive: true, force: true });
    },
  };
}

/** The calls since `from`, as `method [VM name] -> return value`. */
export async function callsSince(sim: HyperVSimulator, from: number): Promise<string[]> {
  const names = new Map(
    (await sim.collections()).flatMap((c) => c.members.map((m) => [m.id, m.name] as const)),
  );
  return (await sim.calls())
    .slice(from)
    .map(
      (c) =>
        `${c.method}${c.arguments.RequestedState !== undefined ? `(${String(c.arguments.RequestedState)})` : ""}${c.vmId === undefined ? "" : ` ${names.get(c.vmId) ?? c.vmId}`} -> ${c.returnValue}`,
    );
}

/** Waits, without a fixed sleep, until `test` holds. */
export async function until(test: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await test())) await new Promise((r) => setTimeout(r, 25));
}

/** The outputs a drill of sql-cluster records, for the test collection on the host now. */
export async function drillOutputs(
  sim: HyperVSimulator,
  extra: { lastOperation: unknown; running?: boolean; startVirtualMachines?: boolean; [k: string]: unknown },
) {
  const test = (await sim.collections()).find((c) => c.testOf === SQL)!;
  const point = (await sim.recoveryPoints(SQL))[0]!;
  const running = extra.running ?? true;
  const { running: _r, ...rest } = extra;
  return {
    collectionId: SQL,
    collectionName: "sql-cluster",
    testCollectionId: test.id,
    testCollectionName: "sql-cluster - Test",
    virtualMachines: test.members.map((vm) => ({
      name: vm.name,
      id: vm.id,
      enabledState: running ? 2 : 3,
      enabledStateName: running ? "Running" : "Off",
      replicationState: 0,
      replicationHealth: "Ok",
    })),
    // Hyper-V's default: with no test-failover switch set, a test copy's adapter is not connected.
    testNetworks: test.members.map((vm) => ({
      vmId: vm.id,
      name: vm.name,
      adapters: [{ name: "Network Adapter", switchName: null }],
    })),
    recoveryPointUsed: {
      instanceId: point.instanceId,
      creationTime: POINT_TIME,
      consistencyLevel: "CrashConsistent",
    },
    observedAt: expect.any(String),
    hostSystemName: "cluster.json",
    recoveryPoint: "latest",
    requireHealthy: false,
    startVirtualMachines: true,
    allowProductionNetwork: false,
    jobTimeoutSeconds: 1800,
    cancelJobOnTimeout: false,
    connection,
    lastReport: expect.objectContaining({ resource: "CollectionTestFailover", action: "test failover" }),
    ...rest,
  };
}

/** The record of a TestReplicaCollection job that completed, with the point it used. */
export async function completedTest(sim: HyperVSimulator, jobId: string) {
  const point = (await sim.recoveryPoints(SQL))[0]!;
  return {
    method: "TestReplicaCollection",
    jobId,
    jobState: "Completed",
    errorCode: 0,
    startedAt: expect.any(String),
    finishedAt: expect.any(String),
    recoveryPoint: {
      instanceId: point.instanceId,
      creationTime: POINT_TIME,
      consistencyLevel: "CrashConsistent",
    },
  };
}
