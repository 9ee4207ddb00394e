/**
 * Resume: a failover job already running for the collection (an interrupted run's, or an operator's) is waited for
 * instead of starting another, and an invoke whose reply was lost is never repeated blindly.
 */
import { describe, expect, it } from "vitest";
import { CimError } from "../../provider/cim";
import {
  actingCalls,
  hostState,
  ID,
  inputs,
  interruptedRun,
  methods,
  olds,
  rejection,
  setup,
  where,
} from "./fixtures";

describe("a failover job already running for the collection", () => {
  it("is waited for when the interrupted run is run again: one InitiateFailover in all", async () => {
    const { sim, rt, lines } = await setup();
    const jobId = await interruptedRun(sim, "InitiateFailover");

    const created = await rt.create(inputs("failedOver"));

    expect(created.outs).toMatchObject({
      failoverState: "failedOver",
      replicationState: 5,
      lastOperation: { method: "InitiateFailover", jobId, jobState: "Completed", errorCode: 0 },
    });
    expect(lines[0]).toBe(
      `[sql-cluster] InitiateFailover job ${jobId} is already running on the host; waiting for it instead of starting another`,
    );
    expect(await methods(sim)).toEqual(["InitiateFailover"]);
    expect(await hostState(sim)).toBe(5);
  });

  it("is waited for on update too: one RevertFailover in all", async () => {
    const { sim, rt } = await setup({ seed: { replicationState: 5, failedOverReplicationType: 1 } });
    const jobId = await interruptedRun(sim, "RevertFailover");

    const updated = await rt.update(ID, olds("failedOver", 5), inputs("normal"));

    expect(updated.outs).toMatchObject({
      failoverState: "normal",
      replicationState: 3,
      lastOperation: { method: "RevertFailover", jobId, jobState: "Completed" },
    });
    expect(await methods(sim)).toEqual(["RevertFailover"]);
    expect(await hostState(sim)).toBe(3);
  });

  it("is waited for, then the rest of the plan is carried out", async () => {
    const { sim, rt } = await setup();
    await interruptedRun(sim, "InitiateFailover");

    const created = await rt.create(inputs("committed"));

    expect(created.outs).toMatchObject({ failoverState: "committed", replicationState: 6 });
    expect(await methods(sim)).toEqual(["InitiateFailover", "CommitFailover"]);
    expect(await hostState(sim)).toBe(6);
  });

  it("that fails is reported with its error fields, and nothing else is called", async () => {
    const { sim, rt } = await setup();
    await sim.injectFault({
      kind: "jobFails",
      method: "InitiateFailover",
      jobState: 10,
      errorCode: 32768,
      errorDescription: "The replica VM sql-a could not be failed over.",
    });
    const jobId = await interruptedRun(sim, "InitiateFailover");

    const error = await rejection(rt.update(ID, olds("normal", 3), inputs("failedOver")));

    expect(error.message).toBe(
      `Hyper-V job failed: job ${jobId} ended Exception (10) with ErrorCode 32768: The replica VM sql-a could not be failed over. ${where("InitiateFailover")}. Refresh the stack to see the collection's state; the Hyper-V-VMMS-Admin event log on the host has the details`,
    );
    expect(await methods(sim)).toEqual(["InitiateFailover", "GetErrorEx"]);
    expect(await hostState(sim)).toBe(3);
    expect(error.properties).toMatchObject({
      failoverState: "normal",
      lastOperation: { method: "InitiateFailover", jobId, jobState: "Exception", errorCode: 32768 },
    });
  });

  it("is not looked for in other collections' jobs when the collection's association lists none; Hyper-V's 32774 keeps the two apart", async () => {
    const { sim, rt, seam } = await setup({
      seed: { replicationState: 5, failedOverReplicationType: 1 },
      tap: {
        // A host whose jobs name no affected element at all.
        associators: async (next, _ref, options) =>
          options.association === "Msvm_AffectedJobElement" ? [] : next(),
      },
    });
    await interruptedRun(sim, "RevertFailover");

    const updated = await rt.update(ID, olds("failedOver", 5), inputs("normal"));

    // Only the collection's own association was read: no job list, no job's association.
    expect(seam.filter((c) => c.className === "Msvm_ConcreteJob")).toEqual([]);
    // 32774, then a pause; meanwhile the untied job ends and the collection reads Replicating: nothing more to call.
    expect((await actingCalls(sim)).map((c) => [c.method, c.returnValue])).toEqual([
      ["RevertFailover", 4096],
      ["RevertFailover", 32774],
    ]);
    expect(updated.outs).toMatchObject({ failoverState: "normal", replicationState: 3 });
    expect(await hostState(sim)).toBe(3);
  });
});

