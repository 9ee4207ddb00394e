/**
 * The per-VM failover preconditions (Start-VMFailover), kept for collections: a Suspended replica is resumed before
 * it is failed over, and one whose replication is Critical, waiting to resynchronize or resynchronizing is refused
 * with no call, for a failover and for a test failover alike. Each case is seeded as a disaster leaves the replica.
 */
import { describe, expect, it } from "vitest";
import { COLLECTION, ID, inputs, olds, rejection, setup, SERVICE, where } from "./fixtures";

const callsOf = async (sim: Awaited<ReturnType<typeof setup>>["sim"]) =>
  (await sim.calls()).map((c) => [c.className, c.method, c.arguments, c.returnValue]);

const RESYNC =
  "Resynchronize the group from its primary (Msvm_CollectionReplicationService.Resynchronize on the primary cluster; per VM, Resume-VMReplication -Resynchronize) and wait for Replicating (3), then run again";
const WAIT =
  "Wait for the resynchronization to finish (Replicating, 3), then run again. If the primary is lost and it cannot finish, fail the member VMs over one by one with the per-VM Start-VMFailover, after checking each VM's recovery points";
const perVm = (state: string, what: string) =>
  `replication is ${state}, and Hyper-V Replica's per-VM failover (Start-VMFailover) will not ${what} a VM whose replication needs resynchronizing (inferred for collections)`;
const halfWay = (what: string) =>
  `replication is Resynchronizing (10): the replica is being brought back in step with the primary, and a ${what} made half-way could use data from both sides (per-VM practice: no test failover while resynchronizing; for a failover the provider takes the safe side, inferred)`;

describe("a replica whose replication was suspended when the primary site went down (7)", () => {
  it("is resumed with ResumeReplication, then failed over, and preview names both calls", async () => {
    const { sim, rt, lines } = await setup({ seed: { replicationState: 7 } });

    await rt.diff(ID, olds("normal", 7), inputs("failedOver"));
    const updated = await rt.update(ID, olds("normal", 7), inputs("failedOver"));

    expect(lines[0]).toBe(
      "[sql-cluster] will call ResumeReplication (per-VM practice: resume before failing over): Suspended (7) -> Replicating (3), then InitiateFailover: Replicating (3) -> Recovered (5) with recoveryPoint 'latest', as recorded at the last refresh; preview with --refresh to plan from the host now",
    );
    expect(await callsOf(sim)).toEqual([
      [SERVICE.className, "ResumeReplication", { Collection: COLLECTION }, 4096],
      [SERVICE.className, "InitiateFailover", { Collection: COLLECTION }, 4096],
      [SERVICE.className, "GetReplicationStatistics", { Collection: COLLECTION }, 0],
    ]);
    expect(lines).toContain(
      "[sql-cluster] replication is Suspended (7): resuming it before InitiateFailover, as the per-VM Start-VMFailover does (inferred for collections)",
    );
    expect(lines).toContain("[sql-cluster] ResumeReplication done: Suspended (7) -> Replicating (3)");
    expect(updated.outs).toMatchObject({
      failoverState: "failedOver",
      replicationState: 5,
      lastOperation: { method: "InitiateFailover", jobState: "Completed" },
    });
  });

  it("stays Suspended when requireHealthy refuses the failover: only the health is read", async () => {
    const { sim, rt } = await setup({ seed: { replicationState: 7 } });
    await sim.setHealth(ID, { replicationHealth: 3, issues: ["Replication for 'sql-a' is suspended."] });

    const error = await rejection(
      rt.update(ID, olds("normal", 7), inputs("failedOver", { requireHealthy: true })),
    );

    expect(error.message).toBe(
      `Invalid state: requireHealthy is set and the replication health is Critical (3), so the failover (ResumeReplication, then InitiateFailover) was not called; health issues: 'Replication for 'sql-a' is suspended.' ${where()}. Fix the replication issues listed, or set requireHealthy: false to fail over anyway (a disaster may leave no choice)`,
    );
    expect(await callsOf(sim)).toEqual([
      [SERVICE.className, "GetReplicationStatistics", { Collection: COLLECTION }, 0],
    ]);
    expect((await sim.collection(ID))?.replicationState).toBe(7);
  });
});

describe.each([
  [8, "Critical (8)", perVm("Critical (8)", "fail over"), RESYNC],
  [
    9,
    "WaitingToStartResynchronization (9)",
    perVm("WaitingToStartResynchronization (9)", "fail over"),
    RESYNC,
  ],
  [10, "Resynchronizing (10)", halfWay("failover"), WAIT],
])("a replica left in %i by the disaster", (state, name, reason, advice) => {
  const message = (prefix: string) =>
    `Invalid state: ${prefix}it is normal: ReplicationState ${name}, ReplicationMode Replica; ${reason} ${where()}. ${advice}`;

  it("is refused at preview, calling nothing", async () => {
    const { sim, rt } = await setup({ seed: { replicationState: state } });

    const error = await rejection(rt.diff(ID, olds("normal", state), inputs("failedOver")));

    expect(error.message).toBe(
      message("cannot make it failedOver: ").replace(
        where(),
        "[collection 'sql-cluster', host this machine (local)]",
      ),
    );
    expect(await sim.calls()).toEqual([]);
  });

  it("is refused by the update, calling nothing, and left as it was", async () => {
    const { sim, rt } = await setup({ seed: { replicationState: state } });

    const error = await rejection(rt.update(ID, olds("normal", state), inputs("committed")));

    expect(error.message).toBe(message(""));
    expect(await sim.calls()).toEqual([]);
    expect((await sim.collection(ID))?.replicationState).toBe(state);
  });
});

describe.each([
  [8, "Critical (8)", perVm("Critical (8)", "test-fail over"), RESYNC],
  [
    9,
    "WaitingToStartResynchronization (9)",
    perVm("WaitingToStartResynchronization (9)", "test-fail over"),
    RESYNC,
  ],
  [10, "Resynchronizing (10)", halfWay("test failover"), WAIT],
])("a test failover of a replica in %i", (state, name, reason, advice) => {
  it("is refused before any method is called", async () => {
    const { sim, rt } = await setup({ seed: { replicationState: state } });

    const error = await rejection(
      rt.resources.CollectionTestFailover.create({ collectionId: ID, startVirtualMachines: false }),
    );

    expect(error.message).toBe(
      `Invalid state: it is normal: ReplicationState ${name}, ReplicationMode Replica; ${reason} ${where()}. ${advice}`,
    );
    expect(await sim.calls()).toEqual([]);
  });
});
