/**
 * Job polling: every 250 ms by default, or fast at first then backing off to a cap, as stack config sets them; a
 * progress line on every change where lines are shown in place, few where each stays; and a four-hour job waited for on the fake clock with a bounded number of reads.
 */
import { describe, expect, it } from "vitest";
import { hostState, inputs, methods, setup, T0 } from "./fixtures";

const HOUR = 3_600_000;

/** The pauses between successive reads of the job, and how many reads there were. */
function jobReads(seam: Awaited<ReturnType<typeof setup>>["seam"], calledAt: number) {
  const times = seam.filter((c) => c.op === "getMany" && c.className === "Msvm_ConcreteJob").map((c) => c.at);
  return { count: times.length, pauses: times.map((t, i) => t - (i === 0 ? calledAt : times[i - 1]!)) };
}

describe("job polling", () => {
  it("reads every 250 ms by default, so the end is seen by the read at 20 s", async () => {
    const { sim, rt, seam } = await setup();
    await sim.setJobDuration("InitiateFailover", 20_000);

    await rt.create(inputs("failedOver"));

    const [call] = await sim.calls();
    expect(jobReads(seam, call!.at)).toEqual({
      count: 81,
      pauses: [0, ...Array.from({ length: 80 }, () => 250)],
    });
  });

  it("follows hyperv-replica:jobPollInitialMs and :jobPollMaxMs from stack config", async () => {
    const { sim, rt, seam } = await setup();
    await sim.setJobDuration("InitiateFailover", 20_000);
    rt.configure(
      (key) => ({ "hyperv-replica:jobPollInitialMs": "1000", "hyperv-replica:jobPollMaxMs": "4000" })[key],
    );

    await rt.create(inputs("failedOver"));

    const [call] = await sim.calls();
    expect(jobReads(seam, call!.at)).toEqual({
      count: 8,
      pauses: [0, 1000, 1500, 2250, 3375, 4000, 4000, 4000],
    });
  });

  it("without a cadence (the native plugin), writes a progress line on every change of percentage or state, and only then", async () => {
    const { sim, rt, lines } = await setup({ progressCadence: null });
    await sim.setJobDuration("InitiateFailover", 20_000);
    rt.configure((key) => ({ "hyperv-replica:jobPollMaxMs": "1000" })[key]);

    await rt.create(inputs("failedOver"));

    const progress = lines.filter((l) => l.includes(" job ")).map((l) => l.replace(/job \S+:/, "job:"));
    // The percentage and state, without the times (test/hyperv/progress.test.ts holds those).
    expect(progress.map((l) => l.replace(/(, .* (left|yet)| after .*)$/, ""))).toEqual([
      "[sql-cluster] InitiateFailover job: 0% starting",
      "[sql-cluster] InitiateFailover job: 3% running",
      ...Array.from({ length: 19 }, (_, i) => `[sql-cluster] InitiateFailover job: ${5 * (i + 1)}% running`),
      "[sql-cluster] InitiateFailover job: 100% completed",
    ]);
    // Linear from the call: a job of 20 s at 50% has run 10 s, and has about 10 s to go.
    expect(progress).toContain(
      "[sql-cluster] InitiateFailover job: 50% running, 10 s elapsed, about 10 s left",
    );
    expect(progress.at(-1)).toBe("[sql-cluster] InitiateFailover job: 100% completed after 20 s");
  });

  it("by default (lines that stay), writes the first read and one per quarter crossed", async () => {
    const { sim, rt, lines } = await setup();
    await sim.setJobDuration("InitiateFailover", 20_000);
    rt.configure((key) => ({ "hyperv-replica:jobPollMaxMs": "1000" })[key]);

    await rt.create(inputs("failedOver"));

    const progress = lines.filter((l) => l.includes(" job ")).map((l) => l.replace(/job \S+:/, "job:"));
    expect(progress).toEqual([
      "[sql-cluster] InitiateFailover job: 0% starting, 0 s elapsed, time left not known yet",
      "[sql-cluster] InitiateFailover job: 25% running, 5 s elapsed, about 15 s left",
      "[sql-cluster] InitiateFailover job: 50% running, 10 s elapsed, about 10 s left",
      "[sql-cluster] InitiateFailover job: 75% running, 15 s elapsed, about 5 s left",
    ]);
  });
});

describe("a four-hour failover", () => {
  it("is waited for to the end within a five-hour jobTimeoutSeconds, with reads bounded by a 5 s cap from config", async () => {
    const shown: { at: number; percent: number }[] = [];
    let now = () => 0;
    const { sim, rt, seam, clock } = await setup({
      onLog: (line) => {
        const percent = /% running/.test(line) ? /: (\d+)%/.exec(line) : null;
        if (percent) shown.push({ at: now(), percent: Number(percent[1]) });
      },
    });
    now = () => clock.now();
    await sim.setJobDuration("InitiateFailover", 4 * HOUR);
    rt.configure((key) => ({ "hyperv-replica:jobPollMaxMs": "5000" })[key]);

    const created = await rt.create(inputs("failedOver", { jobTimeoutSeconds: 5 * 3600 }));

    const [call] = await sim.calls();
    const reads = jobReads(seam, call!.at);
    expect(created.outs).toMatchObject({
      failoverState: "failedOver",
      replicationState: 5,
      lastOperation: {
        method: "InitiateFailover",
        jobId: call!.jobId,
        jobState: "Completed",
        errorCode: 0,
        startedAt: new Date(T0).toISOString(),
        // The job's own TimeOfLastStateChange, not the poll that saw it (2.3 s later, at the 5 s cap).
        finishedAt: new Date(T0 + 4 * HOUR).toISOString(),
      },
    });
    expect(reads.count).toBe(1 + 8 + 2878);
    expect(Math.max(...reads.pauses)).toBe(5000);
    // Paced (hyperv/progress.ts): a kept line comes two minutes or more after the last, or in a new quarter.
    const paced = shown.slice(1).every((line, i) => {
      const last = shown[i]!;
      return line.at - last.at >= 120_000 || Math.floor(line.percent / 25) > Math.floor(last.percent / 25);
    });
    expect(paced).toBe(true);
    expect(shown.length).toBeGreaterThan(4);
    expect(shown.length).toBeLessThanOrEqual((4 * HOUR) / 120_000 + 4);
    expect(await methods(sim)).toEqual(["InitiateFailover"]);
    expect(await hostState(sim)).toBe(5);
  });
});
