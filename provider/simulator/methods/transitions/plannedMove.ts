import { REPLICATING_ANY, type Transition } from "./types";

/**
 * What the planned move and reverse-replication methods do, on the primary and then the replica.
 * Each row cites its source, as types.ts describes.
 */
export const PLANNED_MOVE: readonly Transition[] = [
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
      inferred:
        'docs: "This operation will work only for the collection which is in PreparedForPlannedFailover or FailoverInitiated state after using InitiatePlannedFailover."; PreparedForPlannedFailover has no number of its own, so 11 is an inferred reading of the garbled slot, and 4 ("Failover initiated") is FailoverInitiated by a match of names',
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
    requires: ["settings", "reversedSettings", "partnerAllows"],
    to: { replicationState: 2, replicationMode: 1, failedOverReplicationType: 0 },
    effect: "reverse",
    precondition: {
      documented:
        "This API requires the collection that is a recovery collection in failover committed state.",
    },
    result: {
      inferred:
        'docs: "Reverses replication for the recovery collection using the collection replication setting specified."; settings that do not replicate to the other site are 32773 (reverseSettings.ts); the new Primary then sends its first copy, a StartReplication job (state 1, 2 while it runs, then 3), as the fact sheet\'s model has it ("R becomes Primary (mode 1) with state 1 or 2, then 3"); in the pair the prepared old primary becomes its replica, waiting for that copy (2)',
    },
  },
];
