import type { JobContext } from "./args";
import { COMPLETED } from "../constants";
import { takeJobFault } from "./faults";
import { newGuid } from "../ids";
import { siteOf, type SimState, type StoredCollection, type StoredJob } from "../store/state";

export interface JobStart {
  readonly method: string;
  readonly jobType: number;
  readonly collection: StoredCollection;
  readonly cancellable: boolean;
  readonly defaultDurationMs: number;
  /** Fields that say what the job will do when it completes. */
  readonly extra?: Partial<
    Pick<
      StoredJob,
      "vmId" | "requestedState" | "resultId" | "recoveryPointId" | "settings" | "initialReplicationType"
    >
  >;
}

/**
 * Records a job that starts now, with the collection's state to restore if it does not complete. Its duration is
 * the one set with setJobDuration for the method, else the default; a jobFails or jobHangs fault shapes its end.
 */
export function startJob(state: SimState, ctx: JobContext, start: JobStart): StoredJob {
  const { method, collection } = start;
  const fault = takeJobFault(state, method);
  const configured = state.jobDurations[method];
  const job: StoredJob = {
    instanceId: newGuid(),
    method,
    jobType: start.jobType,
    collectionId: collection.id,
    ...siteOf(collection),
    submittedAt: ctx.now,
    durationMs: configured === undefined ? start.defaultDurationMs : configured,
    timeBeforeRemovalMs: ctx.timeBeforeRemovalMs,
    cancellable: start.cancellable,
    hangs: fault?.kind === "jobHangs",
    plannedEnd:
      fault?.kind === "jobFails"
        ? {
            jobState: fault.jobState,
            errorCode: fault.errorCode,
            errorDescription: fault.errorDescription,
            errorSummaryDescription: fault.errorSummaryDescription ?? fault.errorDescription,
          }
        : COMPLETED,
    restore: {
      replicationState: collection.replicationState,
      failedOverReplicationType: collection.failedOverReplicationType,
    },
    ...start.extra,
  };
  state.jobs.push(job);
  return job;
}
