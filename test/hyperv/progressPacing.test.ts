/**
 * How often a job's progress is a line: at every change where the door shows lines in place (the native plugin),
 * paced where each line stays (the dynamic provider): the first, one per quarter crossed, one after a long silence.
 */
import { describe, expect, it } from "vitest";
import { FakeClock } from "../../provider/clock";
import { createRuntime } from "../../provider/doors/dynamic";
import type { JobSnapshot } from "../../provider/hyperv";
import { KEPT_LINE_CADENCE, progressPacer } from "../../provider/hyperv";
import { HyperVSimulator } from "../../provider/simulator";
import { ID, inputs } from "../failover/fixtures";

const job = (percentComplete: number, jobState = 4): JobSnapshot => ({
  id: "J",
  jobState,
  percentComplete,
  jobType: 94,
  cancellable: false,
  errorCode: 0,
  errorDescription: "",
  errorSummaryDescription: "",
});

/** Which of the reads, each `gapMs` after the last, get a line. */
function shown(cadence: typeof KEPT_LINE_CADENCE | null, reads: readonly [number, number][], gapMs: number) {
  const clock = new FakeClock(0);
  const pace = progressPacer(clock, cadence);
  return reads.filter(([percent, state]) => {
    clock.advance(gapMs);
    return pace(job(percent, state));
  });
}

describe("progressPacer", () => {
  const reads: [number, number][] = [
    [0, 4],
    [10, 4],
    [20, 4],
    [30, 4],
    [45, 4],
    [55, 4],
    [80, 4],
    [95, 4],
    [100, 7],
  ];

  it("without a cadence, every change is a line", () => {
    expect(shown(null, reads, 250)).toEqual(reads);
  });

  it("with one, a short job shows its first read and one per quarter crossed, and not its end", () => {
    expect(shown(KEPT_LINE_CADENCE, reads, 250)).toEqual([
      [0, 4],
      [30, 4],
      [55, 4],
      [80, 4],
    ]);
  });

  it("a job that stays within a quarter shows a line each everyMs", () => {
    const slow: [number, number][] = Array.from({ length: 10 }, () => [5, 4]);
    expect(shown({ everyMs: 120_000, percentStep: 25 }, slow, 60_000)).toHaveLength(5);
  });
});

describe("the dynamic provider's runtime", () => {
  it("writes a 3-second failover job's progress as at most four kept lines", async () => {
    const clock = new FakeClock(Date.UTC(2026, 10, 23, 21, 0, 0));
    const sim = new HyperVSimulator({ clock, hostName: "hv-replica01" });
    await sim.addCollection({ id: ID, name: "sql-cluster", members: ["sql-a"] });
    await sim.setJobDuration("InitiateFailover", 3000);
    const lines: string[] = [];
    const rt = createRuntime({ clock, log: (l) => lines.push(l), openSession: async () => sim.session() });
    await rt.create({ ...inputs("failedOver"), startVirtualMachines: false });
    const progress = lines.filter((l) => /InitiateFailover job \S+: \d+%/.test(l));
    const percents = progress.map((l) => Number(/: (\d+)%/.exec(l)![1]));
    expect(percents.length).toBeGreaterThanOrEqual(1);
    expect(percents.length).toBeLessThanOrEqual(4);
    const quarters = percents.map((p) => Math.floor(p / 25));
    expect(quarters).toEqual([...new Set(quarters)].sort((a, b) => a - b));
    expect(lines.filter((l) => l.includes("InitiateFailover done"))).toHaveLength(1);
  });
});
