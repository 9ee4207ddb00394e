/**
 * Resume: a failover job already running for the collection (an interrupted run's, or an operator's) is waited for
 * instead of starting another, and an invoke whose reply was lost is never repeated blindly.
 */
import { describe, expect, it } from "vitest";
import { CimError } from "../../provider/cim";
import {
  actingCalls,
  COLLECTION,
  hostState,
  ID,
  inputs,
  methods,
  olds,
  rejection,
  SERVICE,
  setup,
  where,
} from "./fixtures";

/** What a plugin killed mid-job leaves behind: its call went through, and the job runs on. */
async function interruptedRun(
  sim: Awaited<ReturnType<typeof setup>>["sim"],
  method: string,
): Promise<string> {
  const result = await sim.session().invoke(SERVICE, method, { Collection: COLLECTION });
  expect(result.returnValue).toBe(4096);
  const [call] = (await sim.calls()).slice(-1);
  return call!.jobId!;
}

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
    expect((await actingCalls(sim)).map((c) => [c.method, c.returnValue])).toEqual([
      ["RevertFailover", 4096],
      ["RevertFailover", 32774],
      ["RevertFailover", 32775],
    ]);
    expect(updated.outs).toMatchObject({ failoverState: "normal", replicationState: 3 });
    expect(await hostState(sim)).toBe(3);
  });
});

describe("state 4 (Failover initiated) with no job to follow", () => {
  it("is waited out until the collection settles, calling nothing", async () => {
    let settled: Promise<unknown> | undefined;
    const { sim, rt, lines } = await setup({
      seed: { replicationState: 4 },
      onLog(line) {
        if (!settled && line.endsWith("waiting for the collection to settle")) {
          settled = sim.setCollection(ID, { replicationState: 5, failedOverReplicationType: 1 });
        }
      },
    });

    const created = await rt.create(inputs("failedOver"));

    await settled;
    expect(created.outs).toMatchObject({
      failoverState: "failedOver",
      replicationState: 5,
      lastOperation: null,
    });
    expect(lines).toEqual([
      "[sql-cluster] failover initiated by someone else; waiting for the collection to settle",
    ]);
    expect(await methods(sim)).toEqual([]);
  });

  it("fails clearly when the collection stays there past jobTimeoutSeconds", async () => {
    const { sim, rt } = await setup({ seed: { replicationState: 4 } });

    const error = await rejection(rt.create(inputs("failedOver", { jobTimeoutSeconds: 60 })));

    expect(error.message).toBe(
      `Invalid state: the collection stayed FailoverInitiated (4) for 60 s and no failover job for it is visible ${where()}. Check the collection on the host (Hyper-V Manager or Msvm_VirtualSystemCollection); run again once it reads Recovered or Replicating`,
    );
    expect(await methods(sim)).toEqual([]);
    expect(await hostState(sim)).toBe(4);
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
