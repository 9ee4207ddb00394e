/**
 * A test failover in progress leaves the replica collection itself usable: its test collection is a separate
 * collection. `normal` is already satisfied (no diff, no call), preview still plans and refuses where it must, and
 * failing over during one is refused with guidance and no call.
 */
import { describe, expect, it } from "vitest";
import { actingCalls, hostState, ID, inputs, olds, rejection, setup, where } from "./fixtures";

const NO_CHANGE = { changes: false, replaces: [], deleteBeforeReplace: false };

describe("a replica that reads Test failover initiated (13)", () => {
  const stored = { ...olds("normal", 13), failoverState: "testFailoverInProgress" };

  it("satisfies `normal`: diff proposes nothing, and an update calls nothing", async () => {
    const { sim, rt, lines } = await setup({ seed: { replicationState: 13 } });

    expect(await rt.diff(ID, stored, inputs("normal"))).toEqual(NO_CHANGE);
    const updated = await rt.update(ID, stored, inputs("normal"));

    expect(updated.outs).toMatchObject({
      failoverState: "testFailoverInProgress",
      replicationState: 13,
      replicationStateName: "TestFailoverInitiated",
    });
    expect(await actingCalls(sim)).toEqual([]);
    expect(lines).toEqual([]);
  });

  it("makes preview of a failover refuse with the test-failover guidance, calling nothing", async () => {
    const { sim, rt } = await setup({ seed: { replicationState: 13 } });

    const error = await rejection(rt.diff(ID, stored, inputs("failedOver")));

    expect(error.message).toBe(
      `Invalid state: cannot make it failedOver: it is testFailoverInProgress: ReplicationState TestFailoverInitiated (13), ReplicationMode Replica; a test failover is in progress [collection 'sql-cluster', host this machine (local)]. Remove the test collection with RevertTestReplicaCollection (pass the replica collection), then run again`,
    );
    expect(await sim.calls()).toEqual([]);
  });

  it("refuses an update to failedOver with the same guidance, calling nothing", async () => {
    const { sim, rt } = await setup({ seed: { replicationState: 13 } });

    const error = await rejection(rt.update(ID, stored, inputs("failedOver")));

    expect(error.message).toBe(
      `Invalid state: it is testFailoverInProgress: ReplicationState TestFailoverInitiated (13), ReplicationMode Replica; a test failover is in progress ${where()}. Remove the test collection with RevertTestReplicaCollection (pass the replica collection), then run again`,
    );
    expect(await actingCalls(sim)).toEqual([]);
    expect(await hostState(sim)).toBe(13);
  });
});

describe("a test failover made by CollectionTestFailover", () => {
  it("leaves the replica's CollectionFailover at `normal`: no diff, no call, and preview plans a failover as usual", async () => {
    const { sim, rt, lines } = await setup();
    const created = await rt.create(inputs("normal"));
    const test = await rt.resources.CollectionTestFailover.create({
      collectionId: ID,
      startVirtualMachines: false,
    });
    const callsBefore = (await actingCalls(sim)).length;
    lines.length = 0;

    expect(await rt.diff(ID, created.outs!, inputs("normal"))).toEqual(NO_CHANGE);
    const updated = await rt.update(ID, created.outs!, inputs("normal", { jobTimeoutSeconds: 600 }));
    const preview = await rt.diff(ID, updated.outs!, inputs("failedOver"));

    expect((await actingCalls(sim)).map((c) => c.method)).toEqual(["TestReplicaCollection"]);
    expect(callsBefore).toBe(1);
    expect(test.outs).toMatchObject({ collectionId: ID });
    expect(updated.outs).toMatchObject({ failoverState: "normal", replicationState: await hostState(sim) });
    expect(preview).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect(lines).toEqual([
      `[sql-cluster] will call InitiateFailover: Replicating (3) -> Recovered (5) with recoveryPoint 'latest', as recorded at ${String(updated.outs!.observedAt)}; preview with --refresh to plan from the host now`,
    ]);
  });
});
