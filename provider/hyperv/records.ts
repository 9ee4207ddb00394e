/**
 * How a method call becomes the `lastOperation` the outputs show. A job's times are its own (TimeSubmitted,
 * TimeOfLastStateChange) whenever the host gives them, so every run that followed one job records the same thing.
 */
import { isTerminalJobState, jobStateName } from "./codes";
import type { JobTimeoutError } from "./jobErrors";
import type { JobSnapshot } from "./jobs";
import type { OperationRecord } from "./replicationService";

export function operationRecord(
  method: string,
  jobId: string | null,
  jobState: string | null,
  errorCode: number | null,
  startedAt: number,
  finishedAt: number | null,
): OperationRecord {
  return {
    method,
    jobId,
    jobState,
    errorCode,
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: finishedAt === null ? null : new Date(finishedAt).toISOString(),
  };
}

/**
 * The record of a finished job: its own TimeSubmitted and TimeOfLastStateChange when the host gives them, otherwise
 * the call time and the time it was seen finished.
 */
export function finishedRecord(
  method: string,
  job: JobSnapshot,
  calledAt: number,
  seenAt: number,
): OperationRecord {
  return operationRecord(
    method,
    job.id,
    jobStateName(job.jobState),
    job.errorCode,
    job.submittedAt ?? calledAt,
    job.changedAt ?? seenAt,
  );
}

/**
 * What a timeout leaves: the job as read again after a Terminate request (what the host reports now, such as
 * Terminated), else its state when waiting stopped, with no end yet.
 */
export function timedOutRecord(method: string, error: JobTimeoutError, startedAt: number): OperationRecord {
  const after = error.after;
  if (after && isTerminalJobState(after.jobState)) {
    const end = after.changedAt ?? null;
    return operationRecord(
      method,
      error.jobId,
      jobStateName(after.jobState),
      after.errorCode,
      startedAt,
      end,
    );
  }
  const state = jobStateName(after?.jobState ?? error.lastJobState);
  return operationRecord(method, error.jobId, state, null, startedAt, null);
}
