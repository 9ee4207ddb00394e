/**
 * The numbers Hyper-V speaks in root\HyperVCluster\v2, and their names. ReplicationState 0-10 are documented;
 * 11-16 are garbled in Microsoft's docs and their names here are the likely reading (inferred).
 */

export const REPLICATION_STATE_NAMES: Readonly<Record<number, string>> = {
  0: "Disabled",
  1: "ReadyForReplication",
  2: "WaitingToCompleteInitialReplication",
  3: "Replicating",
  4: "FailoverInitiated",
  5: "Recovered",
  6: "Committed",
  7: "Suspended",
  8: "Critical",
  9: "WaitingToStartResynchronization",
  10: "Resynchronizing",
  11: "PlannedFailoverInitiated",
  12: "RepurposeInitiated",
  13: "TestFailoverInitiated",
  14: "PartiallyEnabled",
  15: "PartiallyDisabled",
  16: "PartiallyRecovered",
};

export const ReplicationState = {
  Disabled: 0,
  ReadyForReplication: 1,
  WaitingToCompleteInitialReplication: 2,
  Replicating: 3,
  FailoverInitiated: 4,
  Recovered: 5,
  Committed: 6,
  Suspended: 7,
  Critical: 8,
  WaitingToStartResynchronization: 9,
  Resynchronizing: 10,
  PlannedFailoverInitiated: 11,
  RepurposeInitiated: 12,
  TestFailoverInitiated: 13,
  PartiallyEnabled: 14,
  PartiallyDisabled: 15,
  PartiallyRecovered: 16,
} as const;

export const REPLICATION_MODE_NAMES: Readonly<Record<number, string>> = {
  0: "None",
  1: "Primary",
  2: "Replica",
  3: "TestReplica",
};

export const ReplicationMode = { None: 0, Primary: 1, Replica: 2, TestReplica: 3 } as const;

/** Msvm_VirtualSystemCollection.FailedOverReplicationType, documented as "0 None, 1 Regular, 2 Planned". */
export const FAILED_OVER_REPLICATION_TYPE_NAMES: Readonly<Record<number, string>> = {
  0: "None",
  1: "Regular",
  2: "Planned",
};

export const FailedOverReplicationType = { None: 0, Regular: 1, Planned: 2 } as const;

/** Return values of the Msvm_CollectionReplicationService methods. */
export const RETURN_CODE_NAMES: Readonly<Record<number, string>> = {
  0: "Completed with No Error",
  4096: "Method Parameters Checked - Job Started",
  32768: "Failed",
  32769: "Access Denied",
  32770: "Not Supported",
  32771: "Status is unknown",
  32772: "Timeout",
  32773: "Invalid parameter",
  32774: "System is in use",
  32775: "Invalid state for this operation",
  32776: "Incorrect data type",
  32777: "System is not available",
  32778: "Out of memory",
  32779: "File not found",
};

export const ReturnCode = {
  Completed: 0,
  JobStarted: 4096,
  Failed: 32768,
  AccessDenied: 32769,
  NotSupported: 32770,
  StatusUnknown: 32771,
  Timeout: 32772,
  InvalidParameter: 32773,
  SystemInUse: 32774,
  InvalidState: 32775,
  IncorrectDataType: 32776,
  SystemNotAvailable: 32777,
  OutOfMemory: 32778,
  FileNotFound: 32779,
} as const;

export const JOB_STATE_NAMES: Readonly<Record<number, string>> = {
  2: "New",
  3: "Starting",
  4: "Running",
  5: "Suspended",
  6: "ShuttingDown",
  7: "Completed",
  8: "Terminated",
  9: "Killed",
  10: "Exception",
  11: "Service",
  12: "QueryPending",
};

export const JobState = { Running: 4, Completed: 7, Terminated: 8, Killed: 9, Exception: 10 } as const;

/** States 7-10 are terminal; only 7 is success. */
export function isTerminalJobState(state: number): boolean {
  return state >= 7 && state <= 10;
}

