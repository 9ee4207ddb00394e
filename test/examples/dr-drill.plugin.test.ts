/**
 * A rehearsal of the dr-drill example (a test failover) as a pipeline runs it, without the Pulumi CLI:
 * `hyperv-replica-sim` (a real process) seeds the state file named in Pulumi.rehearsal.yaml; the program runs under
 * setMocks in the project folder (getRecoveryPoints reads that file); its resources' inputs go through the real
 * Pulumi plugin, started fresh for each command with the stack file's config. `pulumi up` brings both test
 * failovers up with their VMs running, and `pulumi destroy` removes them, the application tier first.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCimDateTime } from "../../provider/cim/datetime";
import { HyperVSimulator } from "../../provider/simulator";
import { cli, requireBuild } from "../cli/run";
import { makeProjectDir, Plugin, withoutProvider } from "../harness/plugin";
import { linkPackageIntoExample, runProgram, stackConfig } from "./support";

interface Managed {
  id: string;
  inputs: Record<string, unknown>;
  outs: Record<string, unknown>;
}

let project: string;
const config = () => stackConfig("rehearsal");
const stateFile = () => config()["hyperv-replica:simulatorStateFile"]!;
/** The stack's state, as the engine keeps it between runs, in registration order. */
const stack = new Map<string, Managed>();
let programOutputs: Record<string, unknown> = {};

beforeAll(() => {
  requireBuild();
  linkPackageIntoExample();
  project = makeProjectDir("hvr-dr-drill-");
  // The seeding command Pulumi.rehearsal.yaml documents, run in the project directory.
  const seeded = cli(
    [
      "init",
      stateFile(),
      "--collection",
      "sql-cluster:sql-node-a,sql-node-b",
      "--collection",
      "app-tier:app-01,app-02",
    ],
    project,
  );
  expect(seeded.stderr).toBe("");
  expect(seeded.status).toBe(0);
  expect(cli(["job-duration", stateFile(), "all", "300"], project).status).toBe(0);
});

