/**
 * ReplicatedCollection's data-loss and commit rules through the real plugin, on the states a real disaster leaves:
 * an unplanned failover to a chosen recovery point that is not committed until the program says so, a selector that
 * matches no point, a stray failover whose VMs ran for hours, a replica failed over before the primary was prepared
 * for a planned move, and the disaster's value left in the program when the new primary resynchronizes.
 */
import { afterEach, describe, expect, it } from "vitest";
import { parseCimDateTime } from "../../provider/cim";
import { HyperVSimulator } from "../../provider/simulator";
import type { PluginError } from "../harness/plugin";
import type { Rehearsal } from "./support";
import { callLines, EAST, inputs, rehearsal, sharePlugin, siteSummary, WEST } from "./support";

sharePlugin();

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

let r: Rehearsal | undefined;
afterEach(async () => {
  await r?.close();
  r = undefined;
});

/** A pair on the plugin, created with activeSite east (nothing called), and a simulator on the west host. */
async function pair() {
  r = await rehearsal();
  const checked = await r.plugin.check({}, inputs(r, "east"));
  const created = await r.plugin.create(checked.inputs);
  const west = new HyperVSimulator({ stateFile: r.stateFile, hostName: "west" });
  const state = { id: created.id, outs: created.outs };
  const up = async (activeSite: string, extra: Record<string, unknown> = {}) => {
    const next = await r!.plugin.check({}, inputs(r!, activeSite, extra));
    expect(next.failures).toEqual([]);
    state.outs = (await r!.plugin.update(state.id, state.outs, next.inputs)).outs;
    return state.outs;
  };
  return { r, west, state, up };
}

describe("an unplanned failover to a chosen recovery point", () => {
  it("fails over to that point and starts the VMs, commits only with commitFailover, and refuses a selector that matches none", async () => {
    const { r, west, up } = await pair();
    await r.sim.injectFault({ kind: "unreachable", host: "east", times: "always" });
    const points = (await west.recoveryPoints(WEST)).map((p) => ({
      ...p,
      at: parseCimDateTime(p.creationTime)!,
    }));
    const [older, newer] = points.sort((a, b) => a.at - b.at);

    const none = (await up("west", { recoveryPoint: "before:2000-01-01" }).catch(
      (e: unknown) => e,
    )) as PluginError;
    expect(none.details).toMatch(
      /^Invalid state: recoveryPoint selects no recovery point on west, so there is nothing to fail over to \[collection 'east\+west'\]\. Nothing was called\./,
    );
    expect(await r.sim.calls()).toEqual([]);

    const chosen = { recoveryPoint: `before:${iso(newer!.at)}` };
    const refused = (await up("west", chosen).catch((e: unknown) => e)) as PluginError;
    const token = `unplanned-failover:${WEST}:${iso(older!.at)}`;
    expect(refused.details).toContain(
      `failing over to west (unplanned): the recovery point is from ${iso(older!.at)}`,
    );
    expect(refused.details).toContain(`set acknowledgeDataLoss: ["${token}"]`);
    expect(await r.sim.calls()).toEqual([]);

    const outs = await up("west", { ...chosen, acknowledgeDataLoss: [token] });
    const calls = await r.sim.calls();
    expect(callLines(calls)).toEqual([
      "west: InitiateFailover -> 4096",
      "west: RequestStateChange(2) -> 4096",
      "west: RequestStateChange(2) -> 4096",
    ]);
    expect(calls[0]?.arguments.CollectionRecoveryPoint).toEqual({
      className: "Msvm_CollectionRecoveryPoint",
      keys: { InstanceID: older!.instanceId, CollectionID: WEST },
    });
    expect(siteSummary(outs, "west")).toEqual({
      role: "replica",
      replicationStateName: "Recovered",
      vms: ["sql-a=Running", "sql-b=Running"],
    });

    await up("west", { ...chosen, acknowledgeDataLoss: [token], commitFailover: true });
    expect(callLines(await r.sim.calls(), calls.length)).toEqual(["west: CommitFailover -> 4096"]);
  });
});

