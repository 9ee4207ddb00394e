import { describe, expect, it } from "vitest";
import type { CimRef } from "../../provider/cim";
import {
  anyGuid,
  collectionRef,
  jobIdOf,
  PAYROLL_ID,
  pointRef,
  SERVICE,
  setup,
  T0,
  T0_CIM,
} from "./fixtures";

const HOUR = 3_600_000;

async function replica(replicationState = 3) {
  const fixture = setup();
  await fixture.sim.addCollection({
    id: PAYROLL_ID,
    name: "payroll",
    replicationState,
    failedOverReplicationType: [5, 6].includes(replicationState) ? 1 : 0,
    members: ["pay-db", "pay-web"],
  });
  return fixture;
}

const vmRef = (id: string): CimRef => ({ className: "Msvm_ComputerSystem", keys: { Name: id } });
const payroll = { Collection: collectionRef(PAYROLL_ID) };

describe("TestReplicaCollection and RevertTestReplicaCollection", () => {
  it("makes a test collection from the chosen point, linked to the replica, and removes it again", async () => {
    const { sim, session, clock } = await replica();
    const point = await sim.addRecoveryPoint(PAYROLL_ID, {
      creationTime: T0 - 30 * 60_000,
      consistencyLevel: 1,
    });
    const before = (await sim.collection(PAYROLL_ID))!;

    const started = await session.invoke(SERVICE, "TestReplicaCollection", {
      ...payroll,
      CollectionRecoveryPoint: pointRef(point),
    });
    const testId = String((started.outParameters["ResultingCollection"] as CimRef).keys["CollectionID"]);
    expect(started).toEqual({
      returnValue: 4096,
      outParameters: {
        ResultingCollection: { className: "Msvm_VirtualSystemCollection", keys: { CollectionID: anyGuid() } },
        Job: { className: "Msvm_ConcreteJob", keys: { InstanceID: anyGuid() } },
      },
    });
    expect((await sim.jobs()).map((j) => [j.method, j.jobType, j.jobState])).toEqual([
      ["TestReplicaCollection", 102, 3],
    ]);
    clock.advance(3000);

    const test = (await sim.collection(testId))!;
    expect(test).toEqual({
      id: testId,
      name: "payroll - Test",
      replicationState: 0,
      replicationMode: 3,
      failedOverReplicationType: 0,
      members: [
        { id: anyGuid(), name: "pay-db - Test", enabledState: 3, replicationHealth: 1 },
        { id: anyGuid(), name: "pay-web - Test", enabledState: 3, replicationHealth: 1 },
      ],
      testOf: PAYROLL_ID,
    });
    expect(await sim.collection(PAYROLL_ID)).toEqual(before);
    expect((await session.get(collectionRef(testId)))?.properties).toMatchObject({
      LastApplyTime: "20251231233000.000000+000",
      LastApplyConsistencyLevel: 1,
    });
    const dependents = await session.associators(collectionRef(PAYROLL_ID), {
      association: "Msvm_ReplicaCollectionDependency",
    });
    expect(dependents.map((i) => i.properties["CollectionID"])).toEqual([testId]);
    const antecedents = await session.associators(collectionRef(testId), {
      association: "Msvm_ReplicaCollectionDependency",
    });
    expect(antecedents.map((i) => i.properties["CollectionID"])).toEqual([PAYROLL_ID]);

    expect((await session.invoke(SERVICE, "TestReplicaCollection", payroll)).returnValue).toBe(32775);
    const reverted = await session.invoke(SERVICE, "RevertTestReplicaCollection", payroll);
    expect((await sim.jobs()).find((j) => j.instanceId === jobIdOf(reverted))?.jobType).toBe(103);
    clock.advance(2000);
    expect(await sim.collection(testId)).toBeUndefined();
    expect((await session.query("Msvm_ComputerSystem")).map((i) => i.properties["ElementName"])).toEqual([
      "pay-db",
      "pay-web",
    ]);
    expect((await session.invoke(SERVICE, "RevertTestReplicaCollection", payroll)).returnValue).toBe(32775);
  });

  it("uses the latest point when none is given, refuses a point of another collection, and one with no points", async () => {
    const { sim, session, clock } = await replica();
    const other = await sim.addCollection({ name: "billing" });
    const [foreign] = await sim.recoveryPoints(other.id);
    expect(
      (
        await session.invoke(SERVICE, "TestReplicaCollection", {
          ...payroll,
          CollectionRecoveryPoint: pointRef(foreign!),
        })
      ).returnValue,
    ).toBe(32773);
    const started = await session.invoke(SERVICE, "TestReplicaCollection", payroll);
    clock.advance(3000);
    const testRef = started.outParameters["ResultingCollection"] as CimRef;
    expect((await session.get(testRef))?.properties["LastApplyTime"]).toBe(T0_CIM);

    const empty = await sim.addCollection({ name: "empty", recoveryPoints: 0 });
    const result = await session.invoke(SERVICE, "TestReplicaCollection", {
      Collection: collectionRef(empty.id),
    });
    expect(result).toEqual({ returnValue: 32775, outParameters: {} });
  });

  it("leaves no test collection when its job fails", async () => {
    const { sim, session, clock } = await replica();
    await sim.injectFault({
      kind: "jobFails",
      method: "TestReplicaCollection",
      jobState: 10,
      errorCode: 32768,
      errorDescription: "disk full",
    });
    await session.invoke(SERVICE, "TestReplicaCollection", payroll);
    clock.advance(3000);
    expect((await sim.collections()).map((c) => c.name)).toEqual(["payroll"]);
    expect((await sim.jobs()).map((j) => [j.jobState, j.errorDescription])).toEqual([[10, "disk full"]]);
  });
});

