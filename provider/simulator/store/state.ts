import { sameText } from "../constants";
import type { StoredSite } from "../methods/recoverySide";
import type { Fault, MethodCall, SimRead } from "../types";

/**
 * The whole simulated cluster as plain JSON, so the memory and file stores hold the same thing. Times are clock
 * milliseconds; CIM strings are made only when instances are read.
 */
export interface SimState {
  version: 1;
  collections: StoredCollection[];
  recoveryPoints: StoredRecoveryPoint[];
  jobs: StoredJob[];
  calls: StoredCall[];
  /** The reads (query, get, getMany, associators) the host answered; kept apart from the state like the calls. */
  reads: StoredRead[];
  faults: Fault[];
  /** The sites of a two-cluster state file registered with addSite (recoverySide.ts); absent in older files. */
  sites?: StoredSite[];
  /** The host's VMs that belong to no collection (hostVms.ts); absent in older state files. */
  virtualMachines?: StoredHostVm[];
  /** Job durations set with setJobDuration, by method; `null` = never finishes. */
  jobDurations: Record<string, number | null>;
  /**
   * What a job-starting call on a collection that already runs a job answers: 32774 (System is in use, the default)
   * or 32775 (Invalid state for this operation). Nothing public shows which one Hyper-V gives (fact sheet §6), so
   * tests run with both; absent in older state files.
   */
  busyReturnCode?: BusyReturnCode;
}

/** The two answers a host may give a call on a collection that another call holds (see SimState.busyReturnCode). */
export const BUSY_RETURN_CODES = [32774, 32775] as const;
export type BusyReturnCode = (typeof BUSY_RETURN_CODES)[number];

/** @throws RangeError for a code other than 32774 or 32775, changing nothing. */
export function setBusyReturnCode(state: SimState, code: BusyReturnCode): void {
  if (!(BUSY_RETURN_CODES as readonly number[]).includes(code)) {
    throw new RangeError(`the busy return code must be 32774 or 32775, got ${String(code)}`);
  }
  state.busyReturnCode = code;
}

/**
 * A member VM. The optional fields came after the first state files; readers apply the defaults of members.ts
 * (EnabledState: running on a primary, off elsewhere; ReplicationHealth 1 Ok).
 */
export interface StoredMember {
  id: string;
  name: string;
  enabledState?: number;
  replicationHealth?: number;
  /** How the VM's guest answers Msvm_ShutdownComponent.InitiateShutdown (shutdownComponent.ts); absent = shutsDown. */
  guest?: GuestShutdown;
  /** When the guest shutdown InitiateShutdown started ends with the VM Off (3); absent when none is under way. */
  guestOffAt?: number;
  /**
   * When EnabledState last changed (clock ms): Msvm_ComputerSystem.TimeOfLastStateChange, documented as "The date
   * and time when the enabled state of the element last changed." Absent in state files written before it existed:
   * the VM then reports no time, and the provider treats that as unknown (safe side).
   */
  enabledSince?: number;
}

/** A VM outside every collection; in a two-site state file, on `site` (a host name). */
export interface StoredHostVm extends StoredMember {
  site?: string;
}

/**
 * `shutsDown`: the VM has a shutdown component and its guest shuts down when asked. `neverShutsDown`: the component
 * accepts the request and the guest never finishes (an application holds it up). `noComponent`: the VM has no
 * Msvm_ShutdownComponent (its Shutdown integration service is off or not installed).
 */
export type GuestShutdown = "shutsDown" | "neverShutsDown" | "noComponent";

/** Counters of Msvm_CollectionReplicationStatistics; absent = 0 (or, for times, none). */
export interface StoredStatistics {
  startStatisticTime?: number;
  lastWALReplicationTime?: number;
  lastTestFailoverTime?: number;
  counters?: Record<string, number>;
  /** ReplicationHealth as set by a seed; absent = the worst member health (inferred). */
  replicationHealth?: number;
  /** How GetReplicationStatistics answers (statistics.ts); absent = at once. */
  answer?: StatisticsAnswer;
}

/**
 * How GetReplicationStatistics answers: `completed` at once (rv 0, the default); `jobWithStatistics` with 4096, a
 * Job REF and the statistics in the same reply; `jobThenCallAgain` with 4096 and a Job REF only, the statistics
 * coming from a call made once that job has completed. Which of the two job forms a host uses is undocumented.
 */
export const STATISTICS_ANSWERS = ["completed", "jobWithStatistics", "jobThenCallAgain"] as const;
export type StatisticsAnswer = (typeof STATISTICS_ANSWERS)[number];

