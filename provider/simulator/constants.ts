/** Numbers from the fact sheet (§2, §3, §5), named once. */

export { HYPERV_CLUSTER_NAMESPACE as NAMESPACE } from "../cim";

export const ReturnCode = {
  completed: 0,
  /** CIM_EnabledLogicalElement / CIM_Service code 1, used only by the inherited service methods. */
  cimNotSupported: 1,
  jobStarted: 4096,
  failed: 32768,
  notSupported: 32770,
  invalidParameter: 32773,
  systemInUse: 32774,
  invalidState: 32775,
  systemNotAvailable: 32777,
} as const;

export const JobState = {
  starting: 3,
  running: 4,
  completed: 7,
  terminated: 8,
  killed: 9,
  exception: 10,
} as const;

export const NO_ERROR = { errorCode: 0, errorDescription: "", errorSummaryDescription: "" } as const;

/** How a job that completed ends. */
export const COMPLETED = { jobState: JobState.completed, ...NO_ERROR } as const;

/** `Msvm_ConcreteJob.RequestStateChange` RequestedState values. */
export const RequestedJobState = { terminate: 4 } as const;

/** CIM OperationalStatus values used on jobs. */
export const OperationalStatus = { ok: 2, error: 6, stopped: 10, completed: 17 } as const;

/** Collection ReplicationMode (fact sheet §3). */
export const ReplicationMode = { none: 0, primary: 1, replica: 2, testReplica: 3 } as const;

/** Collection ReplicationState (fact sheet §3); 11-16 are the inferred reading of the garbled labels. */
export const ReplicationState = {
  disabled: 0,
  ready: 1,
  waitingForInitialReplication: 2,
  replicating: 3,
  failoverInitiated: 4,
  recovered: 5,
  committed: 6,
  suspended: 7,
  critical: 8,
  waitingToResynchronize: 9,
  resynchronizing: 10,
  plannedFailoverInitiated: 11,
  testFailoverInitiated: 13,
  partiallyRecovered: 16,
} as const;

/** FailedOverReplicationType (fact sheet §3). */
export const FailedOverType = { none: 0, regular: 1, planned: 2 } as const;

/** Msvm_ComputerSystem EnabledState values the simulator uses (CIM_EnabledLogicalElement). */
export const EnabledState = { enabled: 2, disabled: 3, offline: 6, quiesce: 9 } as const;

/** Per-VM ReplicationHealth: 0 Not applicable, 1 Ok, 2 Warning, 3 Critical (fact sheet §3). */
export const ReplicationHealth = { notApplicable: 0, ok: 1, warning: 2, critical: 3 } as const;

/** Recovery points are crash-consistent unless told otherwise, as with Hyper-V Replica's default history. */
export const CRASH_CONSISTENT = 2;

export const DEFAULT_TIME_BEFORE_REMOVAL_MS = 5 * 60_000;

/** A job spends at most this long in Starting before it reports Running. */
export const MAX_STARTING_MS = 500;

/** A hung job never reports more than this. */
export const HUNG_PERCENT = 50;

export const DEFAULT_HOST_NAME = "hv-sim";

export const Cls = {
  collection: "Msvm_VirtualSystemCollection",
  recoveryPoint: "Msvm_CollectionRecoveryPoint",
  job: "Msvm_ConcreteJob",
  service: "Msvm_CollectionReplicationService",
  computerSystem: "Msvm_ComputerSystem",
  statistics: "Msvm_CollectionReplicationStatistics",
  shutdownComponent: "Msvm_ShutdownComponent",
} as const;

export const Assoc = {
  affectedJobElement: "Msvm_AffectedJobElement",
  collectedVirtualSystems: "Msvm_CollectedVirtualSystems",
  recoveryPointOfCollection: "Msvm_RecoveryPointOfVirtualSystemCollection",
  replicaCollectionDependency: "Msvm_ReplicaCollectionDependency",
} as const;

/** Case-insensitive equality, as WQL compares names and strings. */
export function sameText(a: string, b: string): boolean {
  return a === b || (a.length === b.length && a.toLowerCase() === b.toLowerCase());
}