describe("member VMs", () => {
  it("stay off after InitiateFailover, then start with a job, Starting (10) while it runs", async () => {
    const { sim, session, clock } = await replica();
    const [db] = (await sim.collection(PAYROLL_ID))!.members;
    expect(
      (await session.invoke(vmRef(db!.id), "RequestStateChange", { RequestedState: 2 })).returnValue,
    ).toBe(32775);

    await session.invoke(SERVICE, "InitiateFailover", payroll);
    clock.advance(3000);
    expect((await sim.collection(PAYROLL_ID))!.members.map((m) => m.enabledState)).toEqual([3, 3]);

    const started = await session.invoke(vmRef(db!.id), "RequestStateChange", { RequestedState: 2 });
    expect(started).toEqual({
      returnValue: 4096,
      outParameters: { Job: { className: "Msvm_ConcreteJob", keys: { InstanceID: anyGuid() } } },
    });
    expect((await session.get(vmRef(db!.id)))?.properties["EnabledState"]).toBe(10);
    // While Starting, every request is 32775 (inferred, see invokeVm): a second start and a turn-off alike.
    for (const requested of [2, 3]) {
      expect(
        (await session.invoke(vmRef(db!.id), "RequestStateChange", { RequestedState: requested }))
          .returnValue,
      ).toBe(32775);
    }
    const job = (await sim.jobs()).find((j) => j.instanceId === jobIdOf(started));
    expect(job).toMatchObject({
      method: "RequestStateChange",
      jobType: 12,
      vmId: db!.id,
      collectionId: PAYROLL_ID,
    });
    clock.advance(1000);
    expect((await session.get(vmRef(db!.id)))?.properties).toMatchObject({
      EnabledState: 2,
      ReplicationState: 5,
      ReplicationMode: 2,
      ReplicationHealth: 1,
    });
    expect(
      (await session.get({ className: "Msvm_ConcreteJob", keys: { InstanceID: jobIdOf(started) } }))
        ?.properties["Name"],
    ).toBe("Start Virtual Machine");
    expect(
      (await session.invoke(vmRef(db!.id), "RequestStateChange", { RequestedState: 2 })).returnValue,
    ).toBe(32775);
  });

  it("lists a VM's own jobs over Msvm_AffectedJobElement from the VM, and ends held jobs on request", async () => {
    const { sim, session, clock } = await replica(5);
    const [db, web] = (await sim.collection(PAYROLL_ID))!.members;
    await sim.setJobDuration("RequestStateChange", null);
    const started = await session.invoke(vmRef(db!.id), "RequestStateChange", { RequestedState: 2 });
    const jobsOf = async (id: string) =>
      (
        await session.associators(vmRef(id), {
          association: "Msvm_AffectedJobElement",
          resultClass: "Msvm_ConcreteJob",
        })
      ).map((j) => [j.properties["InstanceID"], j.properties["JobType"], j.properties["JobState"]]);
    clock.advance(600);
    expect(await jobsOf(db!.id)).toEqual([[jobIdOf(started), 12, 4]]);
    expect(await jobsOf(web!.id)).toEqual([]);
    clock.advance(3_600_000);
    expect((await session.get(vmRef(db!.id)))?.properties["EnabledState"]).toBe(10);
    expect(await sim.finishRunningJobs("RequestStateChange")).toBe(1);
    expect((await session.get(vmRef(db!.id)))?.properties["EnabledState"]).toBe(2);
    expect(await jobsOf(db!.id)).toEqual([[jobIdOf(started), 12, 7]]);
    expect(await sim.finishRunningJobs("RequestStateChange")).toBe(0);
  });

  it("answers the documented codes: 32773 without a number, 32775 for an unsupported request or the same state", async () => {
    const { sim, session } = await replica(5);
    const [db] = (await sim.collection(PAYROLL_ID))!.members;
    const rsc = (args: Record<string, number | string>) =>
      session.invoke(vmRef(db!.id), "RequestStateChange", args).then((r) => r.returnValue);
    expect(await rsc({})).toBe(32773);
    expect(await rsc({ RequestedState: "2" })).toBe(32773);
    expect(await rsc({ RequestedState: 7 })).toBe(32775);
    expect(await rsc({ RequestedState: 3 })).toBe(32775);
    expect((await session.invoke(vmRef(db!.id), "Shutdown", {})).returnValue).toBe(32770);
    expect(await sim.jobs()).toEqual([]);
  });

  it("make RevertFailover, InitiatePlannedFailover and PrepareForReverseReplication refuse while one runs", async () => {
    const { sim, session } = await replica(5);
    await sim.setVmState(PAYROLL_ID, "pay-web", 2);
    expect((await session.invoke(SERVICE, "RevertFailover", payroll)).returnValue).toBe(32775);
    await sim.setVmState(PAYROLL_ID, "pay-web", 3);
    expect((await session.invoke(SERVICE, "RevertFailover", payroll)).returnValue).toBe(4096);

    const primary = await sim.addCollection({ name: "hr", replicationMode: 1, members: ["hr-app"] });
    expect(primary.members.map((m) => m.enabledState)).toEqual([2]);
    for (const method of ["InitiatePlannedFailover", "PrepareForReverseReplication"]) {
      expect(
        (await session.invoke(SERVICE, method, { Collection: collectionRef(primary.id) })).returnValue,
      ).toBe(32775);
    }
  });
});

