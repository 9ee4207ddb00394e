/**
 * The whole cycle through the real plugin on a two-site simulator: a planned move east -> west, the move back, a
 * disaster on east handled with allowDataLoss, reprotect when east returns, and the move back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PluginError } from "../harness/plugin";
import { withoutProvider } from "../harness/plugin";
import type { Rehearsal } from "./support";
import { callLines, inputs, printedSince, rehearsal, siteSummary, stepLines } from "./support";

let r: Rehearsal;
let outs: Record<string, unknown>;
let id: string;

beforeAll(async () => {
  r = await rehearsal();
});
afterAll(async () => r?.close());

const RUNNING = ["sql-a=Running", "sql-b=Running"];
const OFF = ["sql-a=Off", "sql-b=Off"];

async function up(activeSite: string, extra: Record<string, unknown> = {}) {
  const checked = await r.plugin.check({}, inputs(r, activeSite, extra));
  expect(checked.failures).toEqual([]);
  return (await r.plugin.update(id, outs, checked.inputs)).outs;
}

describe("ReplicatedCollection: the whole cycle", () => {
  it("creates on east with nothing to call: east runs the VMs, west replicates", async () => {
    const checked = await r.plugin.check({}, inputs(r, "east"));
    ({ id, outs } = await r.plugin.create(checked.inputs));
    expect(await r.sim.calls()).toEqual([]);
    expect(siteSummary(outs, "east")).toEqual({
      role: "primary",
      replicationStateName: "Replicating",
      vms: RUNNING,
    });
    expect(siteSummary(outs, "west")).toEqual({
      role: "replica",
      replicationStateName: "Replicating",
      vms: OFF,
    });
    expect(withoutProvider(outs)).toMatchObject({ runningSite: "east", pendingSteps: [], lastChange: null });
  });

  it("preview of activeSite west prints the plan, per site, in order, and calls nothing", async () => {
    const before = r.plugin.stdout.length;
    const diff = await r.plugin.diff(id, outs, (await r.plugin.check({}, inputs(r, "west"))).inputs);
    expect(diff).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect((await printedSince(r.plugin, before, 7)).slice(1)).toEqual([
      "  1. east: StopVMs",
      ...["sql-a", "sql-b"].map(
        (vm) =>
          `       VM '${vm}': shut down (guest, Msvm_ShutdownComponent.InitiateShutdown) within 300 s; without a shutdown component, or if the guest does not shut down in time: the run stops before anything irreversible (allowHardPowerOff is false)`,
      ),
      "  2. east: InitiatePlannedFailover",
      "  3. west: InitiateFailover",
      "  4. west: CommitFailover",
      "  5. west: ReverseReplicationRelationship",
      "  6. west: StartVMs",
    ]);
    expect(await r.sim.calls()).toEqual([]);
  });

  it("a planned move to west: the documented sequence, each job waited for", async () => {
    outs = await up("west");
    expect(callLines(await r.sim.calls())).toEqual([
      "east: InitiateShutdown -> 0",
      "east: InitiateShutdown -> 0",
      "east: InitiatePlannedFailover -> 4096",
      "west: InitiateFailover -> 4096",
      "west: CommitFailover -> 4096",
      "west: ReverseReplicationRelationship -> 4096",
      "west: RequestStateChange(2) -> 4096",
      "west: RequestStateChange(2) -> 4096",
    ]);
    expect(siteSummary(outs, "west")).toEqual({
      role: "primary",
      replicationStateName: "Replicating",
      vms: RUNNING,
    });
    expect(siteSummary(outs, "east")).toEqual({
      role: "replica",
      replicationStateName: "Replicating",
      vms: OFF,
    });
    expect(stepLines(outs)).toEqual([
      "east: StopVMs sql-a InitiateShutdown null",
      "east: StopVMs sql-b InitiateShutdown null",
      "east: InitiatePlannedFailover InitiatePlannedFailover Completed",
      "west: InitiateFailover InitiateFailover Completed",
      "west: CommitFailover CommitFailover Completed",
      "west: ReverseReplicationRelationship ReverseReplicationRelationship Completed",
      "west: StartVMs sql-a RequestStateChange Completed",
      "west: StartVMs sql-b RequestStateChange Completed",
    ]);
    expect(withoutProvider(outs)).toMatchObject({
      runningSite: "west",
      pendingSteps: [],
      lastChange: { path: "plannedMove", activeSite: "west", outcome: "completed" },
    });
  });

  it("ReverseReplicationRelationship got the relationship's settings turned around: it replicates to east", async () => {
    const reverse = (await r.sim.calls()).find((c) => c.method === "ReverseReplicationRelationship");
    expect(reverse?.arguments.CollectionReplicationSettingData).toBe(
      '<INSTANCE CLASSNAME="Msvm_CollectionReplicationSettingData">' +
        '<PROPERTY NAME="ReplicationInterval" TYPE="uint16"><VALUE>300</VALUE></PROPERTY>' +
        '<PROPERTY NAME="RecoveryConnectionPoint" TYPE="string"><VALUE>east-broker</VALUE></PROPERTY>' +
        '<PROPERTY NAME="PrimaryConnectionPoint" TYPE="string"><VALUE>west-broker</VALUE></PROPERTY>' +
        '<PROPERTY NAME="RecoveryServerPortNumber" TYPE="uint16"><VALUE>80</VALUE></PROPERTY>' +
        '<PROPERTY NAME="AuthenticationType" TYPE="uint16"><VALUE>1</VALUE></PROPERTY>' +
        '<PROPERTY NAME="CompressionEnabled" TYPE="boolean"><VALUE>true</VALUE></PROPERTY>' +
        '<PROPERTY NAME="InstanceID" TYPE="string"><VALUE>Microsoft:0d9e8f7a-6b5c-4d3e-2f1a-0b9c8d7e6f5a\\Replication</VALUE></PROPERTY>' +
        "</INSTANCE>",
    );
  });

  it("the move back to east is the same sequence the other way", async () => {
    const from = (await r.sim.calls()).length;
    outs = await up("east");
    expect(callLines(await r.sim.calls(), from)).toEqual([
      "west: InitiateShutdown -> 0",
      "west: InitiateShutdown -> 0",
      "west: InitiatePlannedFailover -> 4096",
      "east: InitiateFailover -> 4096",
      "east: CommitFailover -> 4096",
      "east: ReverseReplicationRelationship -> 4096",
      "east: RequestStateChange(2) -> 4096",
      "east: RequestStateChange(2) -> 4096",
    ]);
    expect(siteSummary(outs, "east")).toEqual({
      role: "primary",
      replicationStateName: "Replicating",
      vms: RUNNING,
    });
    expect(siteSummary(outs, "west")).toEqual({
      role: "replica",
      replicationStateName: "Replicating",
      vms: OFF,
    });
  });

  it("east is lost: moving to west is refused without allowDataLoss, with the data-loss window, and calls nothing", async () => {
    await r.sim.injectFault({ kind: "unreachable", host: "east", times: "always" });
    const from = (await r.sim.calls()).length;
    const error = (await up("west").catch((e: unknown) => e)) as PluginError;
    expect(error.details).toMatch(
      /^Invalid state: east is unreachable \(east \(simulator\) did not answer \(simulated outage\)\); failing over to west now loses data: the newest recovery point on west is from \S+, so up to \d+ minute\(s\) of changes made after it are lost .*Set allowDataLoss: true to fail over anyway/,
    );
    expect(callLines(await r.sim.calls(), from)).toEqual([]);
  });

  it("with allowDataLoss: an unplanned failover on west, committed, VMs started", async () => {
    const from = (await r.sim.calls()).length;
    outs = await up("west", { allowDataLoss: true });
    expect(callLines(await r.sim.calls(), from)).toEqual([
      "west: InitiateFailover -> 4096",
      "west: CommitFailover -> 4096",
      "west: RequestStateChange(2) -> 4096",
      "west: RequestStateChange(2) -> 4096",
    ]);
    expect(siteSummary(outs, "west")).toEqual({
      role: "replica",
      replicationStateName: "Committed",
      vms: RUNNING,
    });
    expect(siteSummary(outs, "east")).toEqual({ role: "unreachable", replicationStateName: null, vms: [] });
    expect(withoutProvider(outs)).toMatchObject({
      runningSite: "west",
      pendingSteps: [],
      lastChange: { path: "unplannedFailover", outcome: "completed" },
    });
  });

  it("east returns: refresh shows the reprotect to do, and up does it before anything else", async () => {
    await r.sim.clearFaults();
    const refreshed = await r.plugin.read(id, outs);
    outs = refreshed.props!;
    expect(withoutProvider(outs).pendingSteps).toEqual([
      "east: StopVMs",
      "east: PrepareForReverseReplication",
      "west: ReverseReplicationRelationship",
    ]);
    const diff = await r.plugin.diff(
      id,
      outs,
      (await r.plugin.check({}, inputs(r, "west", { allowDataLoss: true }))).inputs,
    );
    expect(diff.changes).toBe(true);
    const from = (await r.sim.calls()).length;
    outs = await up("west", { allowDataLoss: true });
    expect(callLines(await r.sim.calls(), from)).toEqual([
      "east: InitiateShutdown -> 0",
      "east: InitiateShutdown -> 0",
      "east: PrepareForReverseReplication -> 4096",
      "west: ReverseReplicationRelationship -> 4096",
    ]);
    expect(siteSummary(outs, "west")).toEqual({
      role: "primary",
      replicationStateName: "Replicating",
      vms: RUNNING,
    });
    expect(siteSummary(outs, "east")).toEqual({
      role: "replica",
      replicationStateName: "Replicating",
      vms: OFF,
    });
    expect(withoutProvider(outs)).toMatchObject({ pendingSteps: [], lastChange: { path: "reprotect" } });
  });

  it("and the move back to east is a planned move again, with no data loss allowed", async () => {
    const from = (await r.sim.calls()).length;
    outs = await up("east");
    expect(callLines(await r.sim.calls(), from)).toEqual([
      "west: InitiateShutdown -> 0",
      "west: InitiateShutdown -> 0",
      "west: InitiatePlannedFailover -> 4096",
      "east: InitiateFailover -> 4096",
      "east: CommitFailover -> 4096",
      "east: ReverseReplicationRelationship -> 4096",
      "east: RequestStateChange(2) -> 4096",
      "east: RequestStateChange(2) -> 4096",
    ]);
    expect(withoutProvider(outs)).toMatchObject({
      runningSite: "east",
      pendingSteps: [],
      lastChange: { path: "plannedMove" },
    });
  });
});
