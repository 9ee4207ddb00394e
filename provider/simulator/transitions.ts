import { sameText } from "./constants";

/**
 * THE table of the simulator: what every method of Msvm_CollectionReplicationService does to a collection. Each row
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
  | "initialReplicationType" // 1, 2 or 3 (2 needs InitialReplicationExportLocation), else 32773
  | "recoveryPoint" // a REF to one of the collection's points (32773), or NULL with at least one point (32775)
  | "plannedType" // FailedOverReplicationType 2 (Planned), else 32775
  | "membersOff" // every member VM off (EnabledState 3), else 32775
  | "noTestCollection" // no test collection exists for it, else 32775
  | "testCollection" // a test collection exists for it, else 32775
  | "partnerAllows"; // the two-cluster check of pair.ts: 32775, or 32777 while the partner's host is down

/** What happens when the job completes, besides the state change in `to`. */
export type Effect =
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

const REPLICATING_ANY = [3, 7, 8, 9, 10];
const ENABLED = [1, 2, 3, 7, 8, 9, 10];

export const TRANSITIONS: readonly Transition[] = [
  {
    method: "CreateReplicationRelationship",
    ...{ jobType: 91, jobName: "Create Replication Relationship", defaultDurationMs: 1000 },
    modes: [0, 1],
    from: [0],
    requires: ["settings"],
    to: { replicationState: 1, replicationMode: 1, failedOverReplicationType: 0 },
    effect: "storeSettings",
    precondition: { inferred: "a group that does not replicate yet (Disabled, mode None or Primary)" },
    result: {
      inferred:
        'docs: "Creates new replication relationship for collection of virtual machines."; Ready for replication (1) and Primary are inferred',
    },
  },
  {
    method: "StartReplication",
    ...{ jobType: 94, jobName: "Start Inband Initial Replication", defaultDurationMs: 5000 },
    modes: [1],
    from: [1],
    requires: ["initialReplicationType"],
    whileRunning: 2,
    to: { replicationState: 3 },
    effect: "initialReplication",
    precondition: { inferred: "a primary that CreateReplicationRelationship made Ready (1)" },
    result: {
      inferred:
        'docs: "Starts the replication service for a group of virtual machines."; 2 while copying, then 3; an export (type 2) stays 2 until imported',
    },
  },
  {
    method: "ModifyReplicationSettings",
    ...{ jobType: 92, jobName: "Modify Replication Relationship Settings", defaultDurationMs: 500 },
    modes: [1],
    from: ENABLED,
    requires: ["settings"],
    effect: "storeSettings",
    precondition: { inferred: "a primary with replication enabled" },
    result: {
      documented: "Updates replication setting data for a group of virtual machines.",
    },
  },
  {
    method: "InitiateFailover",
    ...{ jobType: 97, jobName: "Initiate Failover", defaultDurationMs: 3000, cancellable: true },
    modes: [2],
    from: REPLICATING_ANY,
    requires: ["recoveryPoint", "partnerAllows"],
    whileRunning: 4,
    to: { replicationState: 5, failedOverReplicationType: 1 },
    effect: "failover",
    precondition: {
      inferred:
        "a replica that replicates (3; 7-10 plausibly); the docs only say it fails over to a point, NULL meaning the latest",
    },
    result: {
      inferred:
        'docs: "Sets the failover for collection to application or crash consistent image."; 4 while running and 5 Recovered with type 1 (2 after a planned prepare on the partner) are inferred; member VMs stay off (per-VM flow: Start-VMFailover, then Start-VM)',
    },
  },
  {
    method: "RevertFailover",
    ...{ jobType: 98, jobName: "Revert Failover", defaultDurationMs: 2000 },
    modes: [2],
    from: [5, 4, 16],
    requires: ["membersOff"],
    to: { replicationState: 3, failedOverReplicationType: 0 },
    precondition: {
      documented:
        "This operation will work only for the collection which is in failed over state after using InitiateFailover.",
    },
    result: {
      inferred:
        'docs: "Undo the current failover for the collection. After this operation InitiateFailover can be called again."; back to 3 with type 0 is inferred; running VMs refused because Stop-VMFailover turns a running VM off before it cancels (inferred for WMI)',
    },
  },
  {
    method: "CommitFailover",
    ...{ jobType: 99, jobName: "Commit Failover", defaultDurationMs: 1500 },
    modes: [2],
    from: [5],
    to: { replicationState: 6 },
    effect: "commit",
    precondition: { inferred: "a failed-over (Recovered, 5) replica" },
    result: {
      inferred:
        'docs: "Commits the recovery snapshot that InitiateFailover has used for failover."; 6 Committed, and the recovery points dropped (per-VM: commit flattens them) are inferred',
    },
  },
  {
    method: "InitiatePlannedFailover",
    ...{ jobType: 100, jobName: "Initiate Synced Replication", defaultDurationMs: 3000 },
    modes: [1],
    from: [3],
    requires: ["membersOff", "partnerAllows"],
    to: { replicationState: 11, failedOverReplicationType: 2 },
    effect: "plannedFailover",
    precondition: {
      inferred:
        "a replicating primary with its VMs off (per-VM: Start-VMFailover -Prepare needs the primary VM shut down)",
    },
    result: {
      inferred:
        'docs: "Initiates planned failover (synced replication) for a group of virtual machines."; slot 11 read as PreparedForPlannedFailover and type 2 are inferred; the pair sends a last point to the replica',
    },
  },
  {
    method: "RevertPlannedFailover",
    ...{ jobType: 101, jobName: "Cancel Synced Replication", defaultDurationMs: 1500 },
    modes: [1],
    from: [11, 4],
    requires: ["plannedType", "partnerAllows"],
    to: { replicationState: 3, failedOverReplicationType: 0 },
    effect: "revertPlanned",
    precondition: {
      documented:
        "This operation will work only for the collection which is in PreparedForPlannedFailover or FailoverInitiated state after using InitiatePlannedFailover.",
    },
    result: {
      inferred:
        'docs: "Undo the current planned failover for the collection."; back to 3 with type 0 is inferred; the pair refuses while the replica is Recovered or Committed',
    },
  },
  {
    method: "PrepareForReverseReplication",
    ...{ jobType: 96, jobName: "Replicate State Change", defaultDurationMs: 1500 },
    modes: [1],
    from: [4, 11, ...REPLICATING_ANY],
    requires: ["membersOff", "partnerAllows"],
    to: { replicationState: 1, replicationMode: 2, failedOverReplicationType: 0 },
    effect: "prepareReverse",
    precondition: {
      inferred:
        'docs: "Prepares the collection for reverse replication from a failed-over recovery collection."; on the old primary, VMs off; in the pair the partner must be Recovered or Committed',
    },
    result: {
      inferred:
        "becomes a Replica, Ready (1), waiting for ReverseReplicationRelationship; JobType 96 is a guess",
    },
  },
  {
    method: "ReverseReplicationRelationship",
    ...{ jobType: 104, jobName: "Reverse Replication", defaultDurationMs: 3000 },
    modes: [2],
    from: [6],
    requires: ["settings", "partnerAllows"],
    to: { replicationState: 3, replicationMode: 1, failedOverReplicationType: 0 },
    effect: "reverse",
    precondition: {
      documented:
        "This API requires the collection that is a recovery collection in failover committed state.",
    },
    result: {
      inferred:
        'docs: "Reverses replication for the recovery collection using the collection replication setting specified."; Primary and Replicating at once is inferred; in the pair the prepared old primary becomes its Replicating replica',
    },
  },
  {
    method: "RemoveReplicationRelationship",
    ...{ jobType: 93, jobName: "Remove Replication Relationship", defaultDurationMs: 1000 },
    modes: [1, 2],
    from: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16],
    to: { replicationState: 0, replicationMode: 0, failedOverReplicationType: 0 },
    effect: "removeRelationship",
    precondition: { inferred: "any replication-enabled primary or replica" },
    result: {
      documented:
        "Removes the collection replication relationship. This does not clean up the recovery server collection.",
    },
  },
  {
    method: "SuspendReplication",
    ...{ jobType: 96, jobName: "Replicate State Change", defaultDurationMs: 500 },
    modes: [1, 2],
    from: [2, 3, 8],
    to: { replicationState: 7 },
    precondition: { inferred: "replication running (2, 3 or 8), either side as Suspend-VMReplication" },
    result: { inferred: 'docs: "Suspends replication for the VM collection."; Suspended is 7' },
  },
  {
    method: "ResumeReplication",
    ...{ jobType: 96, jobName: "Replicate State Change", defaultDurationMs: 500 },
    modes: [1, 2],
    from: [7],
    to: { replicationState: 3 },
    precondition: { inferred: "Suspended (7)" },
    result: { inferred: 'docs: "Resumes replication for the VM collection."; back to 3 is inferred' },
  },
  {
    method: "Resynchronize",
    ...{ jobType: 107, jobName: "Resynchronizing", defaultDurationMs: 5000 },
    modes: [1],
    from: [8, 9],
    whileRunning: 10,
    to: { replicationState: 3 },
    precondition: { inferred: "a primary in Critical (8) or Waiting to start resynchronization (9)" },
    result: {
      inferred: 'docs: "Resynchronizes the specified Virtual System Collection."; 10 while running, then 3',
    },
  },
  {
    method: "CancelResynchronize",
    ...{ jobType: 110, jobName: "Stop Resynchronizing", defaultDurationMs: 500 },
    modes: [1],
    from: [10],
    cancels: "Resynchronize",
    to: { replicationState: 9 },
    precondition: { inferred: "a running Resynchronize job (state 10)" },
    result: {
      inferred:
        'docs: "Cancels the resynchronize operation for the VM collection."; the job is terminated and the state is 9',
    },
  },
  {
    method: "CancelInitialReplication",
    ...{ jobType: 109, jobName: "Stop Initial Replication", defaultDurationMs: 500 },
    modes: [1],
    from: [2],
    cancels: "StartReplication",
    to: { replicationState: 1 },
    precondition: { inferred: "a running StartReplication job (state 2)" },
    result: {
      inferred:
        'docs: "Cancels the initial replication for the VM collection."; the job is terminated and the state is 1',
    },
  },
  {
    method: "CancelUpdateDiskSet",
    modes: [],
    from: [],
    precondition: {
      inferred:
        'docs: "Cancels Update Disk Set operation for the VM collection."; the simulator never runs a disk-set update, so this is always 32775',
    },
    result: { inferred: "nothing to cancel" },
  },
  {
    method: "TestReplicaCollection",
    ...{ jobType: 102, jobName: "Initiate Test Replica", defaultDurationMs: 3000 },
    modes: [2],
    from: REPLICATING_ANY,
    requires: ["recoveryPoint", "noTestCollection"],
    effect: "createTestCollection",
    precondition: {
      inferred:
        'docs: "User can select the recovery point from which the test collection should be created." and "Pass NULL if test collection is to be created from the latest point in time."; legal states and one test collection at a time (per-VM) are inferred',
    },
    result: {
      documented:
        "If a test collection is successfully defined, a reference to an instance of class CIM_CollectionOfMSEs that represents the newly defined test collection is returned.",
    },
  },
  {
    method: "RevertTestReplicaCollection",
    ...{ jobType: 103, jobName: "Remove Test Replica", defaultDurationMs: 2000 },
    modes: [2],
    from: [...REPLICATING_ANY, 4, 5, 6, 16],
    requires: ["testCollection"],
    effect: "removeTestCollection",
    precondition: {
      documented:
        "A reference to the CIM_CollectionOfMSEs replica collection instance for which the associated test replica collection is to be removed.",
    },
    result: {
      inferred:
        'docs: "Destroys the test replica collection for a replica collection."; its test VMs are turned off and deleted (per-VM Stop-VMFailover on a test failover)',
    },
  },
  {
    method: "GetReplicationStatistics",
    modes: [1, 2],
    from: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16],
    precondition: {
      documented:
        "A reference to the Hyper-V replica enabled CIM_CollectionOfMSEs for which replication statistics need to be retrieved.",
    },
    result: {
      inferred:
        'docs: "This is an embedded instance of Msvm_CollectionReplicationStatistics."; answered at once (rv 0, no job) as CIM-XML text; the issue strings are seeded',
    },
  },
  {
    method: "ResetReplicationStatistics",
    modes: [1, 2],
    from: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16],
    precondition: { inferred: "replication enabled, as GetReplicationStatistics" },
    result: {
      inferred:
        'docs: "Resets replication statistics associated with virtual system collection."; at once (rv 0); counters 0, StartStatisticTime now',
    },
  },
];

/** The three methods inherited from CIM_Service/CIM_EnabledLogicalElement; they act on the service itself. */
export const INHERITED_METHODS = ["RequestStateChange", "StartService", "StopService"] as const;

/** WMI method names are case-insensitive. */
export function transition(method: string): Transition | undefined {
  return TRANSITIONS.find((t) => sameText(t.method, method));
}

/** The methods whose calls start a job. */
export const JOB_METHODS: readonly string[] = TRANSITIONS.filter((t) => t.jobType !== undefined).map(
  (t) => t.method,
);
