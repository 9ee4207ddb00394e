/**
 * A two-step plan whose second step fails ends in Pulumi's partial-failure error, carrying the outputs the host
 * shows afterwards, so the stack records the collection as it really is.
 */
import { describe, expect, it } from "vitest";
import { hostState, ID, inputs, methods, olds, rejection, setup, where } from "./fixtures";

const PROVIDER = "the serialized provider";

/** Going from normal straight to committed needs this acknowledgement (test/failover/dataLoss.test.ts). */
const ACKNOWLEDGED = { acknowledgeDataLoss: [`failover-and-commit:${ID}:2026-11-23T21:00:00Z`] };

describe("normal -> committed where CommitFailover fails", () => {
  it("on create, the error carries the id, the observed outputs (failedOver, 5) and the reason", async () => {
    const { sim, rt } = await setup();
    await sim.injectFault({
      kind: "jobFails",
      method: "CommitFailover",
      jobState: 10,
      errorCode: 32768,
      errorDescription: "The recovery snapshot could not be merged.",
    });

    const error = await rejection(rt.create({ ...inputs("committed", ACKNOWLEDGED), __provider: PROVIDER }));

    const [initiate, commit] = await sim.calls();
    const message = `Hyper-V job failed: job ${commit!.jobId} ended Exception (10) with ErrorCode 32768: The recovery snapshot could not be merged. ${where("CommitFailover")}. Refresh the stack to see the collection's state; the Hyper-V-VMMS-Admin event log on the host has the details`;
    expect(error.message).toBe(message);
    expect(error.id).toBe(ID);
    expect(error.reasons).toEqual([message]);
    expect(error.properties).toEqual({
      collectionId: ID,
      collectionName: "sql-cluster",
      failoverState: "failedOver",
      replicationState: 5,
      replicationStateName: "Recovered",
      replicationMode: "Replica",
      failedOverReplicationType: "Regular",
      hostSystemName: "hv-replica01",
      lastOperation: {
        method: "CommitFailover",
        jobId: commit!.jobId,
        jobState: "Exception",
        errorCode: 32768,
        startedAt: new Date(commit!.at).toISOString(),
        finishedAt: expect.any(String),
      },
      replicationHealth: "Ok",
      replicationHealthIssues: [],
      lastApplyTime: "2026-11-23T21:00:00.000Z",
      lastApplyConsistencyLevel: "CrashConsistent",
      virtualMachines: (await sim.collection(ID))!.members.map((vm) => ({
        name: vm.name,
        id: vm.id,
        enabledState: 3,
        enabledStateName: "Off",
        replicationState: 5,
        replicationHealth: "Ok",
      })),
      healthObservedAt: expect.any(String),
      observedAt: expect.any(String),
      recoveryPoint: "latest",
      requireHealthy: false,
      startVirtualMachines: false,
      jobTimeoutSeconds: 1800,
      cancelJobOnTimeout: false,
      connection: null,
      lastReport: expect.objectContaining({
        resource: "CollectionFailover",
        outcome: "failed",
        error: message,
      }),
      __provider: PROVIDER,
    });
    expect(initiate!.method).toBe("InitiateFailover");
    expect(await methods(sim)).toEqual(["InitiateFailover", "CommitFailover", "GetErrorEx"]);
    expect(await hostState(sim)).toBe(5);
  });

  it("on update, a refused CommitFailover leaves the outputs at failedOver, with the InitiateFailover record", async () => {
    const { sim, rt } = await setup();
    await sim.injectFault({ kind: "returnCode", method: "CommitFailover", code: 32768 });

    const error = await rejection(
      rt.update(ID, olds("normal", 3), { ...inputs("committed", ACKNOWLEDGED), __provider: PROVIDER }),
    );

    const [initiate] = await sim.calls();
    expect(error.message).toBe(
      `Hyper-V refused the call: CommitFailover returned 32768 (Failed) ${where("CommitFailover")}. Hyper-V gave no reason; the Microsoft-Windows-Hyper-V-VMMS-Admin event log on the host has the details`,
    );
    expect(error.id).toBe(ID);
    expect(error.reasons).toEqual([error.message]);
    expect(error.properties).toMatchObject({
      failoverState: "failedOver",
      replicationState: 5,
      lastOperation: { method: "InitiateFailover", jobId: initiate!.jobId, jobState: "Completed" },
      __provider: PROVIDER,
    });
    expect(await methods(sim)).toEqual(["InitiateFailover", "CommitFailover"]);
    expect(await hostState(sim)).toBe(5);
  });
});
