/** Numbers from the fact sheet (§2, §3, §5), named once. */

export { HYPERV_CLUSTER_NAMESPACE as NAMESPACE } from "../cim";

export const ReturnCode = {
  completed: 0,
  jobStarted: 4096,
  failed: 32768,
  notSupported: 32770,
  invalidParameter: 32773,
  systemInUse: 32774,
  invalidState: 32775,
} as const;

export const JobState = {
  starting: 3,
  running: 4,
  completed: 7,
  terminated: 8,
  killed: 9,
  exception: 10,
} as const;

/** `Msvm_ConcreteJob.RequestStateChange` RequestedState values. */
export const RequestedJobState = { terminate: 4 } as const;

/** CIM OperationalStatus values used on jobs. */
export const OperationalStatus = { ok: 2, error: 6, stopped: 10, completed: 17 } as const;

export const ReplicationMode = { replica: 2 } as const;

export const ReplicationState = { replicating: 3 } as const;

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
} as const;

export const Assoc = {
  affectedJobElement: "Msvm_AffectedJobElement",
  collectedVirtualSystems: "Msvm_CollectedVirtualSystems",
  recoveryPointOfCollection: "Msvm_RecoveryPointOfVirtualSystemCollection",
} as const;

/** Case-insensitive equality, as WQL compares names and strings. */
export function sameText(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
