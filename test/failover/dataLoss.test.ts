/**
 * CollectionFailover's data-loss acknowledgement, through the runtime against the simulator, seeded in the state a
 * real disaster leaves: the provider failed the collection over and started its VMs, and they ran for days.
 */
import { describe, expect, it } from "vitest";
import { parseCimDateTime } from "../../provider/cim";
import type { HyperVSimulator } from "../../provider/simulator";
import { actingCalls, ID, inputs, rejection, setup, T0 } from "./fixtures";

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** The calls that act, as `method(RequestedState)`. */
const callLines = async (sim: HyperVSimulator) =>
  (await actingCalls(sim)).map(
    (c) =>
      `${c.method}${c.arguments.RequestedState !== undefined ? `(${String(c.arguments.RequestedState)})` : ""}`,
  );

/** When the host says each member VM last changed state (TimeOfLastStateChange), by name. */
async function vmTimes(sim: HyperVSimulator): Promise<Record<string, number>> {
  const vms = await sim.session().query("Msvm_ComputerSystem");
  return Object.fromEntries(
    vms.map((vm) => [
      String(vm.properties.ElementName),
      parseCimDateTime(vm.properties.TimeOfLastStateChange) ?? NaN,
    ]),
  );
}

/** A failover made by the provider with its VMs started; then `ranFor` passes. */
async function failedOverAndRan(ranFor: number) {
  const s = await setup();
  const created = await s.rt.create(inputs("failedOver", { startVirtualMachines: true }));
  s.clock.advance(ranFor);
  const calls = (await s.sim.calls()).length;
  return { ...s, outs: created.outs!, calls };
}

describe("reverting a failover (failedOver -> normal)", () => {
  it("is a rehearsal right after the failover: the VMs are turned off and RevertFailover runs, with no acknowledgement", async () => {
    const { sim, rt, outs, calls } = await failedOverAndRan(10 * 60_000);
    const updated = await rt.update(ID, outs, inputs("normal", { startVirtualMachines: true }));
    expect(updated.outs).toMatchObject({ failoverState: "normal", replicationState: 3 });
    expect((await callLines(sim)).slice(-3)).toEqual([
      "RequestStateChange(3)",
      "RequestStateChange(3)",
      "RevertFailover",
    ]);
    expect((await sim.calls()).length).toBeGreaterThan(calls);
  });

  it("refuses, calling nothing, after the failed-over VMs ran for three days, and names what would be lost and the value to set", async () => {
    const { sim, rt, outs, calls } = await failedOverAndRan(72 * HOUR);
    const started = await vmTimes(sim);
    // The event is named by the recovery point failed over to (LastApplyTime): the seed's newest, taken at T0.
    const token = `revert-failover:${ID}:${iso(T0)}`;

    const failure = await rejection(rt.update(ID, outs, inputs("normal", { startVirtualMachines: true })));
    expect(failure.message).toBe(
      `Data loss not acknowledged: RevertFailover discards the failover disk, so what the failed-over VMs wrote since the failover to the recovery point of ${iso(T0)} is lost: 'sql-a' running since ${iso(started["sql-a"]!)} (for 3 days 0 h), 'sql-b' running since ${iso(started["sql-b"]!)} (for 3 days 0 h); longer than rehearsalMinutes (60) [collection 'sql-cluster', host hv-replica01 (simulator)]. Nothing was called. To accept this loss, and only it, set acknowledgeDataLoss: ["${token}"]; the value names this event only, so a later failover, a later recovery point or another split brain needs its own`,
    );
    expect((await sim.calls()).slice(calls)).toEqual([]);
    expect((await sim.collection(ID))?.replicationState).toBe(5);
  });

  it("runs with the value the refusal printed: the VMs are turned off, then RevertFailover", async () => {
    const { sim, rt, outs, calls, lines } = await failedOverAndRan(72 * HOUR);
    const started = await vmTimes(sim);
    const token = `revert-failover:${ID}:${iso(T0)}`;
    const updated = await rt.update(ID, outs, inputs("normal", { acknowledgeDataLoss: [token] }));
    expect(updated.outs).toMatchObject({ failoverState: "normal", replicationState: 3 });
    expect(
      (await actingCalls(sim)).slice(-3).map((c) => `${c.method}${c.arguments.RequestedState ?? ""}`),
    ).toEqual(["RequestStateChange3", "RequestStateChange3", "RevertFailover"]);
    expect(
      (await sim.calls()).slice(calls).filter((c) => c.method !== "GetReplicationStatistics"),
    ).toHaveLength(3);
    expect(lines).toContain(
      `[sql-cluster] data loss acknowledged (${token}): RevertFailover discards the failover disk, so what the failed-over VMs wrote since the failover to the recovery point of ${iso(T0)} is lost: 'sql-a' running since ${iso(started["sql-a"]!)} (for 3 days 0 h), 'sql-b' running since ${iso(started["sql-b"]!)} (for 3 days 0 h); longer than rehearsalMinutes (60)`,
    );
  });

  it("does not take the value of an earlier failover: a failover to another recovery point is another event", async () => {
    const { sim, rt, outs, calls } = await failedOverAndRan(72 * HOUR);
    const earlier = `revert-failover:${ID}:${iso(T0 - HOUR)}`;
    const failure = await rejection(
      rt.update(ID, outs, inputs("normal", { acknowledgeDataLoss: [earlier] })),
    );
    expect(failure.message).toMatch(/^Data loss not acknowledged: /);
    expect(failure.message).not.toContain(earlier);
    expect((await sim.calls()).slice(calls)).toEqual([]);
  });

  it("counts VMs turned off since as having run, for at most the time from the recovery point", async () => {
    const { sim, rt, outs, clock } = await failedOverAndRan(5 * HOUR);
    await sim.setVmState(ID, "sql-a", 3);
    await sim.setVmState(ID, "sql-b", 3);
    const calls = (await sim.calls()).length;
    const stopped = clock.now();
    const failure = await rejection(rt.update(ID, outs, inputs("normal")));
    expect(failure.message).toContain(
      `'sql-a' ran until ${iso(stopped)} (for at most 5 h 0 min), 'sql-b' ran until ${iso(stopped)} (for at most 5 h 0 min)`,
    );
    expect(failure.message).toContain(`set acknowledgeDataLoss: ["revert-failover:${ID}:${iso(T0)}"]`);
    expect((await sim.calls()).slice(calls)).toEqual([]);
  });

  it("asks for an acknowledgement whenever a VM ran when rehearsalMinutes is 0", async () => {
    const { sim, rt, outs, calls } = await failedOverAndRan(60_000);
    const failure = await rejection(rt.update(ID, outs, inputs("normal", { rehearsalMinutes: 0 })));
    expect(failure.message).toMatch(/^Data loss not acknowledged: RevertFailover discards the failover disk/);
    expect(failure.message).toContain("(for 1 min)");
    expect((await sim.calls()).slice(calls)).toEqual([]);
  });

  it("needs nothing when the failed-over VMs never ran", async () => {
    const { sim, rt, clock } = await setup();
    const created = await rt.create(inputs("failedOver"));
    clock.advance(72 * HOUR);
    await rt.update(ID, created.outs!, inputs("normal"));
    expect(await callLines(sim)).toEqual(["InitiateFailover", "RevertFailover"]);
  });
});

