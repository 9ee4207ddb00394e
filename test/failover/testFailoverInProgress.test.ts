/**
 * ReplicationState 13 is labelled "Partially recovered" in Microsoft's docs and read as Test failover initiated only
 * when a test collection is linked to the replica (Msvm_ReplicaCollectionDependency). With one, the replica itself is
 * usable: `normal` is already satisfied (no diff, no call), and failing over is refused with guidance and no call.
 * Without one, 13 may be a partial failover: every change is refused, at preview already, and nothing is called.
 */
import { describe, expect, it } from "vitest";
import type { HyperVSimulator } from "../../provider/simulator";
import {
  actingCalls,
  COLLECTION,
  hostState,
  ID,
  inputs,
  olds,
  rejection,
  SERVICE,
  setup,
  where,
} from "./fixtures";

const NO_CHANGE = { changes: false, replaces: [], deleteBeforeReplace: false };
const PREVIEW = "[collection 'sql-cluster', host this machine (local)]";

const SEEN_AMBIGUOUS =
  "it is ambiguous: ReplicationState TestFailoverInitiated (13), ReplicationMode Replica; Microsoft's docs label ReplicationState 13 'Partially recovered', and the provider reads it as a test failover only when a test collection is linked to the replica (Msvm_ReplicaCollectionDependency); none is, so this may be a partial failover and nothing is called";
const ADVICE_AMBIGUOUS =
  "Check the member VMs on the replica cluster (Get-VMReplication: a VM failed over on its own shows FailedOverWaitingCompletion or FailedOver) and the Hyper-V-VMMS-Admin event log; bring the group to Replicating (3) or Recovered (5), or finish or remove its test failover (RevertTestReplicaCollection on the replica collection), then refresh and run again";

/** What a drill interrupted on the replica site leaves: its test collection, and the replica reading 13. */
async function testFailoverLeft(sim: HyperVSimulator): Promise<number> {
  await sim.session().invoke(SERVICE, "TestReplicaCollection", { Collection: COLLECTION });
  await sim.finishRunningJobs("TestReplicaCollection");
  await sim.setCollection(ID, { replicationState: 13 });
  return (await sim.calls()).length;
}

describe("a replica that reads 13 with its test collection linked", () => {
  const stored = { ...olds("normal", 13), failoverState: "testFailoverInProgress" };

  it("satisfies `normal`: diff proposes nothing, and an update calls nothing", async () => {
    const { sim, rt, lines } = await setup();
    const seeded = await testFailoverLeft(sim);

    expect(await rt.diff(ID, stored, inputs("normal"))).toEqual(NO_CHANGE);
    const updated = await rt.update(ID, stored, inputs("normal"));

    expect(updated.outs).toMatchObject({
      failoverState: "testFailoverInProgress",
      replicationState: 13,
      replicationStateName: "TestFailoverInitiated",
    });
    expect((await sim.calls()).slice(seeded)).toEqual([]);
    expect(lines).toEqual([]);
  });

  it("makes preview of a failover refuse with the test-failover guidance, calling nothing", async () => {
    const { sim, rt } = await setup({ seed: { replicationState: 13 } });

    const error = await rejection(rt.diff(ID, stored, inputs("failedOver")));

    expect(error.message).toBe(
      `Invalid state: cannot make it failedOver: it is testFailoverInProgress: ReplicationState TestFailoverInitiated (13), ReplicationMode Replica; a test failover is in progress ${PREVIEW}. Remove the test collection with RevertTestReplicaCollection (pass the replica collection), then run again`,
    );
    expect(await sim.calls()).toEqual([]);
  });

  it("refuses an update to failedOver with the same guidance, calling nothing", async () => {
    const { sim, rt } = await setup();
    const seeded = await testFailoverLeft(sim);

    const error = await rejection(rt.update(ID, stored, inputs("failedOver")));

    expect(error.message).toBe(
      `Invalid state: it is testFailoverInProgress: ReplicationState TestFailoverInitiated (13), ReplicationMode Replica; a test failover is in progress ${where()}. Remove the test collection with RevertTestReplicaCollection (pass the replica collection), then run again`,
    );
    expect((await sim.calls()).slice(seeded)).toEqual([]);
    expect(await hostState(sim)).toBe(13);
  });
});