/** JobType values of the failover jobs. */
export const FailoverJobType = { InitiateFailover: 97, RevertFailover: 98, CommitFailover: 99 } as const;

export type FailoverMethod = keyof typeof FailoverJobType;

/** JobType values of the test failover jobs: 102 "Initiate Test Replica" and 103 "Remove Test Replica" (documented). */
export const TestFailoverJobType = { TestReplicaCollection: 102, RevertTestReplicaCollection: 103 } as const;

export type TestFailoverMethod = keyof typeof TestFailoverJobType;

/**
 * The Msvm_CollectionReplicationService methods the provider calls and records in `lastOperation`: ResumeReplication
 * before a failover from Suspended, as the per-VM Start-VMFailover does.
 */
export type ServiceMethod = FailoverMethod | TestFailoverMethod | "ResumeReplication";

/** Msvm_CollectionRecoveryPoint.ConsistencyLevel, as documented: 0 Unknown, 1 App, 2 Crash, 3 Group crash. */
export const CONSISTENCY_LEVEL_NAMES: Readonly<Record<number, string>> = {
  0: "Unknown",
  1: "ApplicationConsistent",
  2: "CrashConsistent",
  3: "GroupCrashConsistent",
};

export const ConsistencyLevel = { ApplicationConsistent: 1 } as const;

/**
 * Replication health names. Msvm_CollectionReplicationStatistics.ReplicationHealth is a uint32 with no documented
 * values; it is read with the per-VM ReplicationHealth numbering (documented for Msvm_ComputerSystem and
 * Msvm_SharedDiskSetReplicationRelationship: 0 N/A, 1 Ok, 2 Warning, 3 Critical), which is inferred for collections.
 */
export const REPLICATION_HEALTH_NAMES: Readonly<Record<number, string>> = {
  0: "NotApplicable",
  1: "Ok",
  2: "Warning",
  3: "Critical",
};

export const ReplicationHealth = { Critical: 3 } as const;

/**
 * Msvm_ComputerSystem.EnabledState, documented as 2 Enabled, 3 Disabled, 4 Shutting Down, 6 Enabled but Offline,
 * 9 Quiesce, 10 Starting; named here as Get-VM shows a VM's State (Running, Off, Saved, Paused).
 */
export const ENABLED_STATE_NAMES: Readonly<Record<number, string>> = {
  0: "Unknown",
  1: "Other",
  2: "Running",
  3: "Off",
  4: "ShuttingDown",
  5: "NotApplicable",
  6: "Saved",
  7: "InTest",
  8: "Deferred",
  9: "Paused",
  10: "Starting",
};

export const EnabledState = { Running: 2, Off: 3 } as const;

function named(names: Readonly<Record<number, string>>, value: number): string {
  return names[value] ?? `Unknown(${value})`;
}

export const replicationStateName = (v: number) => named(REPLICATION_STATE_NAMES, v);
export const replicationModeName = (v: number) => named(REPLICATION_MODE_NAMES, v);
export const returnCodeName = (v: number) => named(RETURN_CODE_NAMES, v);
export const jobStateName = (v: number) => named(JOB_STATE_NAMES, v);
export const failedOverReplicationTypeName = (v: number) => named(FAILED_OVER_REPLICATION_TYPE_NAMES, v);
export const consistencyLevelName = (v: number) => named(CONSISTENCY_LEVEL_NAMES, v);
export const replicationHealthName = (v: number) => named(REPLICATION_HEALTH_NAMES, v);
export const enabledStateName = (v: number) => named(ENABLED_STATE_NAMES, v);

export const CLASS = {
  collection: "Msvm_VirtualSystemCollection",
  recoveryPoint: "Msvm_CollectionRecoveryPoint",
  replicationService: "Msvm_CollectionReplicationService",
  job: "Msvm_ConcreteJob",
  affectedJobElement: "Msvm_AffectedJobElement",
  collectedVirtualSystems: "Msvm_CollectedVirtualSystems",
  computerSystem: "Msvm_ComputerSystem",
  replicaCollectionDependency: "Msvm_ReplicaCollectionDependency",
} as const;
