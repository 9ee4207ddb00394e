/**
 * lastOperation tells the truth: after a cancel on timeout, for a job that ends after the run that recorded it, for
 * an adopted job, and for a rerun that finds another run's job. Each case compares the outputs with the host's job.
 */
import { describe, expect, it } from "vitest";
import { parseCimDateTime } from "../../provider/cim";
import type { HyperVSimulator } from "../../provider/simulator";
import {
  actingCalls,
  hostState,
  ID,
  inputs,
  interruptedRun,
  methods,
  rejection,
  setup,
  T0,
} from "./fixtures";

const iso = (ms: number) => new Date(ms).toISOString();

/** The recovery point InitiateFailover used, as lastOperation records it (the newest one, for `latest`). */
async function pointUsed(sim: HyperVSimulator) {
  const newest = (await sim.recoveryPoints(ID)).at(-1)!;
  return {
    recoveryPoint: {
      instanceId: newest.instanceId,
      creationTime: iso(parseCimDateTime(newest.creationTime)!),
      consistencyLevel: "CrashConsistent",
    },
    dataLossWindowSeconds: 0,
  };
}

describe("a job that times out with cancelJobOnTimeout", () => {
  it("is read again after the Terminate request: the outputs show Terminated and its end, as the host does", async () => {
    const { sim, rt } = await setup();
    await sim.injectFault({ kind: "jobHangs", method: "InitiateFailover" });

    const error = await rejection(
      rt.create({
        ...inputs("failedOver", { jobTimeoutSeconds: 60, cancelJobOnTimeout: true }),
        __provider: "p",
      }),
    );

    const [call, terminate] = await actingCalls(sim);
    const [job] = await sim.jobs();
    expect([call, terminate].map((c) => [c!.method, c!.returnValue])).toEqual([
      ["InitiateFailover", 4096],
      ["RequestStateChange", 0],
    ]);
    expect(job).toMatchObject({ instanceId: call!.jobId, jobState: 8, errorCode: 32768 });
    expect((error.properties as Record<string, unknown>).lastOperation).toEqual({
      ...(await pointUsed(sim)),
      method: "InitiateFailover",
      jobId: call!.jobId,
      jobState: "Terminated",
      errorCode: 32768,
      startedAt: iso(call!.at),
      finishedAt: iso(job!.finishedAt!),
    });
    expect(await hostState(sim)).toBe(3);
  });
});

describe("a job recorded as still running", () => {
  /** A run that stopped waiting at 60 s while its 120 s job went on: the outputs say Running, with no end. */
  async function timedOut() {
    const world = await setup();
    await world.sim.setJobDuration("InitiateFailover", 120_000);
    const error = await rejection(
      world.rt.create({ ...inputs("failedOver", { jobTimeoutSeconds: 60 }), __provider: "p" }),
    );
    const outs = error.properties as Record<string, unknown>;
    const [call] = await actingCalls(world.sim);
    expect(outs.lastOperation).toEqual({
      ...(await pointUsed(world.sim)),
      method: "InitiateFailover",
      jobId: call!.jobId,
      jobState: "Running",
      errorCode: null,
      startedAt: iso(T0),
      finishedAt: null,
    });
    world.lines.length = 0;
    return { ...world, outs, jobId: call!.jobId! };
  }

  it("is read again on refresh once it has ended: its real end is recorded, and nothing is called", async () => {
    const { clock, sim, rt, lines, outs, jobId } = await timedOut();
    clock.advance(90_000);

    const read = await rt.read(ID, outs);

    const [job] = await sim.jobs();
    expect(read.props?.lastOperation).toEqual({
      ...(outs.lastOperation as object),
      jobState: "Completed",
      errorCode: 0,
      finishedAt: iso(job!.finishedAt!),
    });
    expect(job!.finishedAt).toBe(T0 + 120_000);
    expect(read.props).toMatchObject({ failoverState: "failedOver", replicationState: await hostState(sim) });
    expect(lines).toEqual([`[sql-cluster] InitiateFailover job ${jobId} has ended since: Completed`]);
    expect(await methods(sim)).toEqual(["InitiateFailover"]);
  });

  it("says plainly on the next up that the host no longer keeps it: Vanished, not Running forever", async () => {
    const { clock, sim, rt, lines, outs, jobId } = await timedOut();
    clock.advance(60 * 60_000);

    const updated = await rt.update(ID, outs, inputs("failedOver"));

    expect(updated.outs?.lastOperation).toEqual({
      ...(outs.lastOperation as object),
      jobState: "Vanished",
      errorCode: null,
      finishedAt: null,
    });
    expect(await sim.jobs()).toEqual([]);
    expect(lines).toEqual([
      `[sql-cluster] InitiateFailover job ${jobId}, recorded as Running, is no longer kept by the host (finished jobs are removed after TimeBeforeRemoval, 5 minutes by default), so how it ended can no longer be read; lastOperation now says Vanished`,
    ]);
    expect(updated.outs).toMatchObject({ failoverState: "failedOver", replicationState: 5 });
    expect(await methods(sim)).toEqual(["InitiateFailover"]);
  });
});

