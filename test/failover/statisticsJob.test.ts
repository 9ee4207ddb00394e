/**
 * GetReplicationStatistics may answer 4096 with a job (documented; JobType 111 "Get Replica statistics"). The
 * provider waits for the job, then takes the statistics from the call's reply, or calls again when the reply had
 * none (inferred: the docs do not say which). With requireHealthy the failover goes ahead on Ok health, and is
 * refused with no failover call on Critical health or on a statistics job that failed.
 */
import { describe, expect, it } from "vitest";
import { COLLECTION, ID, inputs, olds, rejection, SERVICE, setup, where } from "./fixtures";

type Sim = Awaited<ReturnType<typeof setup>>["sim"];

/** The calls the host received, as `method -> return value` (Job methods by their class). */
const callLines = async (sim: Sim) =>
  (await sim.calls()).map(
    (c) => `${c.className === SERVICE.className ? "" : `${c.className}.`}${c.method} -> ${c.returnValue}`,
  );

describe.each([
  [
    "jobWithStatistics" as const,
    "in the same reply",
    ["GetReplicationStatistics -> 4096", "InitiateFailover -> 4096", "GetReplicationStatistics -> 4096"],
  ],
  [
    "jobThenCallAgain" as const,
    "from a call made after the job",
    [
      "GetReplicationStatistics -> 4096",
      "GetReplicationStatistics -> 0",
      "InitiateFailover -> 4096",
      // The statistics job that the guard waited for is still kept (TimeBeforeRemoval), so this call answers at once.
      "GetReplicationStatistics -> 0",
    ],
  ],
])("GetReplicationStatistics answering with a job, the statistics %s", (answer, _how, calls) => {
  it("lets a requireHealthy failover through on Ok health after waiting for the job", async () => {
    const { sim, rt, clock } = await setup();
    await sim.setHealth(ID, { answer, replicationHealth: 1 });
    const start = clock.now();

    const updated = await rt.update(ID, olds("normal", 3), inputs("failedOver", { requireHealthy: true }));

    expect(await callLines(sim)).toEqual(calls);
    const [statistics] = await sim.calls();
    expect(statistics).toMatchObject({ arguments: { Collection: COLLECTION }, at: start });
    const [job] = (await sim.jobs()).filter((j) => j.jobType === 111);
    expect(job).toMatchObject({ method: "GetReplicationStatistics", jobState: 7, collectionId: ID });
    // The failover is called only once the statistics job has completed and its health was read.
    const initiate = (await sim.calls()).find((c) => c.method === "InitiateFailover");
    expect(initiate!.at).toBeGreaterThanOrEqual(job!.finishedAt!);
    expect(updated.outs).toMatchObject({
      failoverState: "failedOver",
      replicationState: 5,
      replicationHealth: "Ok",
      replicationHealthIssues: [],
    });
  });

  it("refuses the failover on Critical health read from the job's statistics, calling no failover method", async () => {
    const { sim, rt } = await setup();
    await sim.setHealth(ID, {
      answer,
      replicationHealth: 3,
      issues: ["'sql-b' replication is in a critical state."],
    });

    const error = await rejection(
      rt.update(ID, olds("normal", 3), inputs("failedOver", { requireHealthy: true })),
    );

    expect(error.message).toBe(
      `Invalid state: requireHealthy is set and the replication health is Critical (3), so InitiateFailover was not called; health issues: ''sql-b' replication is in a critical state.' ${where()}. Fix the replication issues listed, or set requireHealthy: false to fail over anyway (a disaster may leave no choice)`,
    );
    expect(await callLines(sim)).toEqual(calls.slice(0, answer === "jobWithStatistics" ? 1 : 2));
    expect((await sim.collection(ID))?.replicationState).toBe(3);
  });
});

describe("a statistics job that fails", () => {
  it("refuses a requireHealthy failover with the job's error, calling no failover method", async () => {
    const { sim, rt } = await setup();
    await sim.setHealth(ID, { answer: "jobWithStatistics" });
    await sim.injectFault({
      kind: "jobFails",
      method: "GetReplicationStatistics",
      jobState: 10,
      errorCode: 32768,
      errorDescription: "The replication statistics could not be gathered.",
    });

    const error = await rejection(
      rt.update(ID, olds("normal", 3), inputs("failedOver", { requireHealthy: true })),
    );

    const [job] = await sim.jobs();
    expect(error.message).toBe(
      `Invalid state: requireHealthy is set, and the replication health could not be read (Hyper-V job failed: job ${job!.instanceId} ended Exception (10) with ErrorCode 32768: The replication statistics could not be gathered. ${where("GetReplicationStatistics")}. Refresh the stack to see the collection's state; the Hyper-V-VMMS-Admin event log on the host has the details), so InitiateFailover was not called ${where()}. Check the collection's replication (Measure-VMReplication on the replica), or set requireHealthy: false to fail over regardless`,
    );
    expect(await callLines(sim)).toEqual([
      "GetReplicationStatistics -> 4096",
      "Msvm_ConcreteJob.GetErrorEx -> 0",
    ]);
    expect((await sim.collection(ID))?.replicationState).toBe(3);
  });
});
