/**
 * GetReplicationStatistics seeded to answer with a job, as its documented return list allows ("Method Parameters
 * Checked - Job Started (4096)"; JobType 111 "Get Replica statistics"): the statistics in the same reply, or left for
 * a call made once the job has completed (which of the two a host does is not documented).
 */
import { describe, expect, it } from "vitest";
import { collectionRef, jobIdOf, PAYROLL_ID, SERVICE, setup } from "./fixtures";

async function replica() {
  const fixture = setup();
  await fixture.sim.addCollection({ id: PAYROLL_ID, name: "payroll", members: ["pay-db", "pay-web"] });
  return fixture;
}

const payroll = { Collection: collectionRef(PAYROLL_ID) };

describe("GetReplicationStatistics seeded to answer with a job (JobType 111)", () => {
  it("with the statistics in the reply: 4096, a Job that completes, and no other change", async () => {
    const { sim, session, clock } = await replica();
    await sim.setHealth(PAYROLL_ID, { answer: "jobWithStatistics" });

    const result = await session.invoke(SERVICE, "GetReplicationStatistics", payroll);
    clock.advance(500);

    expect(result.returnValue).toBe(4096);
    expect(Object.keys(result.outParameters).sort()).toEqual([
      "Job",
      "ReplicationHealthIssues",
      "ReplicationStatistics",
    ]);
    expect((await sim.jobs()).map((j) => [j.method, j.jobType, j.jobState, j.instanceId])).toEqual([
      ["GetReplicationStatistics", 111, 7, jobIdOf(result)],
    ]);
    expect((await sim.collection(PAYROLL_ID))?.replicationState).toBe(3);
  });

  it("with the statistics left for a call after the job: 4096 with the Job only, then 0 once it completed", async () => {
    const { sim, session, clock } = await replica();
    await sim.setHealth(PAYROLL_ID, { answer: "jobThenCallAgain" });

    const first = await session.invoke(SERVICE, "GetReplicationStatistics", payroll);
    const whileRunning = await session.invoke(SERVICE, "GetReplicationStatistics", payroll);
    clock.advance(500);
    const after = await session.invoke(SERVICE, "GetReplicationStatistics", payroll);

    expect([first, whileRunning].map((r) => [r.returnValue, Object.keys(r.outParameters)])).toEqual([
      [4096, ["Job"]],
      [4096, ["Job"]],
    ]);
    expect(after.returnValue).toBe(0);
    expect(Object.keys(after.outParameters).sort()).toEqual([
      "ReplicationHealthIssues",
      "ReplicationStatistics",
    ]);
  });
});
