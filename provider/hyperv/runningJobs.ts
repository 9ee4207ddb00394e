import type { CimSession } from "../cim";
import type { Collection } from "./collections";
import { collectionRef } from "./collections";
import { CLASS, FailoverJobType, type FailoverMethod, isTerminalJobState } from "./codes";
import type { ErrorContext } from "./errors";
import { withContext } from "./errors";
import type { JobSnapshot } from "./jobs";
import { toJobSnapshot } from "./jobs";

/** The failover method each failover JobType (97, 98, 99) belongs to. */
export const METHOD_BY_JOB_TYPE = new Map<number, FailoverMethod>(
  Object.entries(FailoverJobType).map(([method, type]) => [type, method as FailoverMethod]),
);

export interface RunningFailoverJob {
  readonly method: FailoverMethod;
  readonly job: JobSnapshot;
}

export interface FindRunningJobOptions {
  /** What errors name; defaults to the collection and the host. */
  readonly context?: ErrorContext;
}

/**
 * Finds an unfinished failover job (JobType 97, 98 or 99) that affects the collection. A run that was interrupted
 * while its job went on finds the job here and waits for it instead of calling the method a second time.
 *
 * One read, whatever else runs on the host: Msvm_AffectedJobElement from the collection's end, which lists the
 * collection's own jobs. The job list (Msvm_ConcreteJob) is never read: its jobs name no collection, so telling
 * ours apart would mean reading the association of every other collection's job. A host that answered the
 * association from the job's end only would show nothing here; its answer to our call, 32774 (in use), then
 * keeps two failovers of one collection apart.
 */
export async function findRunningFailoverJob(
  session: CimSession,
  collection: Collection,
  options: FindRunningJobOptions = {},
): Promise<RunningFailoverJob | undefined> {
  const context = options.context ?? { collection: collection.name, host: session.target };
  return runningFailoverJobIn(await readAffectedJobs(session, collection, context));
}

/**
 * The jobs Msvm_AffectedJobElement ties to the collection, read from the collection's end: running, and finished
 * ones the host still keeps (TimeBeforeRemoval). One read serves every check made of them before a call.
 */
export async function readAffectedJobs(
  session: CimSession,
  collection: Collection,
  context: ErrorContext,
): Promise<JobSnapshot[]> {
  try {
    const instances = await session.associators(collectionRef(collection.id), {
      association: CLASS.affectedJobElement,
      resultClass: CLASS.job,
    });
    return instances.map(toJobSnapshot);
  } catch (error) {
    throw withContext(error, context);
  }
}

/** The first unfinished failover job (JobType 97, 98 or 99) among a collection's jobs. */
export function runningFailoverJobIn(jobs: readonly JobSnapshot[]): RunningFailoverJob | undefined {
  for (const job of jobs) {
    const method = METHOD_BY_JOB_TYPE.get(job.jobType);
    if (method !== undefined && !isTerminalJobState(job.jobState)) return { method, job };
  }
  return undefined;
}