describe("a drill asked for on a replica that reads 13", () => {
  it("with its test collection linked: refused naming that test collection, calling nothing", async () => {
    const { sim, rt } = await setup();
    const seeded = await testFailoverLeft(sim);
    const [test] = (await sim.collections()).filter((c) => c.testOf === ID);

    const error = await rejection(
      rt.resources.CollectionTestFailover.create({ collectionId: ID, startVirtualMachines: false }),
    );

    const [job] = (await sim.jobs()).filter((j) => j.method === "TestReplicaCollection");
    expect(error.message).toBe(
      `Invalid state: another test failover exists for this collection: test collection '${test!.name}' (${test!.id}), made by TestReplicaCollection job ${job!.instanceId}, submitted at ${new Date(job!.submittedAt).toISOString()}; this resource did not make it, and Hyper-V allows one at a time ${where()}. Remove it first (destroy the stack or resource that made it, or call RevertTestReplicaCollection on the replica collection), then run again; to make this resource track it instead, set the resource option import to its CollectionID`,
    );
    expect((await sim.calls()).slice(seeded)).toEqual([]);
  });

  it("with no test collection linked: refused with what was seen, calling nothing", async () => {
    const { sim, rt } = await setup({ seed: { replicationState: 13 } });

    const error = await rejection(
      rt.resources.CollectionTestFailover.create({ collectionId: ID, startVirtualMachines: false }),
    );

    expect(error.message).toBe(`Invalid state: ${SEEN_AMBIGUOUS} ${where()}. ${ADVICE_AMBIGUOUS}`);
    expect(await sim.calls()).toEqual([]);
  });
});

describe("a replica that reads 13 with no test collection linked, as a partial failover would leave it", () => {
  const seen = SEEN_AMBIGUOUS;
  const advice = ADVICE_AMBIGUOUS;

  it("is refreshed as `ambiguous`, after looking for the test collection", async () => {
    const followed: string[] = [];
    const { sim, rt } = await setup({
      seed: { replicationState: 13 },
      tap: {
        associators(next, _ref, options) {
          followed.push(String(options.association));
          return next();
        },
      },
    });

    const read = await rt.read(ID, { ...olds("normal", 3), failoverState: "normal" });

    expect(read.props).toMatchObject({ failoverState: "ambiguous", replicationState: 13 });
    expect(followed[0]).toBe("Msvm_ReplicaCollectionDependency");
    expect(await actingCalls(sim)).toEqual([]);
  });

  it.each(["normal", "failedOver", "committed"])(
    "refuses an update to %s, calling nothing, and records what it saw",
    async (desired) => {
      const { sim, rt } = await setup({ seed: { replicationState: 13 } });

      const error = await rejection(rt.update(ID, olds("normal", 3), inputs(desired)));

      expect(error.message).toBe(`Invalid state: ${seen} ${where()}. ${advice}`);
      expect(await sim.calls()).toEqual([]);
      expect(error.properties).toMatchObject({ failoverState: "ambiguous", replicationState: 13 });
      expect(await hostState(sim)).toBe(13);
    },
  );

  it("makes preview refuse from the recorded state, calling nothing", async () => {
    const { sim, rt } = await setup({ seed: { replicationState: 13 } });
    const stored = { ...olds("normal", 13), failoverState: "ambiguous" };

    const error = await rejection(rt.diff(ID, stored, inputs("normal")));

    expect(error.message).toBe(`Invalid state: cannot make it normal: ${seen} ${PREVIEW}. ${advice}`);
    expect(await sim.calls()).toEqual([]);
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
