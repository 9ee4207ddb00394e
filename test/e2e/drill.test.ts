/**
 * The DR drill through the real Pulumi plugin: CollectionTestFailover create, refresh and delete; recovery point
 * selectors and getRecoveryPoints; health outputs and requireHealthy; the VMs started after a failover; and the
 * preview lines diff prints. The simulator's state file is shared by the plugin process and this test.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { collectionFailoverProvider } from "../../provider/resources/collectionFailover/provider";
import { collectionTestFailoverProvider } from "../../provider/resources/collectionTestFailover/provider";
import { createRuntime } from "../../provider/doors/dynamic";
import { HyperVSimulator } from "../../provider/simulator";
import type { PluginError } from "../harness/plugin";
import { makeProjectDir, Plugin, REPO_ROOT, serializeProvider, withoutProvider } from "../harness/plugin";

const SQL = "6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10";
const APP = "0d9e8f7a-6b5c-4d3e-2f1a-0b9c8d7e6f5a";
const HOUR = 3_600_000;

let project: string;
let plugin: Plugin;
let sim: HyperVSimulator;
let failoverProvider: string;
let testProvider: string;
const connection = { transport: "simulator", simulatorStateFile: "cluster.json" };
const T0 = Date.parse("2026-11-27T12:00:00.000Z");

beforeAll(async () => {
  if (!fs.existsSync(path.join(REPO_ROOT, "dist", "doors", "dynamic.js"))) {
    throw new Error("dist/ is missing: the plugin loads the built package, so run `npm run build` first");
  }
  project = makeProjectDir("hvr-drill-");
  sim = new HyperVSimulator({ stateFile: path.join(project, "cluster.json"), hostName: "hv-replica01" });
  await sim.init();
  await sim.addCollection({ id: SQL, name: "sql-cluster", members: ["sql-a", "sql-b"], recoveryPoints: 0 });
  await sim.addCollection({ id: APP, name: "app-tier", members: ["app-01"], recoveryPoints: 0 });
  for (const [hours, level] of [
    [3, 1],
    [2, 2],
    [1, 2],
  ] as const) {
    await sim.addRecoveryPoint(SQL, { creationTime: T0 - hours * HOUR, consistencyLevel: level });
    await sim.addRecoveryPoint(APP, { creationTime: T0 - hours * HOUR, consistencyLevel: 2 });
  }
  for (const method of [
    "InitiateFailover",
    "RevertFailover",
    "TestReplicaCollection",
    "RevertTestReplicaCollection",
  ])
    await sim.setJobDuration(method, 300);
  await sim.setJobDuration("RequestStateChange", 100);
  plugin = await Plugin.start({ cwd: project });
  await plugin.configure({});
  failoverProvider = await serializeProvider(collectionFailoverProvider);
  testProvider = await serializeProvider(collectionTestFailoverProvider);
});

afterAll(async () => {
  await plugin?.stop();
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

const points = async (id: string) => [...(await sim.recoveryPoints(id))].reverse();
const since = async (before: number) =>
  (await sim.calls())
    .slice(before)
    .map(
      (c) =>
        `${c.className}.${c.method}${c.arguments.RequestedState !== undefined ? `(${String(c.arguments.RequestedState)})` : ""} -> ${c.returnValue}`,
    );

describe("getRecoveryPoints", () => {
  it("lists a collection's points newest first, through the same runtime, calling no method", async () => {
    const rt = createRuntime();
    const cwd = process.cwd();
    process.chdir(project);
    try {
      const before = (await sim.calls()).length;
      const result = await rt.functions.getRecoveryPoints!({ collectionName: "sql-cluster", connection });
      const [newest, middle, oldest] = await points(SQL);
      expect(result).toEqual({
        collectionId: SQL,
        collectionName: "sql-cluster",
        recoveryPoints: [
          {
            instanceId: newest!.instanceId,
            creationTime: "2026-11-27T11:00:00.000Z",
            consistencyLevel: "CrashConsistent",
          },
          {
            instanceId: middle!.instanceId,
            creationTime: "2026-11-27T10:00:00.000Z",
            consistencyLevel: "CrashConsistent",
          },
          {
            instanceId: oldest!.instanceId,
            creationTime: "2026-11-27T09:00:00.000Z",
            consistencyLevel: "ApplicationConsistent",
          },
        ],
      });
      expect((await sim.calls()).length).toBe(before);
    } finally {
      process.chdir(cwd);
    }
  });

  it("rejects arguments that name no collection, before any session", async () => {
    await expect(createRuntime().functions.getRecoveryPoints!({ connection })).rejects.toThrow(
      "getRecoveryPoints: collectionId: missing: set collectionId (the collection's CollectionID GUID) or collectionName (its ElementName)",
    );
  });
});

describe("CollectionTestFailover through the plugin", () => {
  let id: string;
  let outs: Record<string, unknown>;
  let inputs: Record<string, unknown>;
  const program = (extra: Record<string, unknown> = {}) => ({
    collectionName: "sql-cluster",
    recoveryPoint: "latest-application-consistent",
    connection,
    __provider: testProvider,
    ...extra,
  });

  it("check rejects a selector that is not one, naming the property", async () => {
    const { failures } = await plugin.check({}, program({ recoveryPoint: "Latest" }));
    expect(failures).toEqual([
      {
        property: "recoveryPoint",
        reason:
          "'Latest' is not a recovery point selector; did you mean 'latest'? (selectors are case-sensitive); use 'latest', 'latest-application-consistent', 'before:<ISO 8601 time>' (such as 'before:2026-11-27T08:00:00Z') or a recovery point InstanceID ('Microsoft:<GUID>', as getRecoveryPoints lists them)",
      },
    ]);
  });

  it("create: TestReplicaCollection from the chosen point, the test collection found, its VMs started", async () => {
    const before = (await sim.calls()).length;
    ({ inputs } = await plugin.check({}, program()));
    ({ id, outs } = await plugin.create(inputs));
    const test = (await sim.collections()).find((c) => c.testOf === SQL)!;
    const [, , appPoint] = await points(SQL);
    expect(id).toBe(test.id);
    expect(await since(before)).toEqual([
      "Msvm_CollectionReplicationService.TestReplicaCollection -> 4096",
      "Msvm_ComputerSystem.RequestStateChange(2) -> 4096",
      "Msvm_ComputerSystem.RequestStateChange(2) -> 4096",
    ]);
    const [call] = (await sim.calls()).slice(before);
    expect(call!.arguments.CollectionRecoveryPoint).toEqual({
      className: "Msvm_CollectionRecoveryPoint",
      keys: { InstanceID: appPoint!.instanceId, CollectionID: SQL },
    });
    expect(withoutProvider(outs)).toEqual({
      collectionId: SQL,
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
      // No test-failover switch is set on the replica VMs: their test copies are not connected (Hyper-V's default).
      testNetworks: test.members.map((vm) => ({
        vmId: vm.id,
        name: vm.name,
        adapters: [{ name: "Network Adapter", switchName: null }],
      })),
      recoveryPointUsed: {
        instanceId: appPoint!.instanceId,
        creationTime: "2026-11-27T09:00:00.000Z",
        consistencyLevel: "ApplicationConsistent",
      },
      lastOperation: {
        method: "TestReplicaCollection",
        jobId: call!.jobId,
        jobState: "Completed",
        errorCode: 0,
        startedAt: expect.any(String),
        finishedAt: expect.any(String),
        recoveryPoint: {
          instanceId: appPoint!.instanceId,
          creationTime: "2026-11-27T09:00:00.000Z",
          consistencyLevel: "ApplicationConsistent",
        },
      },
      observedAt: expect.any(String),
      hostSystemName: "cluster.json",
      recoveryPoint: "latest-application-consistent",
      requireHealthy: false,
      startVirtualMachines: true,
      allowProductionNetwork: false,
      jobTimeoutSeconds: 1800,
      cancelJobOnTimeout: false,
      connection,
      lastReport: expect.objectContaining({ resource: "CollectionTestFailover", outcome: "succeeded" }),
    });
    expect((await sim.collection(SQL))?.replicationState).toBe(3);
  });

  it("a second test failover of the same collection is refused with guidance, calling nothing", async () => {
    const before = (await sim.calls()).length;
    const error = (await plugin.create(inputs).catch((e: unknown) => e)) as PluginError;
    expect(error.details).toBe(
      `Invalid state: another test failover exists for this collection: test collection 'sql-cluster - Test' (${id}), made by TestReplicaCollection job ${String((outs.lastOperation as { jobId: string }).jobId)}, submitted at ${String((outs.lastOperation as { startedAt: string }).startedAt)}; this resource did not make it, and Hyper-V allows one at a time [collection 'sql-cluster', host cluster.json (simulator)]. Remove it first (destroy the stack or resource that made it, or call RevertTestReplicaCollection on the replica collection), then run again; to make this resource track it instead, set the resource option import to its CollectionID`,
    );
    expect((await sim.calls()).length).toBe(before);
  });

  it("a new recovery point replaces the resource, and preview says what it will call", async () => {
    const lines = plugin.stdout.length;
    const { inputs: next } = await plugin.check(inputs, program({ recoveryPoint: "latest" }));
    expect(await plugin.diff(id, outs, next)).toEqual({
      changes: true,
      replaces: ["recoveryPoint"],
      deleteBeforeReplace: true,
    });
    // The plugin's stdout arrives on its own pipe, possibly just after the gRPC reply.
    await vi.waitFor(() =>
      expect(plugin.stdout.slice(lines)).toEqual([
        `[sql-cluster] will call RevertTestReplicaCollection (removing test collection 'sql-cluster - Test'), then TestReplicaCollection with recoveryPoint 'latest' (recoveryPoint changed), as recorded at ${String(outs.observedAt)}; preview with --refresh to plan from the host now`,
      ]),
    );
  });

  it("refresh keeps the test collection while it exists", async () => {
    const read = await plugin.read(id, outs);
    expect(read.id).toBe(id);
    expect(withoutProvider(read.props)).toEqual({ ...withoutProvider(outs), observedAt: expect.any(String) });
  });

  it("delete: RevertTestReplicaCollection on the replica, and the test collection is gone", async () => {
    const before = (await sim.calls()).length;
    await plugin.delete(id, outs);
    expect(await since(before)).toEqual([
      "Msvm_CollectionReplicationService.RevertTestReplicaCollection -> 4096",
    ]);
    const [call] = (await sim.calls()).slice(before);
    expect(call!.arguments.Collection).toEqual({
      className: "Msvm_VirtualSystemCollection",
      keys: { CollectionID: SQL },
    });
    expect(await sim.collection(id)).toBeUndefined();
  });

  it("refresh of a test collection removed by hand returns no id", async () => {
    ({ id, outs } = await plugin.create(inputs));
    await sim.removeCollection(id);
    expect((await plugin.read(id, outs)).id).toBe("");
  });
});

describe("CollectionFailover: health, requireHealthy, VMs and preview", () => {
  const program = (failoverState: string, extra: Record<string, unknown> = {}) => ({
    collectionName: "app-tier",
    failoverState,
    connection,
    __provider: failoverProvider,
    ...extra,
  });

  it("requireHealthy refuses a failover while health is Critical, listing the issues, calling nothing", async () => {
    await sim.setHealth(APP, {
      replicationHealth: 3,
      issues: ["Replication for virtual machine 'app-01' is in critical state."],
    });
    const before = (await sim.calls()).length;
    const { inputs } = await plugin.check({}, program("failedOver", { requireHealthy: true }));
    const error = (await plugin.create(inputs).catch((e: unknown) => e)) as PluginError;
    expect(error.details).toBe(
      "Invalid state: requireHealthy is set and the replication health is Critical (3), so InitiateFailover was not called; health issues: 'Replication for virtual machine 'app-01' is in critical state.' [collection 'app-tier', host cluster.json (simulator)]. Fix the replication issues listed, or set requireHealthy: false to fail over anyway (a disaster may leave no choice)",
    );
    expect(await since(before)).toEqual(["Msvm_CollectionReplicationService.GetReplicationStatistics -> 0"]);
    await sim.setHealth(APP, { replicationHealth: null, issues: [] });
  });

  let id: string;
  let outs: Record<string, unknown>;

  it("fails over to the point before a time, starts the VMs, and records the point and the data-loss window", async () => {
    const before = (await sim.calls()).length;
    const { inputs } = await plugin.check(
      {},
      program("failedOver", { recoveryPoint: "before:2026-11-27T10:30:00Z" }),
    );
    ({ id, outs } = await plugin.create(inputs));
    const [, middle] = await points(APP);
    expect(await since(before)).toEqual([
      "Msvm_CollectionReplicationService.InitiateFailover -> 4096",
      "Msvm_ComputerSystem.RequestStateChange(2) -> 4096",
      "Msvm_CollectionReplicationService.GetReplicationStatistics -> 0",
    ]);
    const last = outs.lastOperation as Record<string, unknown>;
    expect(last.recoveryPoint).toEqual({
      instanceId: middle!.instanceId,
      creationTime: "2026-11-27T10:00:00.000Z",
      consistencyLevel: "CrashConsistent",
    });
    expect(last.dataLossWindowSeconds).toBe(
      Math.round((Date.parse(String(last.startedAt)) - Date.parse("2026-11-27T10:00:00.000Z")) / 1000),
    );
    const vm = (await sim.collection(APP))!.members[0]!;
    expect(withoutProvider(outs)).toMatchObject({
      failoverState: "failedOver",
      replicationHealth: "Ok",
      replicationHealthIssues: [],
      lastApplyTime: "2026-11-27T10:00:00.000Z",
      lastApplyConsistencyLevel: "CrashConsistent",
      virtualMachines: [
        {
          name: "app-01",
          id: vm.id,
          enabledState: 2,
          enabledStateName: "Running",
          replicationState: 5,
          replicationHealth: "Ok",
        },
      ],
      startVirtualMachines: true,
    });
  });

  it("preview prints the plan from the recorded state, naming the calls", async () => {
    const lines = plugin.stdout.length;
    const { inputs } = await plugin.check({}, program("normal"));
    await plugin.diff(id, outs, inputs);
    // The plugin's stdout arrives on its own pipe, possibly just after the gRPC reply.
    await vi.waitFor(() =>
      expect(plugin.stdout.slice(lines)).toEqual([
        `[app-tier] will power off (hard) 'app-01' with RequestStateChange(3), then call RevertFailover: Recovered (5) -> Replicating (3), as recorded at ${String(outs.observedAt)}; preview with --refresh to plan from the host now`,
      ]),
    );
  });

  it("reverting turns the running VM off first, then calls RevertFailover", async () => {
    const before = (await sim.calls()).length;
    const { inputs } = await plugin.check({}, program("normal"));
    ({ outs } = await plugin.update(id, outs, inputs));
    expect(await since(before)).toEqual([
      "Msvm_ComputerSystem.RequestStateChange(3) -> 4096",
      "Msvm_CollectionReplicationService.RevertFailover -> 4096",
      "Msvm_CollectionReplicationService.GetReplicationStatistics -> 0",
    ]);
    expect(outs).toMatchObject({ failoverState: "normal", virtualMachines: [{ enabledStateName: "Off" }] });
  });

  it("startVirtualMachines: false leaves the VMs off after the failover", async () => {
    const before = (await sim.calls()).length;
    const { inputs } = await plugin.check({}, program("failedOver", { startVirtualMachines: false }));
    ({ outs } = await plugin.update(id, outs, inputs));
    expect(await since(before)).toEqual([
      "Msvm_CollectionReplicationService.InitiateFailover -> 4096",
      "Msvm_CollectionReplicationService.GetReplicationStatistics -> 0",
    ]);
    expect(outs).toMatchObject({
      failoverState: "failedOver",
      virtualMachines: [{ enabledStateName: "Off" }],
    });
  });
});
