import { describe, expect, it } from "vitest";
import { collectionRef, jobIdOf, jobRef, PAYROLL_ID, SERVICE, setup, T0, T0_CIM } from "./fixtures";

/** A Replica collection with an InitiateFailover (or `method`) job started at T0. */
async function started(method = "InitiateFailover", replicationState = 3) {
  const fixture = setup();
  await fixture.sim.addCollection({ id: PAYROLL_ID, name: "payroll", replicationState, members: ["pay-db"] });
  const result = await fixture.session.invoke(SERVICE, method, { Collection: collectionRef(PAYROLL_ID) });
  return { ...fixture, jobId: jobIdOf(result) };
}

describe("job progression", () => {
  it("is Starting for 10 % of the duration, then Running with a growing percentage, then Completed at 100", async () => {
    const { session, clock, jobId } = await started();
    const samples: [number, number, number][] = [];
    for (let at = 0; at <= 3100; at += 100) {
      const job = await session.get(jobRef(jobId));
      samples.push([at, job?.properties["JobState"] as number, job?.properties["PercentComplete"] as number]);
      clock.advance(100);
    }

    const at = (ms: number) => samples.find(([t]) => t === ms)!.slice(1);
    expect([at(0), at(200), at(300), at(1500), at(2900), at(3000), at(3100)]).toEqual([
      [3, 0],
      [3, 0],
      [4, 10],
      [4, 50],
      [4, 96],
      [7, 100],
      [7, 100],
    ]);
    const percents = samples.map(([, , percent]) => percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
  });

  it("starts for at most 500 ms on a long job", async () => {
    const { sim, session, clock } = setup();
    await sim.addCollection({ id: PAYROLL_ID, name: "payroll" });
    await sim.setJobDuration("InitiateFailover", 60_000);
    const jobId = jobIdOf(
      await session.invoke(SERVICE, "InitiateFailover", { Collection: collectionRef(PAYROLL_ID) }),
    );

    clock.advance(499);
    expect((await session.get(jobRef(jobId)))?.properties["JobState"]).toBe(3);
    clock.advance(1);
    expect((await session.get(jobRef(jobId)))?.properties["JobState"]).toBe(4);
  });

  it("reads as a whole Msvm_ConcreteJob while running", async () => {
    const { session, clock, jobId } = await started();
    clock.advance(1500);

    expect(await session.get(jobRef(jobId))).toEqual({
      className: "Msvm_ConcreteJob",
      properties: {
        InstanceID: jobId,
        Name: "Initiate Failover",
        JobState: 4,
        PercentComplete: 50,
        JobStatus: "Job is running",
        ErrorCode: 0,
        ErrorDescription: null,
        ErrorSummaryDescription: null,
        Cancellable: true,
        JobType: 97,
        TimeSubmitted: T0_CIM,
        StartTime: "20260101000000.300000+000",
        ElapsedTime: "00000000000001.500000:000",
        TimeOfLastStateChange: "20260101000000.300000+000",
        TimeBeforeRemoval: "00000000000500.000000:000",
        OperationalStatus: [2],
        DeleteOnCompletion: false,
      },
    });
  });

  it("keeps the finish time and a fixed elapsed time once completed", async () => {
    const { sim, session, clock, jobId } = await started("RevertFailover", 5);
    clock.advance(60_000);

    expect(await sim.jobs()).toEqual([
      {
        instanceId: jobId,
        method: "RevertFailover",
        jobType: 98,
        collectionId: PAYROLL_ID,
        jobState: 7,
        percentComplete: 100,
        errorCode: 0,
        errorDescription: "",
        errorSummaryDescription: "",
        cancellable: false,
        submittedAt: T0,
        finishedAt: T0 + 2000,
      },
    ]);
    expect((await session.get(jobRef(jobId)))?.properties).toMatchObject({
      Name: "Revert Failover",
      JobStatus: "Job completed successfully",
      ElapsedTime: "00000000000002.000000:000",
      TimeOfLastStateChange: "20260101000002.000000+000",
      OperationalStatus: [2, 17],
    });
  });

  it("uses the duration set for the method, and null for a job that never finishes", async () => {
    const { sim, session, clock } = setup();
    await sim.addCollection({ id: PAYROLL_ID, name: "payroll" });
    await sim.setJobDuration("InitiateFailover", null);
    await session.invoke(SERVICE, "InitiateFailover", { Collection: collectionRef(PAYROLL_ID) });
    clock.advance(24 * 3_600_000);

    expect((await sim.jobs()).map((j) => [j.jobState, j.percentComplete])).toEqual([[4, 50]]);
    expect((await sim.collection(PAYROLL_ID))?.replicationState).toBe(4);
    await expect(sim.setJobDuration("GetReplicationStatistics", 10)).rejects.toThrow(
      "GetReplicationStatistics does not start a job in the simulator",
    );
  });

  it("disappears once TimeBeforeRemoval has passed since it finished", async () => {
    const { sim, session, clock, jobId } = await started();
    clock.advance(3000 + 5 * 60_000 - 1);
    expect((await session.get(jobRef(jobId)))?.properties["JobState"]).toBe(7);

    clock.advance(1);
    expect(await session.get(jobRef(jobId))).toBeUndefined();
    expect(await session.query("Msvm_ConcreteJob")).toEqual([]);
    expect(
      await session.associators(collectionRef(PAYROLL_ID), { association: "Msvm_AffectedJobElement" }),
    ).toEqual([]);
    expect(await sim.jobs()).toEqual([]);
  });

  it("honours a shorter TimeBeforeRemoval option", async () => {
    const { sim, session, clock } = setup({ timeBeforeRemovalMs: 1000 });
    await sim.addCollection({ id: PAYROLL_ID, name: "payroll", replicationState: 5 });
    const jobId = jobIdOf(
      await session.invoke(SERVICE, "CommitFailover", { Collection: collectionRef(PAYROLL_ID) }),
    );

    expect((await session.get(jobRef(jobId)))?.properties["TimeBeforeRemoval"]).toBe(
      "00000000000001.000000:000",
    );
    clock.advance(2500);
    expect(await sim.jobs()).toEqual([]);
  });
});

describe("GetErrorEx", () => {
  it("returns no Errors for a running or completed job", async () => {
    const { session, clock, jobId } = await started();
    expect(await session.invoke(jobRef(jobId), "GetErrorEx", {})).toEqual({
      returnValue: 0,
      outParameters: {},
    });
    clock.advance(3000);
    expect(await session.invoke(jobRef(jobId), "GetErrorEx", {})).toEqual({
      returnValue: 0,
      outParameters: {},
    });
  });

  it("returns a CIM-XML error carrying the description of a failed job", async () => {
    const { sim, session, clock } = setup();
    await sim.addCollection({ id: PAYROLL_ID, name: "payroll" });
    await sim.injectFault({
      kind: "jobFails",
      method: "InitiateFailover",
      jobState: 10,
      errorCode: 32768,
      errorDescription: "Could not apply the <recovery> point & failed",
    });
    const jobId = jobIdOf(
      await session.invoke(SERVICE, "InitiateFailover", { Collection: collectionRef(PAYROLL_ID) }),
    );
    clock.advance(3000);

    expect(await session.invoke(jobRef(jobId), "GetErrorEx", {})).toEqual({
      returnValue: 0,
      outParameters: {
        Errors: [
          '<INSTANCE CLASSNAME="Msvm_Error">' +
            `<PROPERTY NAME="ErrorSource" TYPE="string"><VALUE>${PAYROLL_ID}</VALUE></PROPERTY>` +
            '<PROPERTY NAME="ErrorType" TYPE="uint16"><VALUE>4</VALUE></PROPERTY>' +
            '<PROPERTY NAME="Message" TYPE="string"><VALUE>Could not apply the &lt;recovery&gt; point &amp; failed</VALUE></PROPERTY>' +
            '<PROPERTY NAME="MessageID" TYPE="string"><VALUE>32768</VALUE></PROPERTY>' +
            '<PROPERTY NAME="OwningEntity" TYPE="string"><VALUE>Microsoft-Windows-Hyper-V-VMMS</VALUE></PROPERTY>' +
            '<PROPERTY NAME="PerceivedSeverity" TYPE="uint16"><VALUE>6</VALUE></PROPERTY>' +
            "</INSTANCE>",
        ],
      },
    });
  });

  it("answers 32773 for a job that does not exist and 32770 for a method jobs do not have", async () => {
    const { session, jobId } = await started();
    expect((await session.invoke(jobRef("no-such-job"), "GetErrorEx", {})).returnValue).toBe(32773);
    expect((await session.invoke(jobRef(jobId), "KillJob", { DeleteOnKill: true })).returnValue).toBe(32770);
  });
});

describe("RequestStateChange(Terminate)", () => {
  it("terminates a running InitiateFailover job and puts the collection back", async () => {
    const { sim, session, clock, jobId } = await started();
    clock.advance(1000);

    expect(await session.invoke(jobRef(jobId), "RequestStateChange", { RequestedState: 4 })).toEqual({
      returnValue: 0,
      outParameters: {},
    });
    clock.advance(5000);
    expect(await sim.jobs()).toEqual([
      {
        instanceId: jobId,
        method: "InitiateFailover",
        jobType: 97,
        collectionId: PAYROLL_ID,
        jobState: 8,
        percentComplete: 33,
        errorCode: 32768,
        errorDescription: "The InitiateFailover job was terminated by a RequestStateChange request.",
        errorSummaryDescription: "Initiate Failover was cancelled.",
        cancellable: true,
        submittedAt: T0,
        finishedAt: T0 + 1000,
      },
    ]);
    expect((await sim.collection(PAYROLL_ID))?.replicationState).toBe(3);
    expect((await session.get(jobRef(jobId)))?.properties["OperationalStatus"]).toEqual([10, 17]);
  });

  it("is an invalid state on a finished job or a job that cannot be cancelled", async () => {
    const finished = await started();
    finished.clock.advance(3000);
    const revert = await started("RevertFailover", 5);

    expect(
      (await finished.session.invoke(jobRef(finished.jobId), "RequestStateChange", { RequestedState: 4 }))
        .returnValue,
    ).toBe(32775);
    expect(
      (await revert.session.invoke(jobRef(revert.jobId), "RequestStateChange", { RequestedState: 4 }))
        .returnValue,
    ).toBe(32775);
    expect((await revert.sim.jobs())[0]?.jobState).toBe(3); // still Starting, not Terminated
  });

  it("supports only Terminate, needs RequestedState, and needs the job to exist", async () => {
    const { session, jobId } = await started();
    expect(
      (await session.invoke(jobRef(jobId), "RequestStateChange", { RequestedState: 3 })).returnValue,
    ).toBe(32770);
    expect((await session.invoke(jobRef(jobId), "RequestStateChange", {})).returnValue).toBe(32773);
    expect(
      (await session.invoke(jobRef("gone"), "RequestStateChange", { RequestedState: 4 })).returnValue,
    ).toBe(32773);
  });

  it("is logged against the job and its collection", async () => {
    const { sim, session, jobId } = await started();
    await session.invoke(jobRef(jobId), "RequestStateChange", { RequestedState: 4 });
    expect((await sim.calls())[1]).toEqual({
      at: T0,
      className: "Msvm_ConcreteJob",
      method: "RequestStateChange",
      collectionId: PAYROLL_ID,
      arguments: { RequestedState: 4 },
      returnValue: 0,
      jobId,
    });
  });
});

describe("associators", () => {
  it("links a job and its collection both ways through Msvm_AffectedJobElement", async () => {
    const { session, jobId } = await started();
    const fromJob = await session.associators(jobRef(jobId), { association: "Msvm_AffectedJobElement" });
    const fromCollection = await session.associators(collectionRef(PAYROLL_ID), {
      association: "Msvm_AffectedJobElement",
      resultClass: "Msvm_ConcreteJob",
    });

    expect(fromJob.map((i) => [i.className, i.properties["CollectionID"]])).toEqual([
      ["Msvm_VirtualSystemCollection", PAYROLL_ID],
    ]);
    expect(fromCollection.map((i) => i.properties["InstanceID"])).toEqual([jobId]);
  });

  it("lists the member VMs through Msvm_CollectedVirtualSystems, and the collection from a member", async () => {
    const { sim, session } = await started();
    const [vm] = (await sim.collection(PAYROLL_ID))!.members;

    const members = await session.associators(collectionRef(PAYROLL_ID), {
      association: "Msvm_CollectedVirtualSystems",
      resultClass: "Msvm_ComputerSystem",
    });
    const owners = await session.associators(
      { className: "Msvm_ComputerSystem", keys: { Name: vm!.id } },
      { association: "Msvm_CollectedVirtualSystems" },
    );

    expect(members.map((i) => i.properties["Name"])).toEqual([vm!.id]);
    expect(owners.map((i) => i.properties["ElementName"])).toEqual(["payroll"]);
  });

  it("links recovery points and their collection both ways", async () => {
    const { sim, session } = await started();
    const points = await sim.recoveryPoints(PAYROLL_ID);
    const association = "Msvm_RecoveryPointOfVirtualSystemCollection";

    const fromCollection = await session.associators(collectionRef(PAYROLL_ID), { association });
    const fromPoint = await session.associators(
      {
        className: "Msvm_CollectionRecoveryPoint",
        keys: { InstanceID: points[0]!.instanceId, CollectionID: PAYROLL_ID },
      },
      { association },
    );

    expect(fromCollection.map((i) => i.properties["InstanceID"])).toEqual(points.map((p) => p.instanceId));
    expect(fromPoint.map((i) => i.properties["CollectionID"])).toEqual([PAYROLL_ID]);
  });

  it("follows every association when none is named, filtered by result class (superclasses included)", async () => {
    const { session } = await started();
    const classesOf = async (resultClass?: string) =>
      (
        await session.associators(collectionRef(PAYROLL_ID), resultClass === undefined ? {} : { resultClass })
      ).map((i) => i.className);

    expect(await classesOf()).toEqual([
      "Msvm_ConcreteJob",
      "Msvm_ComputerSystem",
      "Msvm_CollectionRecoveryPoint",
      "Msvm_CollectionRecoveryPoint",
    ]);
    expect(await classesOf("CIM_Job")).toEqual(["Msvm_ConcreteJob"]);
  });

  it("returns nothing for an unknown instance or association", async () => {
    const { session } = await started();
    expect(await session.associators(collectionRef("missing"), {})).toEqual([]);
    expect(
      await session.associators(collectionRef(PAYROLL_ID), { association: "Msvm_ElementSettingData" }),
    ).toEqual([]);
  });
});
