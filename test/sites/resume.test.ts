/**
 * Interrupted moves through the real plugin: a run stopped at each step of a planned move continues from what both
 * hosts show, a job left running is waited for rather than started again, a move stopped midway is cancelled by
 * setting activeSite back, and refusals call nothing.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CimRef } from "../../provider/cim";
import { HyperVSimulator } from "../../provider/simulator";
import type { PluginError } from "../harness/plugin";
import { withoutProvider } from "../harness/plugin";
import type { Rehearsal } from "./support";
import {
  callLines,
  EAST,
  inputs,
  PLANNED_MOVE,
  printed,
  rehearsal,
  sharePlugin,
  siteSummary,
  stepLines,
  WEST,
} from "./support";

sharePlugin();

let r: Rehearsal;
let id: string;
let outs: Record<string, unknown>;

beforeEach(async () => {
  r = await rehearsal();
  const created = await r.plugin.create((await r.plugin.check({}, inputs(r, "east"))).inputs);
  ({ id, outs } = created);
});
afterEach(async () => r?.close());

async function up(activeSite: string, extra: Record<string, unknown> = {}) {
  const checked = await r.plugin.check({}, inputs(r, activeSite, extra));
  return (await r.plugin.update(id, outs, checked.inputs)).outs;
}

/** Runs up expecting a partial failure; keeps its outputs as the stack would. */
async function failingUp(activeSite: string): Promise<PluginError> {
  const error = (await up(activeSite).catch((e: unknown) => e)) as PluginError;
  expect(error.partial).toBeDefined();
  outs = error.partial!.properties;
  return error;
}

describe("a planned move stopped at each step resumes there, repeating no call whose job completed", () => {
  // Stopping the VMs starts no job (a guest shutdown): test/sites/shutdown.test.ts covers a StopVMs that stops.
  it.each([
    ["InitiatePlannedFailover", "InitiatePlannedFailover", 2],
    ["InitiateFailover", "InitiateFailover", 3],
    ["CommitFailover", "CommitFailover", 4],
    ["ReverseReplicationRelationship", "ReverseReplicationRelationship", 5],
  ] as const)("the job of %s fails; the next up starts again from it", async (_name, method, k) => {
    await r.sim.injectFault({
      kind: "jobFails",
      method,
      jobState: 10,
      errorCode: 32768,
      errorDescription: "Simulated failure.",
    });
    const error = await failingUp("west");
    expect(error.details).toContain("Simulated failure.");
    const first = callLines(await r.sim.calls());
    // GetErrorEx is how the provider reads why the job failed.
    expect(first).toEqual([...PLANNED_MOVE.slice(0, k + 1), `${k < 3 ? "east" : "west"}: GetErrorEx -> 0`]);
    expect(withoutProvider(outs).lastChange).toMatchObject({ outcome: "failed", path: "plannedMove" });
    expect(stepLines(outs).at(-1)).toMatch(/ Exception$/);
    expect(withoutProvider(outs).pendingSteps).toEqual(
      [
        "east: StopVMs",
        "east: InitiatePlannedFailover",
        "west: InitiateFailover",
        "west: CommitFailover",
        "west: ReverseReplicationRelationship",
        "west: StartVMs",
      ].slice(k - 1),
    );

    outs = await up("west");
    expect(callLines(await r.sim.calls(), first.length)).toEqual(PLANNED_MOVE.slice(k));
    expect(siteSummary(outs, "west")).toEqual({
      role: "primary",
      replicationStateName: "Replicating",
      vms: ["sql-a=Running", "sql-b=Running"],
    });
    expect(withoutProvider(outs)).toMatchObject({
      runningSite: "west",
      pendingSteps: [],
      lastChange: { outcome: "completed" },
    });
  });

  it("a job left running by an interrupted run is waited for, not started again", async () => {
    // The interrupted run: VMs off, InitiatePlannedFailover called, then the process died while its job ran.
    const east = new HyperVSimulator({ stateFile: r.stateFile, hostName: "east" });
    const session = east.session();
    const powerOffs: CimRef[] = [];
    for (const vm of (await east.collection(EAST))!.members) {
      const { returnValue, outParameters } = await session.invoke(
        { className: "Msvm_ComputerSystem", keys: { CreationClassName: "Msvm_ComputerSystem", Name: vm.id } },
        "RequestStateChange",
        { RequestedState: 3 },
      );
      expect(returnValue).toBe(4096);
      powerOffs.push(outParameters.Job as CimRef);
    }
    // The power-off jobs take 100 ms: the interrupted run had waited for them to complete (JobState 7).
    await vi.waitFor(
      async () => {
        for (const job of powerOffs) expect((await session.get(job))?.properties.JobState).toBe(7);
      },
      { timeout: 10_000, interval: 20 },
    );
    await r.sim.setJobDuration("InitiatePlannedFailover", 1500);
    const service: CimRef = (await session.query("Msvm_CollectionReplicationService")).map((s) => ({
      className: s.className,
      keys: Object.fromEntries(
        ["CreationClassName", "Name", "SystemCreationClassName", "SystemName"].map((k) => [
          k,
          String(s.properties[k]),
        ]),
      ),
    }))[0]!;
    const started = await session.invoke(service, "InitiatePlannedFailover", {
      Collection: { className: "Msvm_VirtualSystemCollection", keys: { CollectionID: EAST } },
    });
    expect(started.returnValue).toBe(4096);
    const before = (await r.sim.calls()).length;

    outs = await up("west");
    expect(callLines(await r.sim.calls(), before)).toEqual(PLANNED_MOVE.slice(3));
    expect(stepLines(outs)[0]).toMatch(/^east: WaitForJob JobType 100 Completed$/);
    expect(withoutProvider(outs)).toMatchObject({ runningSite: "west", pendingSteps: [] });
  });
});