afterAll(() => {
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

/** Runs the program in the project folder, as the engine does, so the state file resolves as in the stack. */
async function program() {
  const cwd = process.cwd();
  process.chdir(project);
  try {
    const run = await runProgram(config());
    programOutputs = run.outputs;
    return run.registered;
  } finally {
    process.chdir(cwd);
  }
}

async function withPlugin<T>(fn: (plugin: Plugin) => Promise<T>): Promise<T> {
  const plugin = await Plugin.start({ cwd: project, project: "dr-drill" });
  try {
    await plugin.configure(config());
    return await fn(plugin);
  } finally {
    await plugin.stop();
  }
}

/** `pulumi up`: check and create (or diff) each resource in order. */
async function up(): Promise<string[]> {
  const registered = await program();
  return withPlugin(async (plugin) => {
    const steps: string[] = [];
    for (const { name, inputs: news } of registered) {
      const before = stack.get(name);
      const { inputs, failures } = await plugin.check(before?.inputs ?? {}, news);
      expect(failures).toEqual([]);
      if (!before) {
        const { id, outs } = await plugin.create(inputs);
        stack.set(name, { id, inputs, outs });
        steps.push(`create ${name}`);
      } else if ((await plugin.diff(before.id, before.outs, inputs)).changes) {
        steps.push(`change ${name}`);
      }
    }
    return steps;
  });
}

/** `pulumi destroy`: delete in reverse order of creation, as dependencies require. */
async function destroy(): Promise<string[]> {
  return withPlugin(async (plugin) => {
    const steps: string[] = [];
    for (const [name, { id, outs }] of [...stack].reverse()) {
      await plugin.delete(id, outs);
      stack.delete(name);
      steps.push(`delete ${name}`);
    }
    return steps;
  });
}

/** A CIM datetime as the outputs show it. */
const iso = (cim: string) => new Date(parseCimDateTime(cim)!).toISOString();

const sim = () => new HyperVSimulator({ stateFile: path.join(project, stateFile()) });

async function collections() {
  return (await sim().collections()).map((c) => [
    c.name,
    c.replicationState,
    c.replicationMode,
    c.members.map((m) => `${m.name}: ${m.enabledState}`),
  ]);
}

/** Every collection's name by id, kept after a test collection is removed so the call log can still name it. */
const names = new Map<string, string>();

/** The call log as `Class.Method collection -> return value`. */
async function methods(): Promise<string[]> {
  for (const c of await sim().collections()) names.set(c.id, c.name);
  return (await sim().calls()).map(
    (c) =>
      `${c.className}.${c.method} ${names.get(c.collectionId ?? "") ?? c.collectionId} -> ${c.returnValue}`,
  );
}

describe("examples/dr-drill rehearsed through the plugin on a state file seeded by the CLI", () => {
  it("pulumi up: a test failover of each collection, the SQL cluster first, with the test VMs started", async () => {
    expect(await up()).toEqual(["create sql-cluster", "create app-tier"]);

    expect(await collections()).toEqual([
      ["sql-cluster", 3, 2, ["sql-node-a: 3", "sql-node-b: 3"]],
      ["app-tier", 3, 2, ["app-01: 3", "app-02: 3"]],
      ["sql-cluster - Test", 0, 3, ["sql-node-a - Test: 2", "sql-node-b - Test: 2"]],
      ["app-tier - Test", 0, 3, ["app-01 - Test: 2", "app-02 - Test: 2"]],
    ]);
    // requireHealthy reads the health first; each test collection's two VMs are started after its job.
    expect(await methods()).toEqual([
      "Msvm_CollectionReplicationService.GetReplicationStatistics sql-cluster -> 0",
      "Msvm_CollectionReplicationService.TestReplicaCollection sql-cluster -> 4096",
      "Msvm_ComputerSystem.RequestStateChange sql-cluster - Test -> 4096",
      "Msvm_ComputerSystem.RequestStateChange sql-cluster - Test -> 4096",
      "Msvm_CollectionReplicationService.GetReplicationStatistics app-tier -> 0",
      "Msvm_CollectionReplicationService.TestReplicaCollection app-tier -> 4096",
      "Msvm_ComputerSystem.RequestStateChange app-tier - Test -> 4096",
      "Msvm_ComputerSystem.RequestStateChange app-tier - Test -> 4096",
    ]);

    const all = await sim().collections();
    const replica = all.find((c) => c.name === "sql-cluster")!;
    const test = all.find((c) => c.name === "sql-cluster - Test")!;
    const [newest] = [...(await sim().recoveryPoints(replica.id))].reverse();
    const point = {
      instanceId: newest!.instanceId,
      creationTime: iso(newest!.creationTime!),
      consistencyLevel: "CrashConsistent",
    };
    const call = (await sim().calls())[1]!;
    expect(withoutProvider(stack.get("sql-cluster")!.outs)).toEqual({
      collectionId: replica.id,
      collectionName: "sql-cluster",
      testCollectionId: test.id,
      testCollectionName: "sql-cluster - Test",
      virtualMachines: test.members.map((vm) => ({
        name: vm.name,
        id: vm.id,
        enabledState: 2,
        enabledStateName: "Running",
        replicationState: 0,
        replicationHealth: "Ok",
      })),
      testNetworks: test.members.map((vm) => ({
        vmId: vm.id,
        name: vm.name,
        adapters: [{ name: "Network Adapter", switchName: null }],
      })),
      recoveryPointUsed: point,
      lastOperation: {
        method: "TestReplicaCollection",
        jobId: call.jobId,
        jobState: "Completed",
        errorCode: 0,
        startedAt: expect.any(String),
        finishedAt: expect.any(String),
        recoveryPoint: point,
      },
      observedAt: expect.any(String),
      hostSystemName: path.basename(stateFile()),
      recoveryPoint: "latest",
      requireHealthy: true,
      startVirtualMachines: true,
      allowProductionNetwork: false,
      jobTimeoutSeconds: 3600,
      cancelJobOnTimeout: false,
      connection: null,
      lastReport: expect.objectContaining({ resource: "CollectionTestFailover", outcome: "succeeded" }),
    });
  });

  it("the program lists each collection's recovery points, newest first, read from the cluster", async () => {
    const listed = async (name: string) => {
      const { id } = (await sim().collections()).find((c) => c.name === name)!;
      return [...(await sim().recoveryPoints(id))]
        .reverse()
        .map((p) => `${iso(p.creationTime!)} CrashConsistent ${p.instanceId}`);
    };
    expect(await listed("sql-cluster")).toHaveLength(2);
    expect(programOutputs.recoveryPoints).toEqual({
      "sql-cluster": await listed("sql-cluster"),
      "app-tier": await listed("app-tier"),
    });
  });

  it("pulumi destroy: RevertTestReplicaCollection for each, the app tier first, and the test collections are gone", async () => {
    const before = (await methods()).length;
    expect(await destroy()).toEqual(["delete app-tier", "delete sql-cluster"]);

    expect((await methods()).slice(before)).toEqual([
      "Msvm_CollectionReplicationService.RevertTestReplicaCollection app-tier -> 4096",
      "Msvm_CollectionReplicationService.RevertTestReplicaCollection sql-cluster -> 4096",
    ]);
    expect(await collections()).toEqual([
      ["sql-cluster", 3, 2, ["sql-node-a: 3", "sql-node-b: 3"]],
      ["app-tier", 3, 2, ["app-01: 3", "app-02: 3"]],
    ]);
  });

  it("the next scheduled drill starts from a clean cluster: up again makes new test collections", async () => {
    expect(await up()).toEqual(["create sql-cluster", "create app-tier"]);
    expect((await collections()).map(([name]) => name)).toEqual([
      "sql-cluster",
      "app-tier",
      "sql-cluster - Test",
      "app-tier - Test",
    ]);
    expect(await destroy()).toEqual(["delete app-tier", "delete sql-cluster"]);
    expect((await collections()).map(([name]) => name)).toEqual(["sql-cluster", "app-tier"]);
  });
});
