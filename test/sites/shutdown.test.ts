/**
 * StopVMs through the real plugin on a two-site simulator: each guest is shut down through Msvm_ShutdownComponent
 * (root/virtualization/v2), and a VM is powered off hard (RequestStateChange 3) only with allowHardPowerOff. A guest
 * that never shuts down, or a VM without a shutdown component, stops the move before anything irreversible.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { MethodCall } from "../../provider/simulator";
import type { PluginError } from "../harness/plugin";
import { withoutProvider } from "../harness/plugin";
import type { Rehearsal } from "./support";
import {
  acknowledgementIn,
  callLines,
  EAST,
  inputs,
  rehearsal,
  sharePlugin,
  siteSummary,
  stepLines,
} from "./support";

sharePlugin();

let r: Rehearsal;
let id: string;
let outs: Record<string, unknown>;
let vmIds: Record<string, string>;

beforeEach(async () => {
  r = await rehearsal();
  ({ id, outs } = await r.plugin.create((await r.plugin.check({}, inputs(r, "east"))).inputs));
  const east = await r.sim.collection(EAST);
  vmIds = Object.fromEntries(east!.members.map((m) => [m.name, m.id]));
});
afterEach(async () => r?.close());

const RUNNING = ["sql-a=Running", "sql-b=Running"];
const OFF = ["sql-a=Off", "sql-b=Off"];
const REASON = "Hyper-V Replica: the VM group is moving to its other site (pulumi-hyperv-replica)";
const MOVE = [
  "east: InitiatePlannedFailover -> 4096",
  "west: InitiateFailover -> 4096",
  "west: CommitFailover -> 4096",
  "west: ReverseReplicationRelationship -> 4096",
  "west: RequestStateChange(2) -> 4096",
  "west: RequestStateChange(2) -> 4096",
];

async function up(activeSite: string, extra: Record<string, unknown> = {}) {
  const checked = await r.plugin.check({}, inputs(r, activeSite, extra));
  expect(checked.failures).toEqual([]);
  return (await r.plugin.update(id, outs, checked.inputs)).outs;
}

async function refusedUp(activeSite: string, extra: Record<string, unknown> = {}): Promise<PluginError> {
  const error = (await up(activeSite, extra).catch((e: unknown) => e)) as PluginError;
  expect(error.details).toBeDefined();
  if (error.partial) outs = error.partial.properties;
  return error;
}

/** The call the host received for one guest shutdown, as the simulator logs it. */
function shutdownCall(vm: string, returnValue: number): MethodCall {
  const vmId = vmIds[vm]!;
  return {
    at: expect.any(Number) as number,
    host: "east",
    namespace: "root/virtualization/v2",
    className: "Msvm_ShutdownComponent",
    method: "InitiateShutdown",
    arguments: { Force: false, Reason: REASON },
    returnValue,
    collectionId: EAST,
    vmId,
  };
}

/** What the plugin logged since `from`, for one site. */
const logged = (from: number, site: string) =>
  r.plugin.stdout.slice(from).filter((l) => l.startsWith(`[east+west] [${site}] `));

describe("a planned move shuts the primary's guests down", () => {
  it("through Msvm_ShutdownComponent.InitiateShutdown, waiting for Off, then moves; RequestStateChange(3) is never called", async () => {
    const from = r.plugin.stdout.length;
    outs = await up("west");
    const calls = await r.sim.calls();
    expect(calls.slice(0, 2)).toEqual([shutdownCall("sql-a", 0), shutdownCall("sql-b", 0)]);
    expect(callLines(calls)).toEqual(["east: InitiateShutdown -> 0", "east: InitiateShutdown -> 0", ...MOVE]);
    expect(stepLines(outs).slice(0, 2)).toEqual([
      "east: StopVMs sql-a InitiateShutdown null",
      "east: StopVMs sql-b InitiateShutdown null",
    ]);
    // The plugin's stdout arrives on its own pipe, possibly just after the gRPC reply.
    await vi.waitFor(() =>
      expect(logged(from, "east").slice(0, 5)).toEqual([
        "[east+west] [east] shut down the member VMs (source of this step's place: Microsoft's per-VM docs)",
        "[east+west] [east] VM 'sql-a': shut down (guest, Msvm_ShutdownComponent.InitiateShutdown)",
        "[east+west] [east] VM 'sql-b': shut down (guest, Msvm_ShutdownComponent.InitiateShutdown)",
        "[east+west] [east] VM 'sql-a': the guest has shut down (Off)",
        "[east+west] [east] VM 'sql-b': the guest has shut down (Off)",
      ]),
    );
    expect(siteSummary(outs, "west")).toMatchObject({ role: "primary", vms: RUNNING });
    expect(withoutProvider(outs)).toMatchObject({
      runningSite: "west",
      shutdownTimeoutSeconds: 300,
      allowHardPowerOff: false,
    });
  });
});