describe("cancel: setting activeSite back mid-move", () => {
  it("after the replica failed over: RevertFailover on west, RevertPlannedFailover on east, VMs started on east", async () => {
    await r.sim.injectFault({
      kind: "jobFails",
      method: "CommitFailover",
      jobState: 10,
      errorCode: 32768,
      errorDescription: "Simulated failure.",
    });
    await failingUp("west");
    const before = (await r.sim.calls()).length;
    outs = await up("east");
    expect(callLines(await r.sim.calls(), before)).toEqual([
      "west: RevertFailover -> 4096",
      "east: RevertPlannedFailover -> 4096",
      "east: RequestStateChange(2) -> 4096",
      "east: RequestStateChange(2) -> 4096",
    ]);
    expect(siteSummary(outs, "east")).toEqual({
      role: "primary",
      replicationStateName: "Replicating",
      vms: ["sql-a=Running", "sql-b=Running"],
    });
    expect(siteSummary(outs, "west")).toEqual({
      role: "replica",
      replicationStateName: "Replicating",
      vms: ["sql-a=Off", "sql-b=Off"],
    });
    expect(withoutProvider(outs).lastChange).toMatchObject({ path: "cancelMove", outcome: "completed" });
  });

  it("after CommitFailover it cannot be cancelled: refused with how to finish, and nothing is called", async () => {
    await r.sim.injectFault({
      kind: "jobFails",
      method: "ReverseReplicationRelationship",
      jobState: 10,
      errorCode: 32768,
      errorDescription: "Simulated failure.",
    });
    await failingUp("west");
    const before = (await r.sim.calls()).length;
    const error = (await up("east").catch((e: unknown) => e)) as PluginError;
    expect(error.details).toContain(
      "Invalid state: the planned move to west has passed CommitFailover on west, which cannot be undone, so it cannot be cancelled",
    );
    expect(error.details).toContain(
      "Set activeSite back to west to finish the move (ReverseReplicationRelationship on west)",
    );
    expect(callLines(await r.sim.calls(), before)).toEqual([]);
  });
});