describe("GetReplicationStatistics", () => {
  it("returns the seeded statistics as a CIM-XML Msvm_CollectionReplicationStatistics, and the health issues", async () => {
    const { sim, session, clock } = await replica();
    await sim.setHealth(PAYROLL_ID, {
      issues: ["Replication for pay-db is missing 3 cycles.", "Group replication is in a critical state."],
      vmHealth: { "pay-db": 3 },
      statistics: { ReplicationSize: 123456789012, NetworkFailureCount: 4 },
      lastWALReplicationTime: T0 - HOUR,
    });
    clock.advance(60_000);
    const result = await session.invoke(SERVICE, "GetReplicationStatistics", payroll);
    const p = (name: string, type: string, value?: string) =>
      `<PROPERTY NAME="${name}" TYPE="${type}">${value === undefined ? "" : `<VALUE>${value}</VALUE>`}</PROPERTY>`;
    expect(result).toEqual({
      returnValue: 0,
      outParameters: {
        ReplicationStatistics:
          '<INSTANCE CLASSNAME="Msvm_CollectionReplicationStatistics">' +
          p("InstanceID", "string", `Microsoft:${PAYROLL_ID}`) +
          p("ElementName", "string", "payroll") +
          p("StartStatisticTime", "datetime") +
          p("EndStatisticTime", "datetime", "20260101000100.000000+000") +
          p("ReplicationWALSuccessCount", "uint32", "0") +
          p("ReplicationWALMissCount", "uint32", "0") +
          p("ReplicationSize", "uint64", "123456789012") +
          p("MaxReplicationSize", "uint64", "0") +
          p("PendingReplicationSize", "uint64", "0") +
          p("NetworkFailureCount", "uint32", "4") +
          p("ReplicationFailureCount", "uint32", "0") +
          p("ApplicationConsistentSnapshotFailureCount", "uint32", "0") +
          p("MaxReplicationLatency", "uint32", "0") +
          p("ReplicationHealth", "uint32", "3") +
          p("LastWALReplicationTime", "datetime", "20251231230000.000000+000") +
          p("LastTestFailoverTime", "datetime") +
          "</INSTANCE>",
        ReplicationHealthIssues: [
          "Replication for pay-db is missing 3 cycles.",
          "Group replication is in a critical state.",
        ],
      },
    });
    expect((await sim.collection(PAYROLL_ID))!.members.map((m) => m.replicationHealth)).toEqual([3, 1]);

    expect(await session.invoke(SERVICE, "ResetReplicationStatistics", payroll)).toEqual({
      returnValue: 0,
      outParameters: {},
    });
    const reset = await session.invoke(SERVICE, "GetReplicationStatistics", payroll);
    expect(reset.outParameters["ReplicationStatistics"]).toContain(
      p("StartStatisticTime", "datetime", "20260101000100.000000+000"),
    );
    expect(reset.outParameters["ReplicationStatistics"]).toContain(p("ReplicationSize", "uint64", "0"));
  });

  it("refuses bad seeds with the field named and changes nothing", async () => {
    const { sim } = await replica();
    await expect(sim.setHealth(PAYROLL_ID, { issues: ["x"], vmHealth: { "pay-db": 7 } })).rejects.toThrow(
      "vmHealth.pay-db must be 0 N/A, 1 Ok, 2 Warning or 3 Critical, got 7",
    );
    await expect(sim.setHealth(PAYROLL_ID, { statistics: { Bogus: 1 } as never })).rejects.toThrow(
      "Bogus is not a counter",
    );
    await expect(sim.setHealth(PAYROLL_ID, { issues: ["x"], answer: "later" as never })).rejects.toThrow(
      "answer must be completed, jobWithStatistics, jobThenCallAgain, got later",
    );
    await expect(sim.addRecoveryPoint(PAYROLL_ID, { creationTime: "yesterday" })).rejects.toThrow(
      "creationTime must be a time (ISO 8601 or epoch ms), got yesterday",
    );
    const { session } = { session: sim.session() };
    const result = await session.invoke(SERVICE, "GetReplicationStatistics", payroll);
    expect(result.outParameters["ReplicationHealthIssues"]).toEqual([]);
    expect((await sim.recoveryPoints(PAYROLL_ID)).length).toBe(2);
  });
});

