/**
 * Two pipelines updating one collection at once, as two plugin processes do: two runtimes with their own locks
 * (the per-collection lock does not cross processes) against one simulated host. Every interleaving ends with one
 * accepted call of each kind, and both runs succeed with the same outputs, which match the host. The outputs differ
 * only in observedAt, the moment each run read the host. Nothing public shows whether the host keeps the second
 * call out with 32774 (System is in use) or 32775 (Invalid state), so every case runs with both.
 */
import { describe, expect, it } from "vitest";
import { createRuntime } from "../../provider/doors/dynamic";
import type { BusyReturnCode } from "../../provider/simulator";
import type { Tap } from "./fixtures";
import { actingCalls, hostState, ID, inputs, olds, setup, TappedSession } from "./fixtures";

async function twoPipelines(
  busyReturnCode: BusyReturnCode,
  tapB: (a: ReturnType<typeof createRuntime>) => Tap,
  tapA: Tap = {},
) {
  const a = await setup({ tap: tapA, busyReturnCode });
  const linesB: string[] = [];
  const rtB = createRuntime({
    clock: a.clock,
    log: (line) => linesB.push(line),
    openSession: async () => new TappedSession(a.sim.session(), a.clock, [], tapB(a.rt)),
  });
  return { ...a, rtB, linesB };
}

type Sim = Awaited<ReturnType<typeof setup>>["sim"];

const answered = async (sim: Sim) => (await actingCalls(sim)).map((c) => [c.method, c.returnValue]);

/** The outputs without observedAt, each run's own read time, and lastReport, each run's own record of its calls. */
function sameOutputs(outs: Record<string, unknown> | undefined) {
  const { observedAt, lastReport, ...rest } = outs ?? {};
  expect(typeof observedAt).toBe("string");
  expect(lastReport === null || typeof lastReport === "object").toBe(true);
  return rest;
}

const adopted = (jobId: string) =>
  `[sql-cluster] InitiateFailover job ${jobId} is already running on the host; waiting for it instead of starting another`;

describe.each([32774, 32775] as const)(
  "two pipelines fail one collection over at once, the host keeping one out with %i",
  (busy) => {
    it("B looks for running jobs and finds none, then A calls, then B calls: B adopts A's job after the busy answer", async () => {
      let runA: Promise<unknown> | undefined;
      let called!: () => void;
      const aCalled = new Promise<void>((resolve) => (called = resolve));
      const { sim, rtB, linesB } = await twoPipelines(
        busy,
        (rtA) => ({
          async invoke(next, method) {
            if (method === "InitiateFailover" && !runA) {
              // B has already looked and planned; A now makes its call before B's reaches the host.
              runA = rtA.update(ID, olds("normal", 3), inputs("failedOver"));
              await aCalled;
            }
            return next();
          },
        }),
        {
          async invoke(next, method) {
            const result = await next();
            if (method === "InitiateFailover") called();
            return result;
          },
        },
      );

      const b = await rtB.update(ID, olds("normal", 3), inputs("failedOver"));
      const a = (await runA) as Awaited<ReturnType<typeof rtB.update>>;

      const [call, refused] = await actingCalls(sim);
      expect(await answered(sim)).toEqual([
        ["InitiateFailover", 4096],
        ["InitiateFailover", busy],
      ]);
      expect(refused!.at).toBeGreaterThanOrEqual(call!.at);
      expect(linesB).toContain(adopted(call!.jobId!));
      expect(sameOutputs(b.outs)).toEqual(sameOutputs(a.outs));
      const [job] = await sim.jobs();
      expect(a.outs).toMatchObject({
        failoverState: "failedOver",
        replicationState: await hostState(sim),
        lastOperation: {
          method: "InitiateFailover",
          jobId: call!.jobId,
          jobState: "Completed",
          errorCode: 0,
          startedAt: new Date(call!.at).toISOString(),
          finishedAt: new Date(job!.finishedAt!).toISOString(),
        },
      });
      expect(await hostState(sim)).toBe(5);
    });

    it("A calls first and B starts while A's job runs: B calls nothing and waits for that job", async () => {
      let runB: Promise<Awaited<ReturnType<typeof rt.update>>> | undefined;
      const { sim, rt, rtB, linesB } = await twoPipelines(busy, () => ({}), {
        async invoke(next, method) {
          const result = await next();
          // A's call was accepted and its job runs: B starts now.
          if (method === "InitiateFailover") runB = rtB.update(ID, olds("normal", 3), inputs("failedOver"));
          return result;
        },
      });

      const a = await rt.update(ID, olds("normal", 3), inputs("failedOver"));
      const b = await runB!;

      const [call] = await actingCalls(sim);
      expect(await answered(sim)).toEqual([["InitiateFailover", 4096]]);
      expect(linesB).toContain(adopted(call!.jobId!));
      expect(sameOutputs(b.outs)).toEqual(sameOutputs(a.outs));
      expect(a.outs).toMatchObject({ failoverState: "failedOver", replicationState: 5 });
      expect(await hostState(sim)).toBe(5);
    });

    it("B starts after A's job ended: B calls nothing and records A's job as what ran last", async () => {
      const { sim, rt, rtB } = await twoPipelines(busy, () => ({}));
      const a = await rt.update(ID, olds("normal", 3), inputs("failedOver"));

      const b = await rtB.update(ID, olds("normal", 3), inputs("failedOver"));

      expect(await answered(sim)).toEqual([["InitiateFailover", 4096]]);
      expect(sameOutputs(b.outs)).toEqual(sameOutputs(a.outs));
      expect(await hostState(sim)).toBe(5);
    });

    it("both start together, then both revert together: one InitiateFailover and one RevertFailover accepted", async () => {
      const { sim, rt, rtB } = await twoPipelines(busy, () => ({}));

      const [a1, b1] = await Promise.all([
        rt.update(ID, olds("normal", 3), inputs("failedOver")),
        rtB.update(ID, olds("normal", 3), inputs("failedOver")),
      ]);
      const [a2, b2] = await Promise.all([
        rt.update(ID, a1.outs!, inputs("normal")),
        rtB.update(ID, b1.outs!, inputs("normal")),
      ]);

      // Both looked, found no job, and called: the host accepted one call of each kind and refused the other with
      // the busy code, and that run adopted the job.
      expect(await answered(sim)).toEqual([
        ["InitiateFailover", 4096],
        ["InitiateFailover", busy],
        ["RevertFailover", 4096],
        ["RevertFailover", busy],
      ]);
      expect(sameOutputs(b1.outs)).toEqual(sameOutputs(a1.outs));
      expect(sameOutputs(b2.outs)).toEqual(sameOutputs(a2.outs));
      expect(a2.outs).toMatchObject({
        failoverState: "normal",
        replicationState: 3,
        lastOperation: { method: "RevertFailover", jobState: "Completed" },
      });
      expect(await hostState(sim)).toBe(3);
    });
  },
);
