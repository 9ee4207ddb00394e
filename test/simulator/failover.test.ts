import { describe, expect, it } from "vitest";
import type { CimArguments } from "../../provider/cim";
import { BILLING_ID, collectionRef, jobIdOf, PAYROLL_ID, pointRef, SERVICE, setup, T0 } from "./fixtures";

const ALL_STATES = Array.from({ length: 17 }, (_, state) => state);

/** Fact sheet §4: where each method is legal, the state while its job runs, and the result. */
const TABLE = [
  {
    method: "InitiateFailover",
    legal: [3, 7, 10],
    running: () => 4,
    done: { state: 5, type: 1 },
    ms: 3000,
  },
  {
    method: "RevertFailover",
    legal: [4, 5, 16],
    running: (from: number) => from,
    done: { state: 3, type: 0 },
    ms: 2000,
  },
  { method: "CommitFailover", legal: [5], running: () => 5, done: { state: 6, type: 1 }, ms: 1500 },
];

/** A Replica collection in `state`, failed over (type 1) whenever the state says it is. */
async function collectionIn(state: number, replicationMode = 2) {
  const fixture = setup();
  const failedOver = [4, 5, 6, 16].includes(state) ? 1 : 0;
  await fixture.sim.addCollection({
    id: PAYROLL_ID,
    name: "payroll",
    replicationState: state,
    replicationMode,
    failedOverReplicationType: failedOver,
  });
  return { ...fixture, failedOver };
}

const stateOf = async (sim: Awaited<ReturnType<typeof collectionIn>>["sim"]) => {
  const c = await sim.collection(PAYROLL_ID);
  return { state: c?.replicationState, type: c?.failedOverReplicationType };
};

describe.each(TABLE)("$method", ({ method, legal, running, done, ms }) => {
  it.each(ALL_STATES)("from ReplicationState %i", async (from) => {
    const { sim, session, clock, failedOver } = await collectionIn(from);

    const result = await session.invoke(SERVICE, method, { Collection: collectionRef(PAYROLL_ID) });
    const during = await stateOf(sim);
    clock.advance(ms);
    const after = await stateOf(sim);

    if (legal.includes(from)) {
      expect(result).toEqual({
        returnValue: 4096,
        outParameters: { Job: { className: "Msvm_ConcreteJob", keys: { InstanceID: expect.any(String) } } },
      });
      expect({ during, after }).toEqual({ during: { state: running(from), type: failedOver }, after: done });
    } else {
      expect(result).toEqual({ returnValue: 32775, outParameters: {} });
      expect({ during, after }).toEqual({
        during: { state: from, type: failedOver },
        after: { state: from, type: failedOver },
      });
    }
  });

  it.each([0, 1, 3])("is an invalid state on a collection in ReplicationMode %i", async (mode) => {
    const { session, sim } = await collectionIn(legal[0]!, mode);
    expect(await session.invoke(SERVICE, method, { Collection: collectionRef(PAYROLL_ID) })).toEqual({
      returnValue: 32775,
      outParameters: {},
    });
    expect(await sim.jobs()).toEqual([]);
  });

  it.each<[string, CimArguments]>([
    ["no Collection", {}],
    ["an unknown collection", { Collection: collectionRef(BILLING_ID) }],
    ["a Collection that is not a REF", { Collection: PAYROLL_ID }],
    [
      "a REF to another class",
      { Collection: { className: "Msvm_ComputerSystem", keys: { CollectionID: PAYROLL_ID } } },
    ],
  ])("is an invalid parameter with %s", async (_, args) => {
    const { session } = await collectionIn(legal[0]!);
    expect(await session.invoke(SERVICE, method, args)).toEqual({ returnValue: 32773, outParameters: {} });
  });
});

describe("InitiateFailover's recovery point", () => {
  it("takes a given recovery point of the collection", async () => {
    const { session, sim } = await collectionIn(3);
    const [older] = await sim.recoveryPoints(PAYROLL_ID);
    const args = { Collection: collectionRef(PAYROLL_ID), CollectionRecoveryPoint: pointRef(older!) };
    expect((await session.invoke(SERVICE, "InitiateFailover", args)).returnValue).toBe(4096);
  });

  it("refuses a point that does not exist or belongs to another collection", async () => {
    const { session, sim } = await collectionIn(3);
    await sim.addCollection({ id: BILLING_ID, name: "billing" });
    const [billingPoint] = await sim.recoveryPoints(BILLING_ID);
    const [payrollPoint] = await sim.recoveryPoints(PAYROLL_ID);
    const invoke = (point: CimArguments[string]) =>
      session.invoke(SERVICE, "InitiateFailover", {
        Collection: collectionRef(PAYROLL_ID),
        CollectionRecoveryPoint: point,
      });

    expect((await invoke(pointRef(billingPoint!))).returnValue).toBe(32773);
    expect(
      (
        await invoke({
          ...pointRef(payrollPoint!),
          keys: { InstanceID: "Microsoft:nope", CollectionID: PAYROLL_ID },
        })
      ).returnValue,
    ).toBe(32773);
    expect(
      (
        await invoke({
          ...pointRef(payrollPoint!),
          keys: { InstanceID: payrollPoint!.instanceId, CollectionID: BILLING_ID },
        })
      ).returnValue,
    ).toBe(32773);
    expect(await sim.jobs()).toEqual([]);
  });

  it("is an invalid state when the collection has no recovery point to fail over to", async () => {
    const { session, sim } = setup();
    await sim.addCollection({ id: PAYROLL_ID, name: "payroll", recoveryPoints: 0 });
    expect(
      (await session.invoke(SERVICE, "InitiateFailover", { Collection: collectionRef(PAYROLL_ID) }))
        .returnValue,
    ).toBe(32775);
  });
});

