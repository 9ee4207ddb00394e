import { toCimDateTime, type CimMethodResult } from "../cim";
import { instanceXml, type XmlProperty } from "./cimXml";
import { Cls, ReplicationHealth, ReplicationMode, ReturnCode } from "./constants";
import { replicationHealthOf } from "./members";
import type { StoredCollection } from "./state";

/**
 * GetReplicationStatistics and ResetReplicationStatistics. The property names and CIM types are the documented
 * Msvm_CollectionReplicationStatistics ones. Inferred: both answer at once (rv 0, no job; the docs allow "can be null
 * if the task is completed"); ReplicationHealth (uint32, "The current replication.", no values documented) uses the
 * per-VM numbering 0 N/A, 1 Ok, 2 Warning, 3 Critical and is the worst member health unless seeded; the statistics
 * instance's InstanceID is `Microsoft:<CollectionID>`.
 */

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

export function getStatistics(collection: StoredCollection, now: number): CimMethodResult {
  return {
    returnValue: ReturnCode.completed,
    outParameters: {
      ReplicationStatistics: statisticsXml(collection, now),
      ReplicationHealthIssues: [...(collection.healthIssues ?? [])],
    },
  };
}

/** Counters back to 0 and a new statistics period from now; the times of events and seeded health stay. */
export function resetStatistics(now: number, collection: StoredCollection): CimMethodResult {
  collection.statistics = { ...collection.statistics, counters: {}, startStatisticTime: now };
  return { returnValue: ReturnCode.completed, outParameters: {} };
}