describe("the Cancel methods", () => {
  it("CancelResynchronize terminates the running resynchronization and leaves 9", async () => {
    const { sim, session, clock } = setup();
    await sim.addCollection({ id: PAYROLL_ID, name: "payroll", replicationMode: 1, replicationState: 8 });
    const resync = await session.invoke(SERVICE, "Resynchronize", payroll);
    expect((await session.invoke(SERVICE, "CancelInitialReplication", payroll)).returnValue).toBe(32775);
    expect((await session.invoke(SERVICE, "CancelResynchronize", payroll)).returnValue).toBe(4096);
    const jobs = await sim.jobs();
    expect(jobs.map((j) => [j.method, j.jobType, j.jobState])).toEqual([
      ["Resynchronize", 107, 8],
      ["CancelResynchronize", 110, 3],
    ]);
    expect(jobs[0]!.instanceId).toBe(jobIdOf(resync));
    clock.advance(500);
    expect((await sim.collection(PAYROLL_ID))?.replicationState).toBe(9);
  });

  it("CancelInitialReplication terminates the running initial replication and leaves 1", async () => {
    const { sim, session, clock } = setup();
    await sim.addCollection({ id: PAYROLL_ID, name: "payroll", replicationMode: 1, replicationState: 1 });
    await session.invoke(SERVICE, "StartReplication", { ...payroll, InitialReplicationType: 1 });
    expect((await sim.collection(PAYROLL_ID))?.replicationState).toBe(2);
    expect((await session.invoke(SERVICE, "CancelInitialReplication", payroll)).returnValue).toBe(4096);
    clock.advance(5000);
    expect((await sim.collection(PAYROLL_ID))?.replicationState).toBe(1);
    expect((await sim.jobs()).map((j) => [j.method, j.jobState])).toEqual([
      ["StartReplication", 8],
      ["CancelInitialReplication", 7],
    ]);
  });
});
