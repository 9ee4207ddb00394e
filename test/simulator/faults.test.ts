import { describe, expect, it } from "vitest";
import { CimError } from "../../provider/cim";
import { collectionRef, jobIdOf, jobRef, PAYROLL_ID, SERVICE, setup, T0 } from "./fixtures";

const PAYROLL = { Collection: collectionRef(PAYROLL_ID) };

async function replicating() {
  const fixture = setup();
  await fixture.sim.addCollection({ id: PAYROLL_ID, name: "payroll" });
  return fixture;
}

describe("returnCode fault", () => {
  it("answers the next calls of the method with the code and changes nothing", async () => {
    const { sim, session } = await replicating();
    await sim.injectFault({ kind: "returnCode", method: "InitiateFailover", code: 32777, times: 2 });

    const codes = [];
    for (let i = 0; i < 3; i++)
      codes.push((await session.invoke(SERVICE, "InitiateFailover", PAYROLL)).returnValue);

    expect(codes).toEqual([32777, 32777, 4096]);
    expect((await sim.jobs()).length).toBe(1);
  });

  it("fires before the state is checked and leaves other methods alone", async () => {
    const { sim, session } = await replicating();
    await sim.injectFault({ kind: "returnCode", method: "CommitFailover", code: 0 });

    expect((await session.invoke(SERVICE, "RevertFailover", PAYROLL)).returnValue).toBe(32775);
    expect(await session.invoke(SERVICE, "CommitFailover", PAYROLL)).toEqual({
      returnValue: 0,
      outParameters: {},
    });
    expect((await sim.collection(PAYROLL_ID))?.replicationState).toBe(3);
  });

  it('fires until cleared when times is "always"', async () => {
    const { sim, session } = await replicating();
    await sim.injectFault({ kind: "returnCode", method: "InitiateFailover", code: 32774, times: "always" });
    for (let i = 0; i < 5; i++)
      expect((await session.invoke(SERVICE, "InitiateFailover", PAYROLL)).returnValue).toBe(32774);

    await sim.clearFaults();
    expect((await session.invoke(SERVICE, "InitiateFailover", PAYROLL)).returnValue).toBe(4096);
  });

  it("refuses a malformed count", async () => {
    const { sim } = await replicating();
    await expect(sim.injectFault({ kind: "unreachable", times: 0 })).rejects.toThrow(
      'fault times must be a positive integer or "always", got 0',
    );
  });
});

describe("jobFails fault", () => {
  it("ends the job in the given state after its normal duration and restores the collection", async () => {
    const { sim, session, clock } = await replicating();
    await sim.injectFault({
      kind: "jobFails",
      method: "InitiateFailover",
      jobState: 10,
      errorCode: 32768,
      errorDescription: "The replica VM pay-db could not be started.",
      errorSummaryDescription: "Failover failed for payroll.",
    });
    const jobId = jobIdOf(await session.invoke(SERVICE, "InitiateFailover", PAYROLL));
    clock.advance(2999);
    const before = (await sim.jobs())[0]?.jobState;
    clock.advance(1);

    expect(before).toBe(4);
    expect(await sim.jobs()).toEqual([
      {
        instanceId: jobId,
        method: "InitiateFailover",
        jobType: 97,
        collectionId: PAYROLL_ID,
        jobState: 10,
        percentComplete: 99,
        errorCode: 32768,
        errorDescription: "The replica VM pay-db could not be started.",
        errorSummaryDescription: "Failover failed for payroll.",
        cancellable: true,
        submittedAt: T0,
        finishedAt: T0 + 3000,
      },
    ]);
    expect((await session.get(jobRef(jobId)))?.properties).toMatchObject({
      JobStatus: "Job failed",
      ErrorDescription: "The replica VM pay-db could not be started.",
      OperationalStatus: [6, 17],
    });
    expect(await sim.collection(PAYROLL_ID)).toMatchObject({
      replicationState: 3,
      failedOverReplicationType: 0,
    });
  });

  it("is spent only by a call that starts a job", async () => {
    const { sim, session, clock } = await replicating();
    await sim.injectFault({
      kind: "jobFails",
      method: "CommitFailover",
      jobState: 9,
      errorCode: 1,
      errorDescription: "killed",
    });
    expect((await session.invoke(SERVICE, "CommitFailover", PAYROLL)).returnValue).toBe(32775);

    await sim.setCollection(PAYROLL_ID, { replicationState: 5, failedOverReplicationType: 1 });
    await session.invoke(SERVICE, "CommitFailover", PAYROLL);
    clock.advance(1500);

    expect((await sim.jobs()).map((j) => [j.jobState, j.errorSummaryDescription])).toEqual([[9, "killed"]]);
    expect(await sim.collection(PAYROLL_ID)).toMatchObject({
      replicationState: 5,
      failedOverReplicationType: 1,
    });
  });
});

