/**
 * One drill, one owner, through the real plugin: a run takes over a test failover only when the stack recorded it
 * (an interrupted run of the same resource), destroy removes only the test collection it recorded, and refresh never
 * drops a drill because it reached another cluster.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { CimRef } from "../../provider/cim";
import type { PluginError } from "../harness/plugin";
import { withoutProvider } from "../harness/plugin";
import type { DrillBench } from "./drillSupport";
import {
  callsSince,
  completedTest,
  connection,
  drillBench,
  drillOutputs,
  otherCluster,
  SQL,
  until,
} from "./drillSupport";

let bench: DrillBench;
const program = (extra: Record<string, unknown> = {}) => ({
  collectionName: "sql-cluster",
  connection,
  __provider: bench.provider,
  ...extra,
});
const checked = async (extra: Record<string, unknown> = {}) =>
  (await bench.plugin.check({}, program(extra))).inputs;
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined as unknown as PluginError,
    (e: unknown) => e as PluginError,
  );
const runningJob = async (method: string) =>
  (await bench.sim.jobs()).find((j) => j.method === method && j.jobState === 4);

beforeAll(async () => {
  bench = await drillBench("hvr-drill-owner-");
});
afterAll(async () => bench?.close());
beforeEach(async () => {
  // Each case starts from a replica with no test collection.
  await bench.sim.setJobDuration("TestReplicaCollection", 200);
  await bench.sim.finishRunningJobs("TestReplicaCollection");
  const test = (await bench.sim.collections()).find((c) => c.testOf === SQL);
  if (test) await bench.sim.removeCollection(test.id);
});

describe("a drill has one owner", () => {
  it("another stack started while this one's TestReplicaCollection job runs is refused, naming the job and when it was submitted; it calls nothing", async () => {
    await bench.sim.setJobDuration("TestReplicaCollection", null);
    const stackB = await bench.another();
    const before = (await bench.sim.calls()).length;
    const inputs = await checked();
    const stackA = bench.plugin.create(inputs);
    await until(async () => (await runningJob("TestReplicaCollection")) !== undefined);
    const job = (await runningJob("TestReplicaCollection"))!;

    const error = await failure(stackB.create(inputs));
    expect(error.details).toBe(
      `Invalid state: another test failover is being made for this collection: TestReplicaCollection job ${job.instanceId}, submitted at ${new Date(job.submittedAt).toISOString()}, is running, and this resource has no record of starting it [collection 'sql-cluster', host cluster.json (simulator)]. A drill is taken over only by the resource that started it. Wait for the other run to finish; if it is another stack's drill, leave it to that stack, or remove it (RevertTestReplicaCollection on the replica collection once the job has ended), then run again`,
    );
    expect(error.partial).toBeUndefined();
    expect(await callsSince(bench.sim, before)).toEqual(["TestReplicaCollection -> 4096"]);

    expect(await bench.sim.finishRunningJobs("TestReplicaCollection")).toBe(1);
    const a = await stackA;
    expect(await callsSince(bench.sim, before)).toEqual([
      "TestReplicaCollection -> 4096",
      "RequestStateChange(2) sql-a - Test -> 4096",
      "RequestStateChange(2) sql-b - Test -> 4096",
    ]);
    expect(withoutProvider(a.outs)).toEqual(
      await drillOutputs(bench.sim, { lastOperation: await completedTest(bench.sim, job.instanceId) }),
    );
  });

  it("an interrupted run records the test collection's id before its job ends; the next up waits for that job, then starts the VMs", async () => {
    await bench.sim.setJobDuration("TestReplicaCollection", null);
    const before = (await bench.sim.calls()).length;
    const inputs = await checked({ jobTimeoutSeconds: 1 });
    const error = await failure(bench.plugin.create(inputs));
    const job = (await runningJob("TestReplicaCollection"))!;
    expect(error.details).toBe(
      `Timed out waiting for a Hyper-V job: job ${job.instanceId} did not finish within 1 s (jobTimeoutSeconds) [collection 'sql-cluster', method TestReplicaCollection, host cluster.json (simulator)]. The job is still running on the host: watch it (Get-CimInstance -Namespace root/HyperVCluster/v2 Msvm_ConcreteJob -Filter "InstanceID='${job.instanceId}'"), then run again: the provider waits for a running failover job instead of starting another. Raise jobTimeoutSeconds for long failovers`,
    );
    const testId = error.partial!.id;
    const recorded = {
      collectionId: SQL,
      collectionName: "sql-cluster",
      testCollectionId: testId,
      testCollectionName: null,
      virtualMachines: [],
      testNetworks: [],
      recoveryPointUsed: (await completedTest(bench.sim, job.instanceId)).recoveryPoint,
      lastOperation: {
        ...(await completedTest(bench.sim, job.instanceId)),
        jobState: "Running",
        errorCode: null,
        finishedAt: null,
      },
      observedAt: expect.any(String),
      hostSystemName: "cluster.json",
      recoveryPoint: "latest",
      requireHealthy: false,
      startVirtualMachines: true,
      allowProductionNetwork: false,
      jobTimeoutSeconds: 1,
      cancelJobOnTimeout: false,
      connection,
      lastReport: expect.objectContaining({
        resource: "CollectionTestFailover",
        outcome: "failed",
        error: error.details,
        rtoSeconds: null,
      }),
    };
    expect(withoutProvider(error.partial!.properties)).toEqual(recorded);
    const olds = error.partial!.properties;

    // Refresh keeps it while its job runs; preview says what the next up does.
    const kept = await bench.plugin.read(testId, olds);
    expect(kept.id).toBe(testId);
    expect(withoutProvider(kept.props)).toEqual(recorded);
    const news = (await bench.plugin.check(inputs, program({ jobTimeoutSeconds: 60 }))).inputs;
    const lines = bench.plugin.stdout.length;
    expect(await bench.plugin.diff(testId, olds, news)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: true,
    });
    await vi.waitFor(() =>
      expect(bench.plugin.stdout.slice(lines)).toEqual([
        `[sql-cluster] will wait for TestReplicaCollection job ${job.instanceId}, which this resource started, then read test collection ${testId}, as recorded at ${String(olds.observedAt)}; preview with --refresh to plan from the host now`,
      ]),
    );

    const updating = bench.plugin.update(testId, olds, news);
    await until(() =>
      bench.plugin.stdout.some((l) => l.includes("which this resource started, is still running")),
    );
    expect(await bench.sim.finishRunningJobs("TestReplicaCollection")).toBe(1);
    const { outs } = await updating;
    expect(await callsSince(bench.sim, before)).toEqual([
      "TestReplicaCollection -> 4096",
      "RequestStateChange(2) sql-a - Test -> 4096",
      "RequestStateChange(2) sql-b - Test -> 4096",
    ]);
    expect((await bench.sim.collections()).find((c) => c.testOf === SQL)?.id).toBe(testId);
    expect(withoutProvider(outs)).toEqual(
      await drillOutputs(bench.sim, {
        lastOperation: await completedTest(bench.sim, job.instanceId).then(
          ({ recoveryPoint: _p, ...r }) => r,
        ),
        jobTimeoutSeconds: 60,
      }),
    );
  });

  it("destroy never removes a test collection it did not record: its own removed by hand, another stack's drill stays", async () => {
    const { id, outs } = await bench.plugin.create(await checked());
    await bench.sim.removeCollection(id);
    const other = await (await bench.another()).create(await checked());
    const before = (await bench.sim.calls()).length;
    const lines = bench.plugin.stdout.length;
    await bench.plugin.delete(id, outs);
    expect(await callsSince(bench.sim, before)).toEqual([]);
    expect((await bench.sim.collection(other.id))?.testOf).toBe(SQL);
    await vi.waitFor(() =>
      expect(bench.plugin.stdout.slice(lines)).toEqual([
        `[sql-cluster] test collection ${id} is already gone; nothing to remove`,
      ]),
    );
  });
});

describe("a failover in the way", () => {
  it("a failover job running for the replica refuses the drill, naming the job; it calls nothing", async () => {
    // Another actor's failover of the replica, still running; it fails when finished, leaving the replica as it was.
    await bench.sim.setJobDuration("InitiateFailover", null);
    await bench.sim.injectFault({
      kind: "jobFails",
      method: "InitiateFailover",
      jobState: 8,
      errorCode: 32768,
      errorDescription: "Stopped by the test.",
    });
    const session = bench.sim.session();
    const [service] = await session.query("Msvm_CollectionReplicationService");
    const keys = ["CreationClassName", "Name", "SystemCreationClassName", "SystemName"];
    const started = await session.invoke(
      {
        className: "Msvm_CollectionReplicationService",
        keys: Object.fromEntries(keys.map((k) => [k, String(service!.properties[k])])),
      },
      "InitiateFailover",
      { Collection: { className: "Msvm_VirtualSystemCollection", keys: { CollectionID: SQL } } },
    );
    const job = String((started.outParameters.Job as CimRef).keys.InstanceID);
    const before = (await bench.sim.calls()).length;
    try {
      const error = await failure(bench.plugin.create(await checked()));
      expect(error.details).toBe(
        `Invalid state: a InitiateFailover job (${job}) is running for the replica collection, so a test failover cannot start [collection 'sql-cluster', host cluster.json (simulator)]. Wait for it to finish; a test failover needs the replica collection replicating, not failed over`,
      );
      expect(await callsSince(bench.sim, before)).toEqual([]);
    } finally {
      await bench.sim.finishRunningJobs("InitiateFailover");
    }
    expect((await bench.sim.collection(SQL))?.replicationState).toBe(3);
  });
});

describe("refresh and destroy never drop what still runs", () => {
  it("refresh that reaches another cluster fails, naming both, and keeps the drill", async () => {
    const { id, outs } = await bench.plugin.create(await checked());
    const before = (await bench.sim.calls()).length;
    const error = await failure(bench.plugin.read(id, { ...outs, connection: otherCluster }));
    expect(error.details).toBe(
      `Different cluster: refresh reached host 'other.json', which has no collection with CollectionID ${id}, but this resource was recorded on host 'cluster.json' [collection 'sql-cluster - Test', host other.json (simulator)]. The resource was kept in the stack. Point the connection (hyperv-replica:* stack config, or the resource's connection) at the cluster the collection lives on, then refresh again; if the collection was really removed from that cluster, remove the resource from the stack with pulumi state delete <urn>`,
    );
    expect(await callsSince(bench.sim, before)).toEqual([]);
    expect((await bench.plugin.read(id, outs)).id).toBe(id);

    // Destroy keeps the same rule: another cluster is not proof that the drill is gone.
    const destroyError = await failure(bench.plugin.delete(id, { ...outs, connection: otherCluster }));
    expect(destroyError.details).toBe(
      `Different cluster: destroy reached host 'other.json', which has no collection with CollectionID ${id}, but this resource was recorded on host 'cluster.json' [collection 'sql-cluster', host other.json (simulator)]. The resource was kept in the stack. Point the connection (hyperv-replica:* stack config, or the resource's connection) at the cluster the collection lives on, then run again; if the collection was really removed from that cluster, remove the resource from the stack with pulumi state delete <urn>`,
    );
    expect(await callsSince(bench.sim, before)).toEqual([]);
    expect((await bench.sim.collection(id))?.testOf).toBe(SQL);
  });

  it("a replica re-created under the same name: destroy finds the test collection by its own id, calls nothing, and says exactly what is left", async () => {
    const { id, outs } = await bench.plugin.create(await checked());
    const test = (await bench.sim.collection(id))!;
    const [a, b] = test.members;
    await bench.sim.removeCollection(SQL);
    const NEW = "7c1d2f5e-3b63-4d9f-8e52-1b8f4f2cad21";
    await bench.sim.addCollection({
      id: NEW,
      name: "sql-cluster",
      members: ["sql-a", "sql-b"],
      recoveryPoints: 1,
    });
    const before = (await bench.sim.calls()).length;
    const error = await failure(bench.plugin.delete(id, outs));
    expect(error.details).toBe(
      `Invalid state: test collection 'sql-cluster - Test' (${id}) that this resource made is still on the host with its VMs 'sql-a - Test' (${a!.id}, EnabledState 2), 'sql-b - Test' (${b!.id}, EnabledState 2), and the replica collection it was made from is gone from the host; no replica collection depends on it, so RevertTestReplicaCollection cannot remove it. Nothing was called [collection 'sql-cluster - Test', host cluster.json (simulator)]. Remove it by hand: turn each test VM off and delete it (per-VM cmdlets: Stop-VM -TurnOff, then Remove-VM, on each VM listed), then remove the test collection (Msvm_CollectionManagementService.DestroyCollection, or Remove-VMGroup); then run pulumi destroy again, which finds it gone`,
    );
    expect(await callsSince(bench.sim, before)).toEqual([]);
    expect((await bench.sim.collection(id))?.members.map((m) => m.enabledState)).toEqual([2, 2]);
    // Once removed by hand, destroy finds it gone on the cluster it was made on.
    await bench.sim.removeCollection(id);
    await bench.plugin.delete(id, outs);
    expect(await callsSince(bench.sim, before)).toEqual([]);
    await bench.sim.removeCollection(NEW);
    await bench.sim.addCollection({
      id: SQL,
      name: "sql-cluster",
      members: ["sql-a", "sql-b"],
      recoveryPoints: 1,
    });
  });

  it("a replica re-created under the same name that the test collection now depends on: destroy removes the recorded test collection through it", async () => {
    const { id, outs } = await bench.plugin.create(await checked());
    await bench.sim.removeCollection(SQL);
    const NEW = "7c1d2f5e-3b63-4d9f-8e52-1b8f4f2cad21";
    await bench.sim.addCollection({
      id: NEW,
      name: "sql-cluster",
      members: ["sql-a", "sql-b"],
      recoveryPoints: 1,
    });
    await bench.sim.setCollection(id, { testOf: NEW });
    const before = (await bench.sim.calls()).length;
    const lines = bench.plugin.stdout.length;
    await bench.plugin.delete(id, outs);
    expect(await callsSince(bench.sim, before)).toEqual(["RevertTestReplicaCollection -> 4096"]);
    const [call] = (await bench.sim.calls()).slice(before);
    expect(call!.arguments.Collection).toEqual({
      className: "Msvm_VirtualSystemCollection",
      keys: { CollectionID: NEW },
    });
    expect(await bench.sim.collection(id)).toBeUndefined();
    // The job's progress lines depend on timing; the lines that say what was decided do not.
    const decided = () => bench.plugin.stdout.slice(lines).filter((l) => !/ job \S+: \d+% /.test(l));
    await vi.waitFor(() =>
      expect(decided()).toEqual([
        `[sql-cluster] test collection 'sql-cluster - Test' (${id}) now depends on replica collection 'sql-cluster' (${NEW}); removing it through that one`,
        `[sql-cluster] RevertTestReplicaCollection done: test collection ${id} removed`,
      ]),
    );
  });
});
