/**
 * The whole cycle through the real plugin on a two-site simulator: a planned move east -> west, the move back, a
 * disaster on east handled with the acknowledgement its refusal prints, reprotect when east returns with its VMs still
 * running (a split brain, acknowledged the same way), and the move back.
 */
import { describeAction } from "../../provider/failover/sites/stepWords";
import type { Report } from "../../provider/runtime/report";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { PluginError } from "../harness/plugin";
import { withoutProvider } from "../harness/plugin";
import type { Rehearsal } from "./support";
import { parseCimDateTime } from "../../provider/cim";
import { HyperVSimulator } from "../../provider/simulator";
import {
  callLines,
  EAST,
  inputs,
  PLANNED_MOVE,
  printedSince,
  rehearsal,
  sharePlugin,
  siteSummary,
  stepLines,
  WEST,
} from "./support";

sharePlugin();

let r: Rehearsal;
let outs: Record<string, unknown>;
let id: string;
/** The values the refusals print, as an operator copies them into the program. */
let UNPLANNED: string;
let SPLIT: string;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

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
      `  1. east: ${describeAction("StopVMs")}`,
      ...["sql-a", "sql-b"].map(
        (vm) =>
          `       VM '${vm}': shut down (guest, Msvm_ShutdownComponent.InitiateShutdown) within 300 s; without a shutdown component, or if the guest does not shut down in time: the run stops before anything irreversible (allowHardPowerOff is false)`,
      ),
      `  2. east: ${describeAction("InitiatePlannedFailover")}`,
      `  3. west: ${describeAction("InitiateFailover")}`,
      `  4. west: ${describeAction("CommitFailover")}`,
      `  5. west: ${describeAction("ReverseReplicationRelationship")}`,
      `  6. west: ${describeAction("StartVMs")}`,
    ]);
    expect(await r.sim.calls()).toEqual([]);
  });

  it("a planned move to west: the documented sequence, each job waited for", async () => {
    outs = await up("west");
    expect(callLines(await r.sim.calls())).toEqual(PLANNED_MOVE);
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

  it("its report shows both sites as the run's closing reads found them, and reads neither again", async () => {
    const report = withoutProvider(outs).lastReport as Report;
    expect(report).toMatchObject({ action: "move to west", outcome: "succeeded" });
    const summary = (s: Report["after"][number]) => [
      s.site,
      s.replicationState,
      s.recovers,
      s.virtualMachines.map((vm) => `${vm.name}=${vm.state}`),
    ];
    expect(report.after.map(summary)).toEqual([
      ["east", "Replicating", false, OFF],
      ["west", "Replicating", true, RUNNING],
    ]);
    // After the last call, only the closing round: on each site the collection, its jobs, the collection again (no
    // job running), its VMs and its recovery points.
    const lastCall = (await r.sim.calls()).at(-1)!.at;
    const reads = (await r.sim.reads()).filter(
      (read) => read.at > lastCall && read.className !== "Msvm_ConcreteJob",
    );
    const site = [
      "get Msvm_VirtualSystemCollection",
      "associators Msvm_VirtualSystemCollection",
      "get Msvm_VirtualSystemCollection",
      "associators Msvm_VirtualSystemCollection",
      "query Msvm_CollectionRecoveryPoint",
    ];
    expect(reads.map((read) => `${read.op} ${read.className}`)).toEqual([...site, ...site]);
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

  it("east is lost: moving to west is refused, naming what would be lost and the value to set, and calls nothing", async () => {
    await r.sim.injectFault({ kind: "unreachable", host: "east", times: "always" });
    const points = await r.sim.recoveryPoints(WEST);
    const newest = iso(Math.max(...points.map((p) => parseCimDateTime(p.creationTime)!)));
    UNPLANNED = `unplanned-failover:${WEST}:${newest}`;
    const from = (await r.sim.calls()).length;
    const error = (await up("west").catch((e: unknown) => e)) as PluginError;
    expect(error.details).toMatch(
      new RegExp(
        `^Data loss not acknowledged: east is unreachable \\(east \\(simulator\\) did not answer \\(simulated outage\\)\\); failing over to west \\(unplanned\\): the recovery point is from ${newest}, so up to \\d+ min of changes made after it are lost \\[collection 'east\\+west'\\]\\. Nothing was called\\. To accept this loss, and only it, set acknowledgeDataLoss: \\["${UNPLANNED}"\\]`,
      ),
    );
    expect(callLines(await r.sim.calls(), from)).toEqual([]);
  });

  it("with the printed value: an unplanned failover on west, VMs started, not committed", async () => {
    const from = (await r.sim.calls()).length;
    outs = await up("west", { acknowledgeDataLoss: [UNPLANNED] });
    expect(callLines(await r.sim.calls(), from)).toEqual([
      "west: InitiateFailover -> 4096",
      "west: RequestStateChange(2) -> 4096",
      "west: RequestStateChange(2) -> 4096",
    ]);
    expect(siteSummary(outs, "west")).toEqual({
      role: "replica",
      replicationStateName: "Recovered",
      vms: RUNNING,
    });
    expect(siteSummary(outs, "east")).toEqual({ role: "unreachable", replicationStateName: null, vms: [] });
    expect(withoutProvider(outs)).toMatchObject({
      runningSite: "west",
      pendingSteps: [],
      lastChange: { path: "unplannedFailover", outcome: "completed" },
    });
  });

  it("east returns with its VMs still running (split brain): reprotect is refused until that loss is acknowledged too", async () => {
    await r.sim.clearFaults();
    const refreshed = await r.plugin.read(id, outs);
    outs = refreshed.props!;
    const westHost = new HyperVSimulator({ stateFile: r.stateFile, hostName: "west" });
    const applied = await westHost.session().get({
      className: "Msvm_VirtualSystemCollection",
      keys: { CollectionID: WEST },
    });
    const failedOverTo = iso(parseCimDateTime(applied!.properties.LastApplyTime)!);
    expect(`unplanned-failover:${WEST}:${failedOverTo}`).toBe(UNPLANNED);
    SPLIT = `split-brain:${EAST}:${failedOverTo}`;
    expect(withoutProvider(outs).pendingSteps).toEqual([
      expect.stringMatching(
        new RegExp(
          `^refused: east's VMs ran after the other site failed over \\(split brain: both sites wrote\\), and reprotecting east discards what they wrote after ${failedOverTo}: 'sql-a' running since .*acknowledgeDataLoss: \\["${SPLIT}"\\]`,
        ),
      ),
    ]);
    const from = (await r.sim.calls()).length;
    const error = (await up("west", { acknowledgeDataLoss: [UNPLANNED] }).catch(
      (e: unknown) => e,
    )) as PluginError;
    expect(error.details).toMatch(
      /^Data loss not acknowledged: east's VMs ran after the other site failed over/,
    );
    expect(error.details).toContain(`set acknowledgeDataLoss: ["${SPLIT}"]`);
    expect(callLines(await r.sim.calls(), from)).toEqual([]);
  });

  it("with both values: east's VMs off, west committed, east prepared, west reversed", async () => {
    const acknowledged = { acknowledgeDataLoss: [UNPLANNED, SPLIT] };
    const before = r.plugin.stdout.length;
    const diff = await r.plugin.diff(
      id,
      outs,
      (await r.plugin.check({}, inputs(r, "west", acknowledged))).inputs,
    );
    expect(diff.changes).toBe(true);
    // The plugin's stdout arrives on its own pipe, possibly just after the gRPC reply.
    await vi.waitFor(() =>
      expect(r.plugin.stdout.slice(before)).toEqual(
        expect.arrayContaining([
          "[east+west] activeSite west: plan from both hosts now, because what it would lose depends on how long VMs ran:",
          `  1. east: ${describeAction("StopVMs")}`,
          `  2. west: ${describeAction("CommitFailover")}`,
          `  3. east: ${describeAction("PrepareForReverseReplication")}`,
          `  4. west: ${describeAction("ReverseReplicationRelationship")}`,
          expect.stringMatching(new RegExp(`^\\[east\\+west\\] data loss acknowledged \\(${SPLIT}\\): `)),
        ]),
      ),
    );
    const from = (await r.sim.calls()).length;
    outs = await up("west", acknowledged);
    expect(callLines(await r.sim.calls(), from)).toEqual([
      "east: InitiateShutdown -> 0",
      "east: InitiateShutdown -> 0",
      "west: CommitFailover -> 4096",
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
    expect(withoutProvider(outs)).toMatchObject({
      pendingSteps: [],
      lastChange: { path: "unplannedFailover" },
    });
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
