import type { CimInstance, CimSession } from "../cim";
import type { Collection } from "./collections";
import { collectionRef } from "./collections";
import { CLASS, FailoverJobType, type FailoverMethod, isTerminalJobState } from "./codes";
import type { ErrorContext } from "./errors";
import { withContext } from "./errors";
import type { JobSnapshot } from "./jobs";
import { jobRef, toJobSnapshot } from "./jobs";

const METHOD_BY_JOB_TYPE = new Map<number, FailoverMethod>(
  Object.entries(FailoverJobType).map(([method, type]) => [type, method as FailoverMethod]),
);

export interface RunningFailoverJob {
  readonly method: FailoverMethod;
  readonly job: JobSnapshot;
}

export interface FindRunningJobOptions {
  /** Told about an unfinished failover job in the job list that nothing ties to this collection. */
  readonly onUntied?: (found: RunningFailoverJob) => void;
  /** What errors name; defaults to the collection and the host. */
  readonly context?: ErrorContext;
}

/**
 * Finds an unfinished failover job (JobType 97, 98 or 99) that affects the collection. A run that was interrupted
 * while its job went on finds the job here and waits for it instead of calling the method a second time.
 *
 * The first place to look is Msvm_AffectedJobElement from the collection's end. Only when that lists no job at all
 * (a host that answers the association from the job's end only) is the job list read instead; see
 * {@link fromJobList} for why a job found there must be tied to the collection before it is adopted.
 */
export async function findRunningFailoverJob(
  session: CimSession,
  collection: Collection,
  options: FindRunningJobOptions = {},
): Promise<RunningFailoverJob | undefined> {
  try {
    const affecting = await session.associators(collectionRef(collection.id), {
      association: CLASS.affectedJobElement,
      resultClass: CLASS.job,
    });
    if (affecting.length > 0) return runningFailoverJobs(affecting)[0];
    return await fromJobList(session, collection, options);
  } catch (error) {
    throw withContext(error, options.context ?? { collection: collection.name, host: session.target });
  }
}

function runningFailoverJobs(instances: readonly CimInstance[]): RunningFailoverJob[] {
  return instances.flatMap((instance) => {
    const job = toJobSnapshot(instance);
    const method = METHOD_BY_JOB_TYPE.get(job.jobType);
    return method !== undefined && !isTerminalJobState(job.jobState) ? [{ method, job }] : [];
  });
}

/**
 * The job list (Msvm_ConcreteJob). A job names no collection: it has no CollectionID, and its Name is the operation
 * ("Initiate Failover"), the same for every group. So an unfinished failover job found here is adopted only when
 * its own Msvm_AffectedJobElement links it to this collection or to one of the collection's member VMs. A job that
 * cannot be tied is left alone: waiting for another group's failover would stall this run, and adopting it would
 * record its outcome as this collection's. If it does act on this collection after all, Hyper-V answers our call
 * with 32774 (in use), which is retried with back-off, so the two never run at once.
 */
async function fromJobList(
  session: CimSession,
  collection: Collection,
  options: FindRunningJobOptions,
): Promise<RunningFailoverJob | undefined> {
  const candidates = runningFailoverJobs(await session.query(CLASS.job));
  if (candidates.length === 0) return undefined;
  const memberVms = await session.associators(collectionRef(collection.id), {
    association: CLASS.collectedVirtualSystems,
    resultClass: CLASS.computerSystem,
  });
  const members = new Set(memberVms.map((vm) => String(vm.properties.Name).toLowerCase()));
  const collectionId = collection.id.toLowerCase();
  const isOurs = (element: CimInstance) => {
    const className = element.className.toLowerCase();
    if (className === CLASS.collection.toLowerCase()) {
      return String(element.properties.CollectionID).toLowerCase() === collectionId;
    }
    return (
      className === CLASS.computerSystem.toLowerCase() &&
      members.has(String(element.properties.Name).toLowerCase())
    );
  };
  for (const candidate of candidates) {
    const affected = await session.associators(jobRef(candidate.job.id), {
      association: CLASS.affectedJobElement,
    });
    if (affected.some(isOurs)) return candidate;
    options.onUntied?.(candidate);
  }
  return undefined;
}
