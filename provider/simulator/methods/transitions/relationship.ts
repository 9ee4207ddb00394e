import { ANY_ENABLED, ENABLED, type Transition } from "./types";

/**
 * What the relationship methods do: create, start, modify, remove, suspend, resume and resynchronize.
 * Each row cites its source, as types.ts describes.
 */
export const RELATIONSHIP: readonly Transition[] = [
  {
    method: "CreateReplicationRelationship",
    ...{ jobType: 91, jobName: "Create Replication Relationship", defaultDurationMs: 1000 },
    modes: [0, 1],
    from: [0],
    requires: ["settings", "recoverySideFree"],
    to: { replicationState: 1, replicationMode: 1, failedOverReplicationType: 0 },
    effect: "createRelationship",
    precondition: {
      inferred:
        "a group that does not replicate yet (Disabled, mode None or Primary), and, in a two-site file, no collection with its id on the recovery site (recoverySide.ts)",
    },
    result: {
      inferred:
        'docs: "Creates new replication relationship for collection of virtual machines."; Ready for replication (1) and Primary are inferred; in a two-site file the recovery-side collection appears with the same CollectionID (recoverySide.ts, inferred)',
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
    method: "RemoveReplicationRelationship",
    ...{ jobType: 93, jobName: "Remove Replication Relationship", defaultDurationMs: 1000 },
    modes: [1, 2],
    from: ANY_ENABLED,
    to: { replicationState: 0, replicationMode: 0, failedOverReplicationType: 0 },
    effect: "removeRelationship",
    precondition: { inferred: "any replication-enabled primary or replica" },
    result: {
      inferred:
        'docs: "Removes the collection replication relationship. This does not clean up the recovery server collection."; the resulting Disabled (0), mode None and type 0 are inferred',
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
];