describe("a guest that never shuts down", () => {
  beforeEach(async () => r.sim.setGuestShutdown(EAST, "sql-b", "neverShutsDown"));

  it("without allowHardPowerOff: the move is refused naming the VM, and the VM that shut down is started again", async () => {
    const error = await refusedUp("west", { shutdownTimeoutSeconds: 1 });
    expect(error.details).toBe(
      "Invalid state: StopVMs on east was refused, and nothing after it was called: VM 'sql-b': its guest did not shut down within shutdownTimeoutSeconds (1), and read again then it was Running (2); 'sql-a' had shut down and was started again, so the group runs on east as before [collection 'sql-cluster', host east (simulator)]. " +
        "Shut those guests down from inside (or find what holds them up), raise shutdownTimeoutSeconds (now 1), or set allowHardPowerOff: true to power such VMs off (RequestStateChange 3), which loses what their guests have not written to disk",
    );
    const calls = await r.sim.calls();
    expect(calls.slice(0, 2)).toEqual([shutdownCall("sql-a", 0), shutdownCall("sql-b", 0)]);
    expect(callLines(calls)).toEqual([
      "east: InitiateShutdown -> 0",
      "east: InitiateShutdown -> 0",
      "east: RequestStateChange(2) -> 4096",
    ]);
    expect(calls[2]?.vmId).toBe(vmIds["sql-a"]);
    expect(stepLines(outs)).toEqual([
      "east: StopVMs sql-a InitiateShutdown null",
      "east: StartVMs sql-a RequestStateChange Completed",
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
    expect(withoutProvider(outs)).toMatchObject({
      runningSite: "east",
      lastChange: { path: "plannedMove", outcome: "failed" },
    });
  });

  it("with allowHardPowerOff: powered off hard after the timeout, said in the log, and the move goes on", async () => {
    const from = r.plugin.stdout.length;
    outs = await up("west", { shutdownTimeoutSeconds: 1, allowHardPowerOff: true });
    const calls = await r.sim.calls();
    expect(callLines(calls)).toEqual([
      "east: InitiateShutdown -> 0",
      "east: InitiateShutdown -> 0",
      "east: RequestStateChange(3) -> 4096",
      ...MOVE,
    ]);
    expect(calls[2]).toMatchObject({ vmId: vmIds["sql-b"], arguments: { RequestedState: 3 } });
    await vi.waitFor(() =>
      expect(logged(from, "east")).toContain(
        "[east+west] [east] VM 'sql-b': power off (hard, RequestStateChange 3): its guest did not shut down within shutdownTimeoutSeconds (1), and read again then it was Running (2); allowHardPowerOff is true",
      ),
    );
    expect(stepLines(outs).slice(0, 3)).toEqual([
      "east: StopVMs sql-a InitiateShutdown null",
      "east: StopVMs sql-b RequestStateChange Completed",
      "east: InitiatePlannedFailover InitiatePlannedFailover Completed",
    ]);
    expect(withoutProvider(outs)).toMatchObject({ runningSite: "west", pendingSteps: [] });
  });
});

describe("a stop that fails part-way for another reason than a refusal", () => {
  it("the hard power off's job fails: the VM that shut down is started again, and the message says where each VM is", async () => {
    await r.sim.setGuestShutdown(EAST, "sql-b", "neverShutsDown");
    await r.sim.injectFault({
      kind: "jobFails",
      method: "RequestStateChange",
      jobState: 10,
      errorCode: 32768,
      errorDescription: "The virtual machine could not be turned off",
    });
    const error = await refusedUp("west", { shutdownTimeoutSeconds: 1, allowHardPowerOff: true });
    const hardOff = (await r.sim.jobs()).find((j) => j.method === "RequestStateChange");
    expect(error.details).toBe(
      "StopVMs on east stopped part-way, and nothing after it was called: 'sql-a' had shut down and was started again; 'sql-b' is Running (2) on east; its guest may have been asked to shut down, which cannot be called back: check it (Get-VM) and start it if it goes Off. " +
        `What stopped it: Hyper-V job failed: job ${hardOff?.instanceId} ended Exception (10) with ErrorCode 32768: The virtual machine could not be turned off [collection 'sql-cluster', method RequestStateChange(3) on VM 'sql-b', host east (simulator)]. Refresh the stack to see the collection's state; the Hyper-V-VMMS-Admin event log on the host has the details`,
    );
    const calls = await r.sim.calls();
    expect(callLines(calls)).toEqual([
      "east: InitiateShutdown -> 0",
      "east: InitiateShutdown -> 0",
      "east: RequestStateChange(3) -> 4096",
      "east: GetErrorEx -> 0",
      "east: RequestStateChange(2) -> 4096",
    ]);
    expect([calls[2]?.vmId, calls[4]?.vmId]).toEqual([vmIds["sql-b"], vmIds["sql-a"]]);
    expect(stepLines(outs)).toEqual([
      "east: StopVMs sql-a InitiateShutdown null",
      "east: StopVMs sql-b RequestStateChange Exception",
      "east: StartVMs sql-a RequestStateChange Completed",
    ]);
    // The partial failure records both sites as read again: the group has not moved and runs on east.
    expect(siteSummary(outs, "east")).toEqual({
      role: "primary",
      replicationStateName: "Replicating",
      vms: RUNNING,
    });
    expect(siteSummary(outs, "west")).toMatchObject({ role: "replica", vms: OFF });
    expect(withoutProvider(outs)).toMatchObject({
      runningSite: "east",
      lastChange: { path: "plannedMove", outcome: "failed" },
    });
  });
});

describe("a VM without a shutdown component", () => {
  beforeEach(async () => r.sim.setGuestShutdown(EAST, "sql-a", "noComponent"));

  it("without allowHardPowerOff: refused before any call, naming the VM and what to set", async () => {
    const error = await refusedUp("west");
    expect(error.details).toBe(
      "Invalid state: a guest shutdown (Msvm_ShutdownComponent.InitiateShutdown) is not possible for VM 'sql-a': east (simulator) shows no Msvm_ShutdownComponent for it in root\\virtualization\\v2 (its Shutdown integration service is off, or it runs on another node of the cluster); nothing was turned off [collection 'sql-cluster', host east (simulator)]. " +
        "Enable the Shutdown integration service in those VMs (Enable-VMIntegrationService -Name Shutdown), start any that are Saved or Paused, or connect to the node that runs them, or set allowHardPowerOff: true to power such VMs off (RequestStateChange 3), which loses what their guests have not written to disk",
    );
    expect(await r.sim.calls()).toEqual([]);
  });

  it("with allowHardPowerOff: the other guest shuts down, this VM is powered off hard, and the log says which", async () => {
    const from = r.plugin.stdout.length;
    outs = await up("west", { allowHardPowerOff: true });
    const calls = await r.sim.calls();
    expect(calls[0]).toEqual(shutdownCall("sql-b", 0));
    expect(callLines(calls)).toEqual([
      "east: InitiateShutdown -> 0",
      "east: RequestStateChange(3) -> 4096",
      ...MOVE,
    ]);
    expect(calls[1]).toMatchObject({ vmId: vmIds["sql-a"], arguments: { RequestedState: 3 } });
    await vi.waitFor(() =>
      expect(logged(from, "east").slice(1, 3)).toEqual([
        "[east+west] [east] VM 'sql-a': power off (hard, RequestStateChange 3): east (simulator) shows no Msvm_ShutdownComponent for it in root\\virtualization\\v2 (its Shutdown integration service is off, or it runs on another node of the cluster)",
        "[east+west] [east] VM 'sql-b': shut down (guest, Msvm_ShutdownComponent.InitiateShutdown)",
      ]),
    );
    expect(withoutProvider(outs)).toMatchObject({ runningSite: "west", pendingSteps: [] });
  });
});

describe("after a disaster, the returning site's old copies", () => {
  it("a guest that never shuts down stops the reprotect; the copies already shut down stay off, as west runs the group", async () => {
    await r.sim.injectFault({ kind: "unreachable", host: "east", times: "always" });
    // The unplanned failover and then the split brain are each acknowledged as their refusals ask.
    const failover = {
      acknowledgeDataLoss: [acknowledgementIn(await refusedUp("west"))],
      commitFailover: true,
    };
    outs = await up("west", failover);
    await r.sim.clearFaults();
    await r.sim.setGuestShutdown(EAST, "sql-b", "neverShutsDown");
    const from = (await r.sim.calls()).length;
    const splitBrain = acknowledgementIn(await refusedUp("west", failover));
    const error = await refusedUp("west", {
      ...failover,
      acknowledgeDataLoss: [...failover.acknowledgeDataLoss, splitBrain],
      shutdownTimeoutSeconds: 1,
    });
    expect(error.details).toMatch(
      /^Invalid state: StopVMs on east was refused, and nothing after it was called: VM 'sql-b': its guest did not shut down within shutdownTimeoutSeconds \(1\), and read again then it was Running \(2\); 'sql-a' had shut down and stay off, as west runs the group /,
    );
    expect(callLines(await r.sim.calls(), from)).toEqual([
      "east: InitiateShutdown -> 0",
      "east: InitiateShutdown -> 0",
    ]);
    expect(siteSummary(outs, "east")).toEqual({
      role: "primary",
      replicationStateName: "Replicating",
      vms: ["sql-a=Off", "sql-b=Running"],
    });
    expect(siteSummary(outs, "west")).toMatchObject({ replicationStateName: "Committed", vms: RUNNING });
  });
});

describe("the inputs", () => {
  it("are checked before anything is called, naming the property and the fix", async () => {
    const { failures } = await r.plugin.check(
      {},
      inputs(r, "west", { shutdownTimeoutSeconds: 0, allowHardPowerOff: "yes" }),
    );
    expect(failures).toEqual([
      { property: "allowHardPowerOff", reason: "must be true or false, got 'yes'" },
      {
        property: "shutdownTimeoutSeconds",
        reason:
          "0 is not a whole number from 1 to 86400; it bounds the wait for each guest to shut down before the VMs are moved (default 300)",
      },
    ]);
    expect(await r.sim.calls()).toEqual([]);
  });

  it("a stack recorded before they existed sees no change while they stay at their defaults", async () => {
    const { shutdownTimeoutSeconds, allowHardPowerOff, ...recorded } = outs;
    expect([shutdownTimeoutSeconds, allowHardPowerOff]).toEqual([300, false]);
    const news = (await r.plugin.check({}, inputs(r, "east"))).inputs;
    expect(await r.plugin.diff(id, recorded, news)).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    const slower = (await r.plugin.check({}, inputs(r, "east", { shutdownTimeoutSeconds: 900 }))).inputs;
    expect((await r.plugin.diff(id, recorded, slower)).changes).toBe(true);
  });

  it("preview says, per VM, how StopVMs turns it off", async () => {
    await r.sim.setVmState(EAST, "sql-b", 6);
    outs = (await r.plugin.read(id, outs)).props!;
    const before = r.plugin.stdout.length;
    const news = (await r.plugin.check({}, inputs(r, "west", { allowHardPowerOff: true }))).inputs;
    await r.plugin.diff(id, outs, news);
    await vi.waitFor(() =>
      expect(r.plugin.stdout.slice(before + 1, before + 4)).toEqual([
        "  1. east: shut down the member VMs",
        "       VM 'sql-a': shut down (guest, Msvm_ShutdownComponent.InitiateShutdown) within 300 s; without a shutdown component, or if the guest does not shut down in time: power off (hard, RequestStateChange 3) (allowHardPowerOff is true)",
        "       VM 'sql-b': power off (hard, RequestStateChange 3): it is Saved (6), so its guest cannot be asked",
      ]),
    );
    expect(await r.sim.calls()).toEqual([]);
  });
});
