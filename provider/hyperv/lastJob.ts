/**
 * Reading a failover job again after the run that recorded it: a job recorded as still running may have ended
 * since, and a run that had nothing to call may find that another run's job is what really ran last.
 */
import type { CimSession } from "../cim";
import type { Collection } from "./collections";
import { collectionRef } from "./collections";
import { CLASS, type FailoverMethod, isTerminalJobState, jobStateName } from "./codes";
import type { ErrorContext } from "./errors";
import { withContext } from "./errors";
import type { JobSnapshot } from "./jobs";
import { jobRef, toJobSnapshot } from "./jobs";
import { finishedRecord, operationRecord } from "./records";
import type { OperationRecord } from "./replicationService";
import { METHOD_BY_JOB_TYPE } from "./runningJobs";

/** Whether the record still waits for its job's end: a job id, and a state that is neither terminal nor Vanished. */
export function isUnfinished(record: OperationRecord | null): record is OperationRecord & { jobId: string } {
  return (
    record !== null &&
    record.jobId !== null &&
    record.jobState !== "Vanished" &&
    !["Completed", "Terminated", "Killed", "Exception"].includes(record.jobState ?? "")
  );
}

/**
 * Reads the record's job again. A job that has ended is recorded with its real end; one the host no longer keeps
 * (Msvm_ConcreteJob.TimeBeforeRemoval, 5 minutes by default, has passed) is recorded as `Vanished`, since its end
 * can no longer be known; one still running is left as it was.
 */
export async function revisitOperation(
  session: CimSession,
  record: OperationRecord & { jobId: string },
  context: ErrorContext,
  now: number,
): Promise<OperationRecord> {
  try {
    const instance = await session.get(jobRef(record.jobId));
    const calledAt = Date.parse(record.startedAt);
    // The recovery point and data-loss window stay as recorded: they describe the call, not the job's end.
    if (instance === undefined) {
      return { ...record, ...operationRecord(record.method, record.jobId, "Vanished", null, calledAt, null) };
    }
    const job = toJobSnapshot(instance);
    if (!isTerminalJobState(job.jobState)) {
      return { ...record, jobState: jobStateName(job.jobState) };
    }
    return { ...record, ...finishedRecord(record.method, job, calledAt, now) };
  } catch (error) {
    throw withContext(error, context);
  }
}

/**
 * The most recent failover job the host still keeps for this collection (Msvm_AffectedJobElement from the
 * collection's end), as a record; `undefined` when there is none.
 */
export async function latestFailoverJob(
  session: CimSession,
  collection: Collection,
  context: ErrorContext,
  now: number,
): Promise<OperationRecord | undefined> {
  let jobs: JobSnapshot[];
  try {
    const instances = await session.associators(collectionRef(collection.id), {
      association: CLASS.affectedJobElement,
      resultClass: CLASS.job,
    });
    jobs = instances
      .map(toJobSnapshot)
      .filter((j) => METHOD_BY_JOB_TYPE.has(j.jobType) && j.submittedAt !== undefined);
  } catch (error) {
    throw withContext(error, context);
  }
  const latest = jobs.reduce<JobSnapshot | undefined>(
    (a, b) => (a === undefined || (b.submittedAt ?? 0) > (a.submittedAt ?? 0) ? b : a),
    undefined,
  );
  if (latest === undefined) return undefined;
  const method = METHOD_BY_JOB_TYPE.get(latest.jobType) as FailoverMethod;
  const startedAt = latest.submittedAt ?? now;
  return isTerminalJobState(latest.jobState)
    ? finishedRecord(method, latest, startedAt, now)
    : operationRecord(method, latest.id, jobStateName(latest.jobState), null, startedAt, null);
}