describe("a call the host refused is not sent again from the read it was planned from", () => {
  it("32775 for InitiatePlannedFailover with both sites unchanged: the run stops with the refusal, and sends it once", async () => {
    await r.sim.injectFault({ kind: "returnCode", method: "InitiatePlannedFailover", code: 32775 });
    const error = (await up("west").catch((e: unknown) => e)) as PluginError;
    expect(error.details).toMatch(
      /^Hyper-V refused the call: InitiatePlannedFailover returned 32775 \(Invalid state for this operation\) /,
    );
    expect(callLines(await r.sim.calls())).toEqual([
      ...PLANNED_MOVE.slice(0, 2),
      "east: InitiatePlannedFailover -> 32775",
    ]);
    expect(
      await printed(
        r.plugin,
        "[east+west] [east] InitiatePlannedFailover returned 32775 (Invalid state); reading both sites again",
        r.from,
      ),
    ).toBe(true);
  });

  it("32774 while neither site shows a job: both sites are read again, and the step is sent again after a pause", async () => {
    await r.sim.injectFault({ kind: "returnCode", method: "InitiatePlannedFailover", code: 32774 });
    outs = await up("west");
    expect(callLines(await r.sim.calls())).toEqual([
      ...PLANNED_MOVE.slice(0, 2),
      "east: InitiatePlannedFailover -> 32774",
      ...PLANNED_MOVE.slice(2),
    ]);
    expect(
      await printed(
        r.plugin,
        "[east+west] [east] InitiatePlannedFailover: the collection is in use (32774) and neither site shows a job; planning again in 2 s",
        r.from,
      ),
    ).toBe(true);
    expect(withoutProvider(outs)).toMatchObject({ runningSite: "west", pendingSteps: [] });
  });
});

describe("refusals call nothing", () => {
  it("invalid input fails check with the property and the fix", async () => {
    const { failures } = await r.plugin.check(
      {},
      {
        ...inputs(r, "north"),
        sites: { east: { collectionId: "not-a-guid" } },
      },
    );
    expect(failures).toEqual([
      {
        property: "sites",
        reason: "has 1 site(s); a replicated collection has exactly two, the primary's and the replica's",
      },
      {
        property: "sites.east.collectionId",
        reason:
          "'not-a-guid' is not a GUID; use the collection's CollectionID on that site (Get-VMGroup there shows it as Id)",
      },
      { property: "activeSite", reason: "'north' is not one of the sites ('east'); set it to one of them" },
    ]);
    expect(await r.sim.calls()).toEqual([]);
  });

  it("refuses the old allowDataLoss: true at check, saying what to set instead, and calls nothing", async () => {
    const checked = await r.plugin.check({}, inputs(r, "west", { allowDataLoss: true }));
    expect(checked.failures).toEqual([
      {
        property: "allowDataLoss",
        reason:
          "true is no longer accepted: a standing allowDataLoss authorized every later loss too. Remove it; when a run would lose data it refuses, calling nothing, and prints the acknowledgeDataLoss value that authorizes that loss only",
      },
    ]);
    expect(await r.sim.calls()).toEqual([]);
  });

  it("an unreachable activeSite is refused, even with an acknowledgement", async () => {
    await r.sim.injectFault({ kind: "unreachable", host: "west", times: "always" });
    const acknowledged = { acknowledgeDataLoss: [`unplanned-failover:${WEST}:2026-01-01T00:00:00Z`] };
    const error = (await up("west", acknowledged).catch((e: unknown) => e)) as PluginError;
    expect(error.details).toMatch(
      /^Invalid state: activeSite west is unreachable \(west \(simulator\) did not answer \(simulated outage\)\), so the VMs cannot be brought up there/,
    );
    expect(await r.sim.calls()).toEqual([]);
  });
});