describe("an adopted job", () => {
  it("records when the job started on the host (its TimeSubmitted), not when this run adopted it", async () => {
    const { clock, sim, rt } = await setup();
    await sim.setJobDuration("InitiateFailover", 120_000);
    const jobId = await interruptedRun(sim, "InitiateFailover");
    clock.advance(45_000);

    const created = await rt.create(inputs("failedOver"));

    const [job] = await sim.jobs();
    expect(job).toMatchObject({ instanceId: jobId, submittedAt: T0, finishedAt: T0 + 120_000 });
    // The point is the one the collection applied; the job itself does not name it.
    expect(created.outs?.lastOperation).toEqual({
      ...(await pointUsed(sim)),
      method: "InitiateFailover",
      jobId,
      jobState: "Completed",
      errorCode: 0,
      startedAt: iso(T0),
      finishedAt: iso(T0 + 120_000),
    });
    expect(await methods(sim)).toEqual(["InitiateFailover"]);
  });
});

describe("a rerun that has nothing to call", () => {
  it("records the method that really ran last on the host, not the stack's older record", async () => {
    const { sim, rt, seam } = await setup();
    const created = await rt.create(inputs("failedOver"));
    // Another run commits the failover; this stack's record still says InitiateFailover.
    await rt.update(ID, created.outs!, inputs("committed"));
    const [, commit] = await actingCalls(sim);
    const [commitJob] = (await sim.jobs()).filter((j) => j.instanceId === commit!.jobId);
    const seamBefore = seam.length;

    const rerun = await rt.update(ID, created.outs!, inputs("committed"));

    expect(await methods(sim)).toEqual(["InitiateFailover", "CommitFailover"]);
    expect(rerun.outs?.lastOperation).toEqual({
      method: "CommitFailover",
      jobId: commit!.jobId,
      jobState: "Completed",
      errorCode: 0,
      startedAt: iso(commit!.at),
      finishedAt: iso(commitJob!.finishedAt!),
    });
    // More than a no-op, because the collection moved since the stack recorded it: its jobs, then its members and
    // health (the replication service was found by the create, on the same session).
    expect(seam.slice(seamBefore).map((c) => [c.op, c.className])).toEqual([
      ["get", "Msvm_VirtualSystemCollection"],
      ["associators", "Msvm_VirtualSystemCollection"],
      ["associators", "Msvm_VirtualSystemCollection"],
      ["invoke", "Msvm_CollectionReplicationService"],
    ]);
    expect(rerun.outs).toMatchObject({ failoverState: "committed", replicationState: await hostState(sim) });
  });

  it("keeps the stack's record while the collection is as recorded, reading no jobs", async () => {
    const { sim, rt, seam } = await setup();
    const created = await rt.create(inputs("failedOver"));
    const seamBefore = seam.length;

    const rerun = await rt.update(ID, created.outs!, inputs("failedOver", { jobTimeoutSeconds: 600 }));

    expect(rerun.outs?.lastOperation).toEqual(created.outs?.lastOperation);
    // Nothing moved: the collection's own read is the whole run, and the health read by the create is kept.
    expect(seam.slice(seamBefore).map((c) => [c.op, c.className])).toEqual([
      ["get", "Msvm_VirtualSystemCollection"],
    ]);
    expect(rerun.outs?.healthObservedAt).toBe(created.outs?.healthObservedAt);
    expect(await methods(sim)).toEqual(["InitiateFailover"]);
  });
});
