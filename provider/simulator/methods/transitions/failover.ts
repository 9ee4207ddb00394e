import type { Transition } from "./types";

/**
 * What the unplanned failover methods do on the replica: initiate, revert and commit.
 * Each row cites its source, as types.ts describes.
 */
export const FAILOVER: readonly Transition[] = [
  {
    method: "InitiateFailover",
    ...{ jobType: 97, jobName: "Initiate Failover", defaultDurationMs: 3000, cancellable: true },
    modes: [2],
    from: [3, 7, 10],
    requires: ["recoveryPoint", "partnerAllows"],
    whileRunning: 4,
    to: { replicationState: 5, failedOverReplicationType: 1 },
    effect: "failover",
    precondition: {
      inferred:
        "the docs only say it fails over to a point, NULL meaning the latest; per-VM practice (Start-VMFailover) fails over from Replicating, Suspended or Resynchronizing and refuses Critical (8) and ResynchronizeSuspended (9), so 3, 7 and 10, never 8 or 9 (the safe side)",
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
      inferred:
        'docs: "This operation will work only for the collection which is in failed over state after using InitiateFailover."; which ReplicationStates are "failed over" is not documented: 5 Recovered, 4 and 16 (partially recovered, an inferred reading of the garbled enum) are inferred',
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
];