describe("going from normal straight to committed", () => {
  it("refuses, calling nothing, naming the recovery point it would commit", async () => {
    const { sim, rt } = await setup();
    const [, newest] = await sim.recoveryPoints(ID);
    const failure = await rejection(rt.create(inputs("committed")));
    expect(failure.message).toBe(
      `Data loss not acknowledged: going from normal straight to committed fails over to recovery point ${newest!.instanceId} and commits it at once, before the VMs have run on it (no other point can be chosen afterwards): the recovery point is from ${iso(T0)}, so up to 0 min of changes made after it are lost [collection 'sql-cluster', host hv-replica01 (simulator)]. Nothing was called. To accept this loss, and only it, set acknowledgeDataLoss: ["failover-and-commit:${ID}:${iso(T0)}"]; the value names this event only, so a later failover, a later recovery point or another split brain needs its own`,
    );
    expect(await sim.calls()).toEqual([]);
  });

  it("runs InitiateFailover then CommitFailover with that value, and not with a later point's", async () => {
    const { sim, rt, clock } = await setup();
    const acknowledged = inputs("committed", {
      acknowledgeDataLoss: [`failover-and-commit:${ID}:${iso(T0)}`],
    });
    clock.advance(HOUR);
    await sim.addRecoveryPoint(ID);
    const failure = await rejection(rt.create(acknowledged));
    expect(failure.message).toContain(`acknowledgeDataLoss: ["failover-and-commit:${ID}:${iso(T0 + HOUR)}"]`);
    expect(await sim.calls()).toEqual([]);

    const created = await rt.create({ ...acknowledged, recoveryPoint: `before:${iso(T0 + 1000)}` });
    expect(created.outs).toMatchObject({ failoverState: "committed", replicationState: 6 });
    expect(await callLines(sim)).toEqual(["InitiateFailover", "CommitFailover"]);
  });
});

describe("check", () => {
  it("names a value that no refusal printed, and the old boolean's replacement", async () => {
    const { rt } = await setup();
    const checked = await rt.check(
      {},
      inputs("normal", { acknowledgeDataLoss: ["yes"], rehearsalMinutes: -1 }),
    );
    expect(checked.failures).toEqual([
      {
        property: "acknowledgeDataLoss",
        reason:
          "[0] 'yes' is not a value a refusal or preview printed; copy it exactly, such as 'revert-failover:6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10:2026-11-27T08:00:00Z', or leave acknowledgeDataLoss out",
      },
      {
        property: "rehearsalMinutes",
        reason:
          "-1 is not a whole number from 0 to 1440; a revert whose failed-over VMs each ran at most this many minutes needs no acknowledgement (default 60; 0 asks for one whenever a VM ran)",
      },
    ]);
  });
});
