/**
 * How a job's progress reaches the user. Every change of its percentage or state is a `status` line: a passing line
 * that a door able to show lines in place (the native plugin's ephemeral log) shows at every change. Where each line
 * stays for good (the dynamic provider's output), a cadence keeps them few: the job's first line, one at each mark it
 * crosses (every `percentStep` percent), and one when none has been shown for `everyMs`. The outcome of each step
 * is a line of its own, never paced.
 */
import type { Clock } from "../clock";
import { isTerminalJobState } from "./codes";
import type { JobSnapshot } from "./jobs";

/** A line for the user; `status` marks a passing one (a job's progress). */
export type ProgressLine = (line: string, kind?: "status") => void;

export interface ProgressCadence {
  readonly everyMs: number;
  readonly percentStep: number;
}

/** For lines that stay: a short job shows at most one line per quarter, a long one also one every two minutes. */
export const KEPT_LINE_CADENCE: ProgressCadence = { everyMs: 120_000, percentStep: 25 };

/**
 * Decides, for each read of one job, whether it is worth a line. Null cadence: every read the watcher reports (it
 * reports only changes). The job's end is left to the step's own outcome line.
 */
export function progressPacer(clock: Clock, cadence: ProgressCadence | null): (job: JobSnapshot) => boolean {
  if (cadence === null) return () => true;
  let last: { at: number; mark: number } | undefined;
  return (job) => {
    if (isTerminalJobState(job.jobState) && last !== undefined) return false;
    const now = clock.now();
    const mark = Math.floor(job.percentComplete / cadence.percentStep);
    if (last !== undefined && mark <= last.mark && now - last.at < cadence.everyMs) return false;
    last = { at: now, mark };
    return true;
  };
}
