import { HUNG_PERCENT, JobState, MAX_STARTING_MS, NO_ERROR, ReturnCode } from "../constants";
import { completeJob, undoJob } from "./effects";
import { VM_METHOD, vmStateChange } from "./members";
import type { JobEnd, SimState, StoredJob } from "../store/state";
import { transition } from "./transitions";
import { managementRow } from "./transitions/collectionManagement";
import type { SimJob } from "../types";

/**
 * Jobs are driven by the clock alone, with no timers: whoever reads the state first settles it, which finishes every
 * job whose time is up (in finish order, so effects land as they would have) and drops jobs past TimeBeforeRemoval.
 */
export function settle(state: SimState, now: number): void {
  // A job's effect may start another (a reverse starts the first copy), which may be due too.
  for (let due = dueJobs(state, now); due.length > 0; due = dueJobs(state, now)) {
    for (const { job, at } of due) finishJob(state, job, job.plannedEnd, at);
  }
  const kept = state.jobs.filter((job) => !job.finished || job.finished.at + job.timeBeforeRemovalMs > now);
  // Only when one went: the store keeps what a transaction changed, and an unchanged list is no change.
  if (kept.length !== state.jobs.length) state.jobs = kept;
}

/** Whether {@link settle} has anything to do at `now`: a job whose time is up, or one past TimeBeforeRemoval. */
export function settleDue(state: SimState, now: number): boolean {
  return state.jobs.some((job) => {
    if (job.finished) return job.finished.at + job.timeBeforeRemovalMs <= now;
    const at = finishTime(job);
    return at !== undefined && at <= now;
  });
}

function dueJobs(state: SimState, now: number): { job: StoredJob; at: number }[] {
  return state.jobs
    .flatMap((job) => {
      const at = finishTime(job);
      return !job.finished && at !== undefined && at <= now ? [{ job, at }] : [];
    })
    .sort((a, b) => a.at - b.at);
}

/** Ends a job and applies its effect: the method's result on success, the old state otherwise. */
export function finishJob(state: SimState, job: StoredJob, end: JobEnd, at: number): void {
  job.finished = { ...end, at };
  if (end.jobState === JobState.completed) completeJob(state, job, at);
  else undoJob(state, job);
}

/** The job's Name: the JobType's name from the table, else the method. */
export function jobNameOf(job: Pick<StoredJob, "method" | "requestedState">): string {
  const name =
    job.method === VM_METHOD
      ? vmStateChange(job.requestedState)?.jobName
      : (transition(job.method)?.jobName ?? managementRow(job.method)?.job?.jobName);
  return name ?? job.method;
}

/** What RequestStateChange(4) leaves behind. ErrorCode 32768 (Failed) is our choice; the docs give none. */
export function terminatedEnd(job: StoredJob): JobEnd {
  return {
    jobState: JobState.terminated,
    errorCode: ReturnCode.failed,
    errorDescription: `The ${job.method} job was terminated by a RequestStateChange request.`,
    errorSummaryDescription: `${jobNameOf(job)} was cancelled.`,
  };
}

export function isRunning(job: StoredJob): boolean {
  return !job.finished;
}

/** When the job ends on its own, or `undefined` when it never does. */
export function finishTime(job: StoredJob): number | undefined {
  if (job.hangs || job.durationMs === null) return undefined;
  return job.submittedAt + job.durationMs;
}

/** A job reports Starting for its first min(500 ms, 10 % of its duration). */
export function startingMs(job: StoredJob): number {
  return job.durationMs === null ? MAX_STARTING_MS : Math.min(MAX_STARTING_MS, job.durationMs / 10);
}

/** Progress while running: elapsed / duration, never 100 before completion, and capped for jobs that never end. */
export function percentAt(job: StoredJob, at: number): number {
  if (at - job.submittedAt < startingMs(job)) return 0;
  if (job.durationMs === null) return HUNG_PERCENT;
  const linear = job.durationMs <= 0 ? 99 : Math.floor(((at - job.submittedAt) / job.durationMs) * 100);
  const percent = Math.min(linear, 99);
  return job.hangs ? Math.min(percent, HUNG_PERCENT) : percent;
}

/** The job as it reads at `now`. Assumes the state was settled at `now`. */
export function jobAt(job: StoredJob, now: number): SimJob {
  const base = {
    instanceId: job.instanceId,
    method: job.method,
    jobType: job.jobType,
    collectionId: job.collectionId,
    cancellable: job.cancellable,
    submittedAt: job.submittedAt,
    ...(job.vmId !== undefined ? { vmId: job.vmId } : {}),
  };
  if (job.finished) {
    const { at, jobState, errorCode, errorDescription, errorSummaryDescription } = job.finished;
    const percentComplete = jobState === JobState.completed ? 100 : percentAt(job, at);
    return {
      ...base,
      jobState,
      percentComplete,
      errorCode,
      errorDescription,
      errorSummaryDescription,
      finishedAt: at,
    };
  }
  const starting = now - job.submittedAt < startingMs(job);
  return {
    ...base,
    jobState: starting ? JobState.starting : JobState.running,
    percentComplete: percentAt(job, now),
    ...NO_ERROR,
  };
}
