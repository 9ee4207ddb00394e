/** The one form of a job's progress: percentage, time since the call, and a linear estimate of the time left. */
import { describe, expect, it } from "vitest";
import {
  estimateLeft,
  formatDuration,
  jobProgress,
  parseProgressLine,
  progressBar,
  progressLine,
} from "../../provider/hyperv/progress";

const job = (percentComplete: number, jobState = 4) => ({ id: "JOB-1", jobState, percentComplete });

describe("job progress", () => {
  it.each([
    [0, "0 s"],
    [44_600, "45 s"],
    [60_000, "1 min"],
    [125_000, "2 min 5 s"],
    [3_600_000, "1 h"],
    [4_830_000, "1 h 20 min"],
  ])("writes %i ms as %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it("estimates the time left linearly, and not before the first percent or after the last", () => {
    expect(estimateLeft(40, 80_000)).toBe(120_000);
    expect(estimateLeft(0, 80_000)).toBeUndefined();
    expect(estimateLeft(100, 80_000)).toBeUndefined();
  });

  it("reads the same on every resource: running, starting and ended", () => {
    expect(progressLine(jobProgress("RevertFailover", job(40), 80_000))).toBe(
      "RevertFailover job JOB-1: 40% running, 1 min 20 s elapsed, about 2 min left",
    );
    expect(progressLine(jobProgress("InitiateFailover", job(0, 3), 0))).toBe(
      "InitiateFailover job JOB-1: 0% starting, 0 s elapsed, time left not known yet",
    );
    expect(progressLine(jobProgress("CommitFailover", job(100, 7), 200_000))).toBe(
      "CommitFailover job JOB-1: 100% completed after 3 min 20 s",
    );
  });

  it("parses its own lines back, behind a label, for a terminal to draw as a bar", () => {
    const line = `[sql-cluster] ${progressLine(jobProgress("RevertFailover", job(40), 80_000))}`;
    const parsed = parseProgressLine(line);
    expect(parsed).toEqual({
      prefix: "[sql-cluster] ",
      method: "RevertFailover",
      jobId: "JOB-1",
      percent: 40,
      state: "running",
      elapsedMs: 80_000,
      leftMs: 120_000,
      ended: false,
    });
    expect(progressBar(parsed!, 10)).toBe(
      "[sql-cluster] RevertFailover [####------] 40% running · 1 min 20 s elapsed · about 2 min left",
    );
    expect(parseProgressLine("[sql-cluster] RevertFailover done: Recovered (5)")).toBeUndefined();
  });
});
