import { toCimDateTime, type CimMethodResult, type CimValue } from "../../cim";
import type { JobContext } from "./args";
import { instanceXml, type XmlProperty } from "../model/cimXml";
import { Cls, JobState, ReplicationHealth, ReplicationMode, ReturnCode, sameText } from "../constants";
import { replicationHealthOf } from "./members";
import { startJob } from "./startJob";
import { recordsOf, type SimState, type StoredCollection } from "../store/state";

/**
 * GetReplicationStatistics and ResetReplicationStatistics. The property names and CIM types are the documented
 * Msvm_CollectionReplicationStatistics ones. Inferred: ResetReplicationStatistics answers at once (rv 0, no job; the
 * docs allow "can be null if the task is completed"); ReplicationHealth (uint32, "The current replication.", no values
 * documented) uses the per-VM numbering 0 N/A, 1 Ok, 2 Warning, 3 Critical and is the worst member health unless
 * seeded; the statistics instance's InstanceID is `Microsoft:<CollectionID>`.
 *
 * GetReplicationStatistics answers at once unless a seed says otherwise. Documented: its return values include
 * "Method Parameters Checked - Job Started (4096)", its Job is "A CIM_ConcreteJob reference to the job (can be null if
 * the task is completed)", and JobType 111 is "Get Replica statistics". Not documented: where the statistics are when
 * a job is returned. A WMI method's out parameters come back once, with its reply, and Msvm_ConcreteJob has no
 * property that carries a result, so a host either fills them in that reply or leaves them for a later call
 * (inferred); the seed picks one (SimState's StatisticsAnswer).
 */

/** JobType 111 "Get Replica statistics" (documented); the duration is ours. */
export const STATISTICS_JOB = { jobType: 111, defaultDurationMs: 500 } as const;
const METHOD = "GetReplicationStatistics";

/** The counters, by property name, with their CIM type; all start at 0. */
export const STATISTICS_COUNTERS = {
  ReplicationWALSuccessCount: "uint32",
  ReplicationWALMissCount: "uint32",
  ReplicationSize: "uint64",
  MaxReplicationSize: "uint64",
  PendingReplicationSize: "uint64",
  NetworkFailureCount: "uint32",
  ReplicationFailureCount: "uint32",
  ApplicationConsistentSnapshotFailureCount: "uint32",
  MaxReplicationLatency: "uint32",
} as const;

export type StatisticsCounter = keyof typeof STATISTICS_COUNTERS;

export function collectionHealth(collection: StoredCollection): number {
  if (collection.statistics?.replicationHealth !== undefined) return collection.statistics.replicationHealth;
  if (collection.replicationMode === ReplicationMode.none) return ReplicationHealth.notApplicable;
  return collection.members.reduce<number>(
    (worst, m) => Math.max(worst, replicationHealthOf(collection, m)),
    ReplicationHealth.ok,
  );
}

const time = (ms: number | undefined) => (ms === undefined ? null : toCimDateTime(ms));

export function statisticsXml(collection: StoredCollection, now: number): string {
  const stats = collection.statistics ?? {};
  const counters = Object.entries(STATISTICS_COUNTERS).map(([name, type]): XmlProperty => [
    name,
    type,
    stats.counters?.[name] ?? 0,
  ]);
  return instanceXml(Cls.statistics, [
    ["InstanceID", "string", `Microsoft:${collection.id}`],
    ["ElementName", "string", collection.name],
    ["StartStatisticTime", "datetime", time(stats.startStatisticTime)],
    ["EndStatisticTime", "datetime", toCimDateTime(now)],
    ...counters,
    ["ReplicationHealth", "uint32", collectionHealth(collection)],
    ["LastWALReplicationTime", "datetime", time(stats.lastWALReplicationTime)],
    ["LastTestFailoverTime", "datetime", time(stats.lastTestFailoverTime)],
  ]);
}

export function getStatistics(
  state: SimState,
  ctx: JobContext,
  collection: StoredCollection,
): CimMethodResult {
  const answer = collection.statistics?.answer ?? "completed";
  const statistics: Record<string, CimValue> = {
    ReplicationStatistics: statisticsXml(collection, ctx.now),
    ReplicationHealthIssues: [...(collection.healthIssues ?? [])],
  };
  if (answer === "completed" || (answer === "jobThenCallAgain" && gathered(state, collection))) {
    return { returnValue: ReturnCode.completed, outParameters: statistics };
  }
  const job = startJob(state, ctx, { method: METHOD, collection, cancellable: false, ...STATISTICS_JOB });
  const Job = { className: Cls.job, keys: { InstanceID: job.instanceId } };
  const outParameters = answer === "jobWithStatistics" ? { ...statistics, Job } : { Job };
  return { returnValue: ReturnCode.jobStarted, outParameters };
}

/** Whether a statistics job of the collection has completed and is still kept: a call now gets what it gathered. */
function gathered(state: SimState, collection: StoredCollection): boolean {
  return recordsOf(state.jobs, collection).some(
    (job) => sameText(job.method, METHOD) && job.finished?.jobState === JobState.completed,
  );
}

/** Counters back to 0 and a new statistics period from now; the times of events and seeded health stay. */
export function resetStatistics(now: number, collection: StoredCollection): CimMethodResult {
  collection.statistics = { ...collection.statistics, counters: {}, startStatisticTime: now };
  return { returnValue: ReturnCode.completed, outParameters: {} };
}