describe("the replication service", () => {
  it("answers 32774 System is in use while a job runs on the same collection, and not for another collection", async () => {
    const { session, sim, clock } = await collectionIn(3);
    await sim.addCollection({ id: BILLING_ID, name: "billing" });
    const payroll = { Collection: collectionRef(PAYROLL_ID) };

    await session.invoke(SERVICE, "InitiateFailover", payroll);
    const whileRunning = [
      (await session.invoke(SERVICE, "RevertFailover", payroll)).returnValue,
      (await session.invoke(SERVICE, "InitiateFailover", payroll)).returnValue,
      (await session.invoke(SERVICE, "InitiateFailover", { Collection: collectionRef(BILLING_ID) }))
        .returnValue,
    ];
    clock.advance(3000);

    expect(whileRunning).toEqual([32774, 32774, 4096]);
    expect((await session.invoke(SERVICE, "RevertFailover", payroll)).returnValue).toBe(4096);
  });

  it("answers 32775 instead when set to, keeps that in the state, and takes no other busy code", async () => {
    const { session, sim, clock } = await collectionIn(3);
    const payroll = { Collection: collectionRef(PAYROLL_ID) };
    await sim.setBusyReturnCode(32775);

    await session.invoke(SERVICE, "InitiateFailover", payroll);
    const whileRunning = (await session.invoke(SERVICE, "InitiateFailover", payroll)).returnValue;
    clock.advance(3000);

    expect(whileRunning).toBe(32775);
    expect((await session.invoke(SERVICE, "RevertFailover", payroll)).returnValue).toBe(4096);
    await expect(sim.setBusyReturnCode(32773 as 32774)).rejects.toThrow(
      new RangeError("the busy return code must be 32774 or 32775, got 32773"),
    );
  });

  it("commits by flattening the collection's recovery points", async () => {
    const { session, sim, clock } = await collectionIn(5);
    await session.invoke(SERVICE, "CommitFailover", { Collection: collectionRef(PAYROLL_ID) });
    clock.advance(1500);
    expect(await sim.recoveryPoints(PAYROLL_ID)).toEqual([]);
  });

  it("answers 32770 Not Supported for a method the class does not have, and takes method names in any case", async () => {
    const { session } = await collectionIn(3);
    const args = { Collection: collectionRef(PAYROLL_ID) };
    expect((await session.invoke(SERVICE, "AddReplicationRelationship", args)).returnValue).toBe(32770);
    expect((await session.invoke(SERVICE, "initiatefailover", args)).returnValue).toBe(4096);
  });

  it("accepts a REF to the singleton without keys, and throws a WBEM Not found for another host's service", async () => {
    const { session } = await collectionIn(3);
    const args = { Collection: collectionRef(PAYROLL_ID) };
    expect(
      (await session.invoke({ className: SERVICE.className, keys: {} }, "InitiateFailover", args))
        .returnValue,
    ).toBe(4096);

    const elsewhere = { className: SERVICE.className, keys: { ...SERVICE.keys, SystemName: "hv-other" } };
    await expect(session.invoke(elsewhere, "RevertFailover", args)).rejects.toThrow(
      "Not found: no Msvm_CollectionReplicationService instance matches the REF",
    );
  });

  it("logs every call in order with its arguments, return value and job, refused ones included", async () => {
    const { session, sim, clock } = await collectionIn(3);
    const args = { Collection: collectionRef(PAYROLL_ID) };

    const started = await session.invoke(SERVICE, "InitiateFailover", args);
    clock.advance(10);
    await session.invoke(SERVICE, "CommitFailover", args);
    clock.advance(3000);
    await session.invoke(SERVICE, "CommitFailover", args);

    const job = jobIdOf(started);
    const commitJob = (await sim.jobs())[1]!.instanceId;
    expect(await sim.calls()).toEqual([
      {
        at: T0,
        className: SERVICE.className,
        method: "InitiateFailover",
        collectionId: PAYROLL_ID,
        arguments: args,
        returnValue: 4096,
        jobId: job,
      },
      {
        at: T0 + 10,
        className: SERVICE.className,
        method: "CommitFailover",
        collectionId: PAYROLL_ID,
        arguments: args,
        returnValue: 32774,
      },
      {
        at: T0 + 3010,
        className: SERVICE.className,
        method: "CommitFailover",
        collectionId: PAYROLL_ID,
        arguments: args,
        returnValue: 4096,
        jobId: commitJob,
      },
    ]);
  });
});
