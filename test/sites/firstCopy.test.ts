/**
 * After ReverseReplicationRelationship the new primary sends its first copy (ReplicationState 1 or 2) before it
 * replicates: through the real plugin, the run waits for that job, a primary still in 2 is settled, and a move back
 * waits for it rather than failing over.
 */
import { afterEach, describe, expect, it } from "vitest";
import { withoutProvider } from "../harness/plugin";
import { moveWest, PLANNED, until } from "./reverseSupport";
import type { Rehearsal } from "./support";
import { callLines, EAST, inputs, rehearsal, sharePlugin, siteSummary, stepLines, WEST } from "./support";

sharePlugin();

let r: Rehearsal | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

describe("after the reverse the new primary sends its first copy (ReplicationState 1 or 2) before it replicates", () => {
  it("the run waits for that job without calling anything again, then starts west's VMs", async () => {
    r = await rehearsal();
    await r.sim.setJobDuration("StartReplication", 3000);
    const { error, outs } = await moveWest(r);
    expect(error).toBeUndefined();
    expect(callLines(await r.sim.calls())).toEqual(PLANNED);
    expect(stepLines(outs ?? {})).toEqual([
      "east: StopVMs sql-a InitiateShutdown null",
      "east: StopVMs sql-b InitiateShutdown null",
      "east: InitiatePlannedFailover InitiatePlannedFailover Completed",
      "west: InitiateFailover InitiateFailover Completed",
      "west: CommitFailover CommitFailover Completed",
      "west: ReverseReplicationRelationship ReverseReplicationRelationship Completed",
      "west: WaitForJob JobType 94 Completed",
      "west: StartVMs sql-a RequestStateChange Completed",
      "west: StartVMs sql-b RequestStateChange Completed",
    ]);
    expect(siteSummary(outs ?? {}, "west")).toEqual({
      role: "primary",
      replicationStateName: "Replicating",
      vms: ["sql-a=Running", "sql-b=Running"],
    });
  });

  it("a new primary still in 2 with no job to follow is settled: its VMs are started, nothing else", async () => {
    r = await rehearsal();
    await r.sim.setCollection(WEST, { replicationMode: 1, replicationState: 2 });
    await r.sim.setCollection(EAST, { replicationMode: 2, replicationState: 2 });
    for (const vm of ["sql-a", "sql-b"]) await r.sim.setVmState(EAST, vm, 3);
    const created = await r.plugin.create((await r.plugin.check({}, inputs(r, "west"))).inputs);
    expect(callLines(await r.sim.calls())).toEqual([
      "west: RequestStateChange(2) -> 4096",
      "west: RequestStateChange(2) -> 4096",
    ]);
    expect(withoutProvider(created.outs)).toMatchObject({ runningSite: "west", pendingSteps: [] });
  });

  it("moving back to east meanwhile waits for west to replicate, never failing over, then is a planned move", async () => {
    r = await rehearsal();
    const rh = r;
    const moved = await moveWest(rh);
    // The move is done; west shows its first copy under way with no job to follow.
    await rh.sim.setCollection(WEST, { replicationState: 2 });
    const from = (await rh.sim.calls()).length;
    const created = { id: moved.id, outs: moved.outs ?? {} };
    const readsBefore = (await rh.sim.reads()).length;
    const checked = await rh.plugin.check({}, inputs(rh, "east"));
    const moving = rh.plugin.update(created.id, created.outs, checked.inputs);
    // Two rounds of reading both sites at least: the planner has seen west in 2 and chose to wait.
    await until(async () => (await rh.sim.reads()).length > readsBefore + 30);
    expect(callLines(await rh.sim.calls(), from)).toEqual([]);
    await rh.sim.setCollection(WEST, { replicationState: 3 });
    const outs = (await moving).outs;
    expect(callLines(await rh.sim.calls(), from)).toEqual([
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
      lastChange: { path: "plannedMove", outcome: "completed" },
    });
  });
});