describe("jobHangs fault", () => {
  it("keeps the job Running at a fixed percentage, until terminated", async () => {
    const { sim, session, clock } = await replicating();
    await sim.injectFault({ kind: "jobHangs", method: "InitiateFailover" });
    const jobId = jobIdOf(await session.invoke(SERVICE, "InitiateFailover", PAYROLL));

    const percents = [];
    for (const step of [1000, 2000, 60_000, 3_600_000]) {
      clock.advance(step);
      const job = (await sim.jobs())[0]!;
      percents.push([job.jobState, job.percentComplete]);
    }
    expect(percents).toEqual([
      [4, 33],
      [4, 50],
      [4, 50],
      [4, 50],
    ]);
    expect((await sim.collection(PAYROLL_ID))?.replicationState).toBe(4);

    await session.invoke(jobRef(jobId), "RequestStateChange", { RequestedState: 4 });
    expect((await sim.collection(PAYROLL_ID))?.replicationState).toBe(3);
  });
});

describe("unreachable fault", () => {
  it("makes the next calls of any kind throw, logging the invokes that never arrived", async () => {
    const { sim, session } = await replicating();
    await sim.injectFault({ kind: "unreachable", times: 3 });
    const outage = new CimError("unreachable", "hv-sim (simulator) did not answer (simulated outage)");

    await expect(session.query("Msvm_VirtualSystemCollection")).rejects.toEqual(outage);
    await expect(session.get(collectionRef(PAYROLL_ID))).rejects.toEqual(outage);
    await expect(session.invoke(SERVICE, "InitiateFailover", PAYROLL)).rejects.toEqual(outage);
    expect((await session.query("Msvm_VirtualSystemCollection")).length).toBe(1);

    expect(await sim.calls()).toEqual([
      {
        at: T0,
        className: SERVICE.className,
        method: "InitiateFailover",
        collectionId: PAYROLL_ID,
        arguments: PAYROLL,
        error: outage.message,
      },
    ]);
    expect(await sim.jobs()).toEqual([]);
  });
});

describe("wbemError fault", () => {
  it("throws a WBEM error with no return value, changes nothing, and is logged", async () => {
    const { sim, session } = await replicating();
    await sim.injectFault({ kind: "wbemError", method: "InitiateFailover" });
    await sim.injectFault({ kind: "wbemError", method: "InitiateFailover", message: "Generic failure" });

    await expect(session.invoke(SERVICE, "InitiateFailover", PAYROLL)).rejects.toEqual(
      new CimError("wbem", "The method call failed."),
    );
    await expect(session.invoke(SERVICE, "InitiateFailover", PAYROLL)).rejects.toEqual(
      new CimError("wbem", "Generic failure"),
    );

    expect((await sim.calls()).map((c) => [c.method, c.returnValue, c.error])).toEqual([
      ["InitiateFailover", undefined, "The method call failed."],
      ["InitiateFailover", undefined, "Generic failure"],
    ]);
    expect(await sim.collection(PAYROLL_ID)).toMatchObject({ replicationState: 3 });
  });
});

describe("slow fault", () => {
  it("makes the next calls wait on the clock first, so they happen later", async () => {
    const { sim, session, clock } = await replicating();
    await sim.injectFault({ kind: "slow", delayMs: 30_000, times: 2 });

    await session.query("Msvm_ConcreteJob");
    await session.invoke(SERVICE, "InitiateFailover", PAYROLL);
    await session.query("Msvm_ConcreteJob");

    expect(clock.now()).toBe(T0 + 60_000);
    expect((await sim.calls()).map((c) => c.at)).toEqual([T0 + 60_000]);
    expect((await sim.jobs())[0]?.submittedAt).toBe(T0 + 60_000);
  });

  it("gives up waiting when the call's signal aborts", async () => {
    const { sim, session } = await replicating();
    await sim.injectFault({ kind: "slow", delayMs: 30_000 });
    const controller = new AbortController();
    const pending = session.query("Msvm_ConcreteJob", {}, { signal: controller.signal });
    controller.abort(new Error("deadline"));

    await expect(pending).rejects.toThrow("deadline");
  });
});