describe("a stray failover on the replica whose VMs served for hours", () => {
  it("is not reverted by re-applying activeSite east until its own value is set", async () => {
    const { r, west, up } = await pair();
    await west.setCollection(WEST, { replicationState: 5, failedOverReplicationType: 1 });
    const since = Math.floor((Date.now() - 3 * HOUR) / 1000) * 1000;
    for (const vm of ["sql-a", "sql-b"]) await west.setVmState(WEST, vm, 2, since);
    const applied = await west.session().get({
      className: "Msvm_VirtualSystemCollection",
      keys: { CollectionID: WEST },
    });
    const token = `revert-failover:${WEST}:${iso(parseCimDateTime(applied!.properties.LastApplyTime)!)}`;

    const refused = (await up("east").catch((e: unknown) => e)) as PluginError;
    expect(refused.details).toContain(
      `Data loss not acknowledged: RevertFailover discards the failover disk, so what the failed-over VMs wrote since the failover to the recovery point of ${token.split(`${WEST}:`)[1]} is lost: 'sql-a' running since ${iso(since)} (for 3 h 0 min), 'sql-b' running since ${iso(since)} (for 3 h 0 min); longer than rehearsalMinutes (60)`,
    );
    expect(refused.details).toContain(`set acknowledgeDataLoss: ["${token}"]`);
    expect(await r.sim.calls()).toEqual([]);

    await up("east", { acknowledgeDataLoss: [token] });
    expect(callLines(await r.sim.calls())).toEqual([
      "west: InitiateShutdown -> 0",
      "west: InitiateShutdown -> 0",
      "west: RevertFailover -> 4096",
    ]);
  });
});

describe("a replica failed over unplanned before the primary was prepared for a planned move", () => {
  it("does not commit the older point without its value, then finishes the move with it", async () => {
    const { r, west, up } = await pair();
    for (const vm of ["sql-a", "sql-b"]) await r.sim.setVmState(EAST, vm, 3);
    await r.sim.setCollection(EAST, { replicationState: 11, failedOverReplicationType: 2 });
    await west.setCollection(WEST, { replicationState: 5, failedOverReplicationType: 1 });
    const applied = await west.session().get({
      className: "Msvm_VirtualSystemCollection",
      keys: { CollectionID: WEST },
    });
    const point = iso(parseCimDateTime(applied!.properties.LastApplyTime)!);
    const token = `commit-older-point:${WEST}:${point}`;

    const refused = (await up("west").catch((e: unknown) => e)) as PluginError;
    expect(refused.details).toContain(
      `Data loss not acknowledged: west was failed over unplanned (FailedOverReplicationType Regular) to its recovery point of ${point}, and east was prepared for a planned failover, which replicates its final changes; committing west's older point loses them.`,
    );
    expect(refused.details).toContain(`set acknowledgeDataLoss: ["${token}"]`);
    expect(await r.sim.calls()).toEqual([]);

    await up("west", { acknowledgeDataLoss: [token] });
    expect(callLines(await r.sim.calls())).toEqual([
      "west: CommitFailover -> 4096",
      "west: ReverseReplicationRelationship -> 4096",
      "west: RequestStateChange(2) -> 4096",
      "west: RequestStateChange(2) -> 4096",
    ]);
  });
});

describe("the disaster's value left in the program", () => {
  it("does not authorize failing back while the new primary resynchronizes: that failover has its own value", async () => {
    const { r, west, up } = await pair();
    // After the disaster west became the primary and runs production; it resynchronizes (10) to east.
    await west.setCollection(WEST, { replicationMode: 1, replicationState: 10 });
    for (const vm of ["sql-a", "sql-b"]) await west.setVmState(WEST, vm, 2);
    for (const vm of ["sql-a", "sql-b"]) await r.sim.setVmState(EAST, vm, 3);
    await r.sim.setCollection(EAST, { replicationMode: 2, replicationState: 3 });
    await r.sim.addRecoveryPoint(EAST);
    const disaster = `unplanned-failover:${WEST}:2026-01-01T00:00:00Z`;
    const points = await r.sim.recoveryPoints(EAST);
    const newest = iso(Math.max(...points.map((p) => parseCimDateTime(p.creationTime)!)));

    const refused = (await up("east", { acknowledgeDataLoss: [disaster] }).catch(
      (e: unknown) => e,
    )) as PluginError;
    expect(refused.details).toContain(
      "Data loss not acknowledged: west is Primary, ReplicationState Resynchronizing (10), so a planned failover is not possible; failing over to east (unplanned)",
    );
    expect(refused.details).toContain(`set acknowledgeDataLoss: ["unplanned-failover:${EAST}:${newest}"]`);
    expect(await r.sim.calls()).toEqual([]);
  });
});
