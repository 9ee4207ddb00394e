/**
 * The shape of the simulator's transition table: what every method of Msvm_CollectionReplicationService does to a collection. Each row
 * says where its precondition and its result come from: a sentence of the ClusHyperV (or per-VM Hyper-V) docs,
 * quoted, or an inference, with the reason. Nothing here is called documented unless the quote says it.
 *
 * States are the collection ReplicationState (0 Disabled, 1 Ready, 2 Waiting to complete IR, 3 Replicating,
 * 4 Failover initiated, 5 Recovered, 6 Committed, 7 Suspended, 8 Critical, 9 Waiting to start resync,
 * 10 Resynchronizing, 11-16 inferred readings of the garbled slots); modes are 0 None, 1 Primary, 2 Replica, 3 Test.
 * FailedOverReplicationType: 0 None, 1 Regular, 2 Planned.
 */

export type Evidence = { readonly documented: string } | { readonly inferred: string };

/** Checks made after the mode and state, each answering 32773 or 32775 when it fails (see service.ts). */
export type Requirement =
  | "settings" // a non-empty CollectionReplicationSettingData string, else 32773
  | "reversedSettings" // settings that replicate to the other site (reverseSettings.ts), else 32773
  | "initialReplicationType" // 1, 2 or 3 (2 needs InitialReplicationExportLocation), else 32773
  | "recoveryPoint" // a REF to one of the collection's points (32773), or NULL with at least one point (32775)
  | "plannedType" // FailedOverReplicationType 2 (Planned), else 32775
  | "membersOff" // every member VM off (EnabledState 3), else 32775
  | "noTestCollection" // no test collection exists for it, else 32775
  | "testCollection" // a test collection exists for it, else 32775
  | "partnerAllows" // the two-cluster check of pair.ts: 32775, or 32777 while the partner's host is down
  | "recoverySideFree"; // no collection with this id on the recovery site the settings name (recoverySide.ts), else 32775

/** What happens when the job completes, besides the state change in `to`. */
export type Effect =
  | "createRelationship"
  | "storeSettings"
  | "initialReplication"
  | "failover"
  | "commit"
  | "plannedFailover"
  | "revertPlanned"
  | "prepareReverse"
  | "reverse"
  | "removeRelationship"
  | "createTestCollection"
  | "removeTestCollection";

export interface Transition {
  readonly method: string;
  /** Msvm_ConcreteJob JobType; `undefined` when the call answers synchronously with no job. */
  readonly jobType?: number;
  /** The job's Name, from the JobType list (ConcreteJob_JobType in microsoft/wmi). */
  readonly jobName?: string;
  /** ReplicationMode values the call is accepted on; others are 32775. */
  readonly modes: readonly number[];
  /** ReplicationState values the call is accepted from; others are 32775. */
  readonly from: readonly number[];
  readonly requires?: readonly Requirement[];
  /** The state while the job runs; absent = unchanged. */
  readonly whileRunning?: number;
  /** Set on completion; absent fields are unchanged. */
  readonly to?: {
    readonly replicationState?: number;
    readonly replicationMode?: number;
    readonly failedOverReplicationType?: number;
  };
  readonly effect?: Effect;
  /** For Cancel* methods: the running job of this method that the call terminates. */
  readonly cancels?: string;
  readonly cancellable?: boolean;
  readonly defaultDurationMs?: number;
  readonly precondition: Evidence;
  readonly result: Evidence;
}

/** Replication states of a collection whose relationship exists and runs (or tries to). */
export const REPLICATING_ANY = [3, 7, 8, 9, 10];
/** Every state in which replication is enabled and not failed over. */
export const ENABLED = [1, 2, 3, 7, 8, 9, 10];
/** Every state but Disabled (0). */
export const ANY_ENABLED = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