export interface StoredCollection {
  id: string;
  name: string;
  replicationState: number;
  replicationMode: number;
  failedOverReplicationType: number;
  members: StoredMember[];
  lastApplyTime: number | null;
  lastApplyConsistencyLevel: number;
  /** On a test collection (mode 3): the CollectionID of the replica it was made from. */
  testOf?: string;
  /** The last CollectionReplicationSettingData the collection was given. */
  settings?: string;
  /** The ReplicationHealthIssues strings GetReplicationStatistics returns. */
  healthIssues?: string[];
  statistics?: StoredStatistics;
  /** In a two-cluster simulator: the site (host name) this collection lives on. */
  site?: string;
  /** In a two-cluster simulator: the CollectionID of the other side of the replication relationship. */
  partnerId?: string;
  /** In a two-cluster simulator: this site's own connection point (its Replica Broker's name). */
  connectionPoint?: string;
  /** In a two-cluster simulator: the thumbprint of this site's own replication certificate, when it has one. */
  certificateThumbprint?: string;
  /** The member VMs' data, which the initial copy sends (transitions/replicationSetup.ts); absent = none. */
  dataSizeBytes?: number;
}

export interface StoredRecoveryPoint {
  instanceId: string;
  collectionId: string;
  /** In a two-cluster simulator: the site of the collection it belongs to (both sides share a CollectionID). */
  site?: string;
  /** Null for a point the host reports without a CreationTime (inferred possible: the property may be NULL). */
  creationTime: number | null;
  consistencyLevel: number;
  virtualMachineIds: string[];
  /** One per member VM, in the order of virtualMachineIds. */
  recoveryPointIds?: string[];
}

/** How a job ends, or is planned to end. */
export interface JobEnd {
  jobState: number;
  errorCode: number;
  errorDescription: string;
  errorSummaryDescription: string;
}

export interface StoredJob {
  instanceId: string;
  method: string;
  jobType: number;
  collectionId: string;
  /** In a two-cluster simulator: the site of the collection it runs on (both sides share a CollectionID). */
  site?: string;
  submittedAt: number;
  /** `null` = never finishes on its own. */
  durationMs: number | null;
  timeBeforeRemovalMs: number;
  cancellable: boolean;
  /** A jobHangs fault: Running forever at a fixed percentage. */
  hangs: boolean;
  /** Where the job will end when its duration is up (a jobFails fault changes it). */
  plannedEnd: JobEnd;
  /** The collection's state before the call, restored when the job does not complete. */
  restore: { replicationState: number; failedOverReplicationType: number; enabledState?: number };
  /** A Msvm_ComputerSystem.RequestStateChange job: the VM and the state it was asked for. */
  vmId?: string;
  requestedState?: number;
  /** TestReplicaCollection: the CollectionID returned as ResultingCollection, made when the job completes. */
  resultId?: string;
  /** InitiateFailover and TestReplicaCollection: the recovery point used. */
  recoveryPointId?: string;
  /** The CollectionReplicationSettingData the call carried, stored when the job completes. */
  settings?: string;
  /** StartReplication: the InitialReplicationType. */
  initialReplicationType?: number;
  finished?: JobEnd & { at: number };
}

/** The logs keep each read and call as the simulator's readers get them back (types.ts). */
export type StoredRead = SimRead;
export type StoredCall = MethodCall;

export function emptyState(): SimState {
  return {
    version: 1,
    collections: [],
    recoveryPoints: [],
    jobs: [],
    calls: [],
    reads: [],
    faults: [],
    jobDurations: {},
  };
}

/** Finds a collection by CollectionID (any case, like a GUID), else by exact ElementName; throws when ambiguous. */
export function findCollection(state: SimState, idOrName: string): StoredCollection | undefined {
  const byId = state.collections.find((c) => sameText(c.id, idOrName));
  if (byId) return byId;
  const byName = state.collections.filter((c) => c.name === idOrName);
  if (byName.length > 1) {
    throw new Error(
      `${byName.length} simulated collections are named "${idOrName}"; use the CollectionID instead`,
    );
  }
  return byName[0];
}

/** Like {@link findCollection}, for operations that need the collection to exist. */
export function requireCollection(state: SimState, idOrName: string): StoredCollection {
  const found = findCollection(state, idOrName);
  if (!found) throw new Error(`no simulated collection has the CollectionID or name "${idOrName}"`);
  return found;
}

// Lookups that know which site of a pair holds a record: sites.ts.
export * from "./sites";
