/**
 * End to end through the real Pulumi dynamic-provider plugin, driven over gRPC as the engine drives it, with the
 * simulator persisted to a state file that the plugin process and this test share.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectionFailoverProvider } from "../../provider/resources/collectionFailover/provider";
import { HyperVSimulator } from "../../provider/simulator";
import type { PluginError } from "../harness/plugin";
import {
  makeProjectDir,
  Plugin,
  REPO_ROOT,
  serializeProvider,
  UNKNOWN,
  withoutProvider,
} from "../harness/plugin";

const PASSWORD = "Pa$$w0rd-'e2e'-secret";
const SQL = "6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10";
const WEB = "0d9e8f7a-6b5c-4d3e-2f1a-0b9c8d7e6f5a";

let project: string;
let plugin: Plugin;
let sim: HyperVSimulator;
let provider: string;

beforeAll(async () => {
  if (!fs.existsSync(path.join(REPO_ROOT, "dist", "doors", "dynamic.js"))) {
    throw new Error(
      "dist/ is missing: the plugin loads the built package, so run `npm run build` first (npm test does)",
    );
  }
  project = makeProjectDir();
  sim = new HyperVSimulator({ stateFile: path.join(project, "cluster.json"), hostName: "hv-replica01" });
  await sim.init();
  await sim.addCollection({ id: SQL, name: "sql-cluster", members: ["sql-a", "sql-b"] });
  await sim.addCollection({ id: WEB, name: "web-tier", members: ["web-a"] });
  for (const method of ["InitiateFailover", "RevertFailover", "CommitFailover"])
    await sim.setJobDuration(method, 800);
  plugin = await Plugin.start({ cwd: project });
  await plugin.configure({ "hyperv-replica:password": PASSWORD, "dr:unrelated": "x" });
  provider = await serializeProvider(collectionFailoverProvider);
});

afterAll(async () => {
  await plugin?.stop();
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

const connection = { transport: "simulator", simulatorStateFile: "cluster.json", username: "CONTOSO\\dr" };
const program = (failoverState: string, extra: Record<string, unknown> = {}) => ({
  collectionName: "sql-cluster",
  failoverState,
  connection,
  __provider: provider,
  ...extra,
});

describe("pulumi up, refresh and preview through the plugin", () => {
  let id: string;
  let outs: Record<string, unknown>;
  let inputs: Record<string, unknown>;

  it("creates with failedOver: one InitiateFailover, and the state file shows Recovered", async () => {
    const checked = await plugin.check({}, program("failedOver"));
    expect(checked.failures).toEqual([]);
    inputs = checked.inputs;
    ({ id, outs } = await plugin.create(inputs));
    expect(id).toBe(SQL);
    expect(withoutProvider(outs)).toMatchObject({
      failoverState: "failedOver",
      replicationState: 5,
      collectionId: SQL,
    });
    expect((await sim.collection(SQL))?.replicationState).toBe(5);
    // The VMs are started after the failover, one job each, then the health is read for the outputs.
    expect((await sim.calls()).map((c) => [c.className, c.method, c.arguments.RequestedState])).toEqual([
      ["Msvm_CollectionReplicationService", "InitiateFailover", undefined],
      ["Msvm_ComputerSystem", "RequestStateChange", 2],
      ["Msvm_ComputerSystem", "RequestStateChange", 2],
      ["Msvm_CollectionReplicationService", "GetReplicationStatistics", undefined],
    ]);
    expect((outs.virtualMachines as { enabledStateName: string }[]).map((vm) => vm.enabledStateName)).toEqual(
      ["Running", "Running"],
    );
  });

  it("updates to normal: exactly one RevertFailover, the job is waited for, and the state file shows Replicating", async () => {
    const before = (await sim.calls()).length;
    const { inputs: desired } = await plugin.check(inputs, program("normal"));
    expect(await plugin.diff(id, outs, desired)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    ({ outs } = await plugin.update(id, outs, desired));
    inputs = desired;

    const calls = (await sim.calls()).slice(before);
    // The running VMs are turned off first: Stop-VMFailover turns a running VM off before cancelling.
    expect(calls.map((c) => [c.method, c.arguments.RequestedState, c.returnValue])).toEqual([
      ["RequestStateChange", 3, 4096],
      ["RequestStateChange", 3, 4096],
      ["RevertFailover", undefined, 4096],
      ["GetReplicationStatistics", undefined, 0],
    ]);
    const [job] = (await sim.jobs()).filter((j) => j.instanceId === calls[2]!.jobId);
    expect(job).toMatchObject({ method: "RevertFailover", jobState: 7, percentComplete: 100 });
    expect(withoutProvider(outs)).toEqual({
      collectionId: SQL,
      collectionName: "sql-cluster",
      failoverState: "normal",
      replicationState: 3,
      replicationStateName: "Replicating",
      replicationMode: "Replica",
      failedOverReplicationType: "None",
      hostSystemName: "cluster.json",
      lastOperation: {
        method: "RevertFailover",
        jobId: job!.instanceId,
        jobState: "Completed",
        errorCode: 0,
        startedAt: expect.any(String),
        finishedAt: expect.any(String),
      },
      replicationHealth: "Ok",
      replicationHealthIssues: [],
      lastApplyTime: expect.any(String),
      lastApplyConsistencyLevel: "CrashConsistent",
      virtualMachines: (await sim.collection(SQL))!.members.map((vm) => ({
        name: vm.name,
        id: vm.id,
        enabledState: 3,
        enabledStateName: "Off",
        replicationState: 3,
        replicationHealth: "Ok",
      })),
      healthObservedAt: expect.any(String),
      observedAt: expect.any(String),
      recoveryPoint: "latest",
      requireHealthy: false,
      startVirtualMachines: true,
      jobTimeoutSeconds: 1800,
      cancelJobOnTimeout: false,
      connection,
      lastReport: expect.objectContaining({
        action: "return to normal",
        outcome: "succeeded",
        rtoSeconds: null,
      }),
    });
    expect((await sim.collection(SQL))?.replicationState).toBe(3);
    const progress = plugin.stdout.filter((l) =>
      l.startsWith(`[sql-cluster] RevertFailover job ${job!.instanceId}: `),
    );
    // Each line stays in the output here, so progress is paced: the first read and one per quarter crossed; the
    // step's outcome is a line of its own.
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.length).toBeLessThanOrEqual(4);
    expect(plugin.stdout).toContainEqual(expect.stringMatching(/^\[sql-cluster\] RevertFailover done: /));
  });

  it("a second up with nothing changed calls nothing", async () => {
    const before = (await sim.calls()).length;
    const { inputs: same } = await plugin.check(inputs, program("normal"));
    expect(await plugin.diff(id, outs, same)).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect((await sim.calls()).length).toBe(before);
  });

  it("refresh after an out-of-band failover shows the drift, and the next up reverts it", async () => {
    await sim.setCollection(SQL, { replicationState: 5, failedOverReplicationType: 1 });
    const refreshed = await plugin.read(id, outs);
    expect(refreshed.id).toBe(SQL);
    expect(withoutProvider(refreshed.props)).toMatchObject({
      failoverState: "failedOver",
      replicationState: 5,
    });
    expect(refreshed.props?.__provider).toBe(provider);

    const { inputs: desired } = await plugin.check(inputs, program("normal"));
    expect((await plugin.diff(id, refreshed.props!, desired)).changes).toBe(true);
    ({ outs } = await plugin.update(id, refreshed.props!, desired));
    expect(outs.failoverState).toBe("normal");
  });

  it("preview with an unknown failoverState passes check and diff without touching the host", async () => {
    const before = (await sim.calls()).length;
    const { inputs: previewed, failures } = await plugin.check(inputs, program(UNKNOWN));
    expect(failures).toEqual([]);
    expect(await plugin.diff(id, outs, previewed)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    expect((await sim.calls()).length).toBe(before);
  });

  it("committed -> normal fails in diff, before anything runs, with the guidance", async () => {
    await sim.setCollection(SQL, { replicationState: 6, failedOverReplicationType: 1 });
    const refreshed = await plugin.read(id, outs);
    const before = (await sim.calls()).length;
    const { inputs: desired } = await plugin.check(inputs, program("normal"));
    const error = (await plugin.diff(id, refreshed.props!, desired).catch((e: unknown) => e)) as PluginError;
    expect(error.details).toBe(
      "Invalid state: cannot make it normal: it is committed: ReplicationState Committed (6), ReplicationMode Replica; a committed failover cannot be reverted, so it cannot become normal [collection 'sql-cluster', host cluster.json (simulator)]. Keep failoverState 'committed'. To fail back, reverse replication (ReverseReplicationRelationship on this cluster) and fail over again from the new primary; then point this resource at the new replica",
    );
    expect((await sim.calls()).length).toBe(before);
    outs = refreshed.props!;
  });

  it("check rejects bad input with the property and the fix, and nothing reaches the host", async () => {
    const before = (await sim.calls()).length;
    const { failures } = await plugin.check({}, program("failed-over", { jobTimeoutSeconds: -1 }));
    expect(failures).toEqual([
      {
        property: "failoverState",
        reason:
          "'failed-over' is not one of 'normal', 'failedOver', 'committed'; use one of those (they are case-sensitive)",
      },
      {
        property: "jobTimeoutSeconds",
        reason:
          "-1 is not a whole number from 1 to 604800; it bounds the wait for each Hyper-V job (default 1800)",
      },
    ]);
    expect((await sim.calls()).length).toBe(before);
  });

  it("a failed job becomes a partial failure whose outputs match the host", async () => {
    const { id: webId, outs: webOuts } = await plugin.create(
      (await plugin.check({}, program("failedOver", { collectionName: "web-tier" }))).inputs,
    );
    await sim.injectFault({
      kind: "jobFails",
      method: "RevertFailover",
      jobState: 9,
      errorCode: 32768,
      errorDescription: "Killed by the operator.",
    });
    const { inputs: desired } = await plugin.check({}, program("normal", { collectionName: "web-tier" }));
    const error = (await plugin.update(webId, webOuts, desired).catch((e: unknown) => e)) as PluginError;
    expect(error.details).toMatch(
      /^Hyper-V job failed: job \S+ ended Killed \(9\) with ErrorCode 32768: Killed by the operator\./,
    );
    expect(error.partial).toMatchObject({
      id: WEB,
      properties: {
        failoverState: "failedOver",
        replicationState: 5,
        lastOperation: { method: "RevertFailover", jobState: "Killed" },
      },
      reasons: [error.details],
    });
    expect(error.partial!.properties.__provider).toBe(provider);
  });

  it("refresh returns no id once the collection is gone from the host it was recorded on", async () => {
    await sim.removeCollection(WEB);
    const refreshed = await plugin.read(WEB, {
      collectionId: WEB,
      collectionName: "web-tier",
      hostSystemName: "cluster.json",
      connection,
      __provider: provider,
    });
    expect(refreshed.id).toBe("");
  });

  it("destroy leaves the collection as it is", async () => {
    const before = await sim.calls();
    await plugin.delete(id, outs);
    expect(await sim.calls()).toEqual(before);
    expect(plugin.stdout.at(-1)).toContain(
      "[sql-cluster] removed from the stack; the collection itself is left as it is",
    );
  });

  it("never shows the password: not in outputs, not in anything the plugin printed", async () => {
    const { outs: withPassword } = await plugin.create(
      (await plugin.check({}, program("committed", { connection: { ...connection, password: PASSWORD } })))
        .inputs,
    );
    expect(withPassword.connection).toEqual(connection);
    const everything = [
      JSON.stringify(withPassword),
      JSON.stringify(outs),
      ...plugin.stdout,
      ...plugin.stderr,
      provider,
    ].join("\n");
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain("Pa$$w0rd");
  });
});