describe("state 4 (Failover initiated) with no job to follow", () => {
  it.each([
    [
      "a replica (FailedOverReplicationType Regular)",
      { replicationState: 4, failedOverReplicationType: 1 },
      "it is failoverInProgress: ReplicationState FailoverInitiated (4), ReplicationMode Replica; no failover job of this collection is running, and FailedOverReplicationType is Regular",
      "Nothing is moving it on: check the collection on the host (its Msvm_VirtualSystemCollection and jobs in root/HyperVCluster/v2, Get-VMReplication per VM on the member VMs, the Hyper-V-VMMS-Admin event log) and bring it to Recovered (5) or Replicating (3) with Msvm_CollectionReplicationService, then run again",
    ],
    [
      "a replica in a planned failover (FailedOverReplicationType Planned)",
      { replicationState: 4, failedOverReplicationType: 2 },
      "it is plannedFailoverInProgress: ReplicationState FailoverInitiated (4), ReplicationMode Replica; a planned failover is in progress, which RevertFailover cannot undo",
      "Finish it, or cancel it with RevertPlannedFailover on the primary cluster, then run again",
    ],
    [
      "a primary",
      { replicationState: 4, replicationMode: 1, failedOverReplicationType: 2 },
      "it is primary: ReplicationState FailoverInitiated (4), ReplicationMode Primary; this is the primary side, where a planned failover was initiated (InitiatePlannedFailover), and failover is run on the replica",
      "Point the connection at a node of the replica cluster and complete the planned failover there, or cancel it here with RevertPlannedFailover; then run again",
    ],
  ])("on %s is refused at once with guidance, calling nothing", async (_, seed, reason, advice) => {
    const { clock, sim, rt } = await setup({ seed });
    const start = clock.now();

    const error = await rejection(rt.create(inputs("failedOver")));

    expect(error.message).toBe(`Invalid state: ${reason} ${where()}. ${advice}`);
    expect(clock.now()).toBe(start);
    expect(await methods(sim)).toEqual([]);
    expect(await hostState(sim)).toBe(4);
  });

  it("on a replica with a running failover job: the job is waited for, and nothing is called", async () => {
    const { sim, rt } = await setup();
    const jobId = await interruptedRun(sim, "InitiateFailover");
    expect(await hostState(sim)).toBe(4);

    const created = await rt.create(inputs("failedOver"));

    expect(created.outs).toMatchObject({
      failoverState: "failedOver",
      replicationState: 5,
      failedOverReplicationType: "Regular",
      lastOperation: { method: "InitiateFailover", jobId, jobState: "Completed" },
    });
    expect(await methods(sim)).toEqual(["InitiateFailover"]);
  });
});

describe("state 4 (Failover initiated) recorded by the last run, at preview", () => {
  it("on a replica: preview says it will wait for a running job, else refuse; it does not refuse early", async () => {
    const { sim, rt, lines } = await setup();
    const stored = { ...olds("normal", 4), failoverState: "failoverInProgress", observedAt: "then" };

    const diff = await rt.diff(ID, stored, inputs("failedOver"));

    expect(diff).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect(lines).toEqual([
      "[sql-cluster] will wait for the failover job in progress if the host still runs one, then plan again; without one the update is refused, as recorded at then; preview with --refresh to plan from the host now",
    ]);
    expect(await sim.calls()).toEqual([]);
  });

  it("on a primary: preview refuses at once with the primary-side guidance", async () => {
    const { sim, rt } = await setup();
    const stored = {
      ...olds("normal", 4),
      replicationMode: "Primary",
      failedOverReplicationType: "Planned",
      failoverState: "primary",
    };

    const error = await rejection(rt.diff(ID, stored, inputs("failedOver")));

    expect(error.message).toBe(
      "Invalid state: cannot make it failedOver: it is primary: ReplicationState FailoverInitiated (4), ReplicationMode Primary; this is the primary side, where a planned failover was initiated (InitiatePlannedFailover), and failover is run on the replica [collection 'sql-cluster', host this machine (local)]. Point the connection at a node of the replica cluster and complete the planned failover there, or cancel it here with RevertPlannedFailover; then run again",
    );
    expect(await sim.calls()).toEqual([]);
  });
});

describe("an invoke whose reply is lost", () => {
  it("is not repeated: the collection is read again and the job it started is adopted", async () => {
    let lost = false;
    const { sim, rt, lines } = await setup({
      tap: {
        async invoke(next, method) {
          const result = await next();
          if (method === "InitiateFailover" && !lost) {
            lost = true;
            throw new CimError("unreachable", "the reply was lost on the way back");
          }
          return result;
        },
      },
    });

    const created = await rt.create(inputs("failedOver"));

    const [call] = await sim.calls();
    const newest = (await sim.recoveryPoints(ID)).at(-1);
    expect(lines.slice(0, 3)).toEqual([
      `[sql-cluster] failing over to recovery point ${newest!.instanceId} (2026-11-23T21:00:00.000Z, CrashConsistent)`,
      "[sql-cluster] InitiateFailover: the reply was lost on the way back; observing the collection again in 2 s",
      `[sql-cluster] InitiateFailover job ${call!.jobId} is already running on the host; waiting for it instead of starting another`,
    ]);
    expect(created.outs).toMatchObject({
      failoverState: "failedOver",
      lastOperation: { method: "InitiateFailover", jobId: call!.jobId, jobState: "Completed" },
    });
    expect(await methods(sim)).toEqual(["InitiateFailover"]);
    expect(await hostState(sim)).toBe(5);
  });
});
