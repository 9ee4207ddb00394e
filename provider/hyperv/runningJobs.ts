import type { CimSession } from "../cim";
import type { Collection } from "./collections";
import { collectionRef } from "./collections";
import { CLASS, FailoverJobType, type FailoverMethod, isTerminalJobState } from "./codes";
import { withContext } from "./errors";
import type { JobSnapshot } from "./jobs";
import { toJobSnapshot } from "./jobs";

const METHOD_BY_JOB_TYPE = new Map<number, FailoverMethod>(
  Object.entries(FailoverJobType).map(([method, type]) => [type, method as FailoverMethod]),
);

export interface RunningFailoverJob {
  readonly method: FailoverMethod;
  readonly job: JobSnapshot;
}

/**
 * Finds an unfinished failover job (JobType 97, 98 or 99) that affects the collection, through
 * Msvm_AffectedJobElement. A run that was interrupted while its job went on finds the job here and waits for it
 * instead of calling the method a second time.
 */
export async function findRunningFailoverJob(
  session: CimSession,
  collection: Collection,
): Promise<RunningFailoverJob | undefined> {
  try {
    const jobs = await session.associators(collectionRef(collection.id), {
      association: CLASS.affectedJobElement,
      resultClass: CLASS.job,
    });
    for (const instance of jobs) {
      const job = toJobSnapshot(instance);
      const method = METHOD_BY_JOB_TYPE.get(job.jobType);
      if (method !== undefined && !isTerminalJobState(job.jobState)) return { method, job };
    }
    return undefined;
  } catch (error) {
    throw withContext(error, { collection: collection.name, host: session.target });
  }
}
