import { sameText } from "./constants";

/** What one failover method of Msvm_CollectionReplicationService does to a Replica collection (fact sheet §4). */
export interface FailoverSpec {
  readonly method: string;
  readonly jobType: number;
  /** The job's Name. */
  readonly jobName: string;
  /** ReplicationState values the call is accepted from; anything else is 32775. */
  readonly legalFrom: readonly number[];
  /** The state while the job runs; absent = unchanged. */
  readonly whileRunning?: number;
  readonly onSuccess: { readonly replicationState: number; readonly failedOverReplicationType?: number };
  readonly cancellable: boolean;
  readonly defaultDurationMs: number;
  /** Commit flattens the recovery points (per-VM docs; inferred for collections). */
  readonly dropsRecoveryPoints: boolean;
}

export const FAILOVER_SPECS: readonly FailoverSpec[] = [
  {
    method: "InitiateFailover",
    jobType: 97,
    jobName: "Initiate Failover",
    // 3 is documented; 7-10 are "plausibly" legal (inferred).
    legalFrom: [3, 7, 8, 9, 10],
    whileRunning: 4,
    onSuccess: { replicationState: 5, failedOverReplicationType: 1 },
    cancellable: true,
    defaultDurationMs: 3000,
    dropsRecoveryPoints: false,
  },
  {
    method: "RevertFailover",
    jobType: 98,
    jobName: "Revert Failover",
    // 5 is documented; 4 and 16 (Partially recovered) are inferred.
    legalFrom: [5, 4, 16],
    onSuccess: { replicationState: 3, failedOverReplicationType: 0 },
    cancellable: false,
    defaultDurationMs: 2000,
    dropsRecoveryPoints: false,
  },
  {
    method: "CommitFailover",
    jobType: 99,
    jobName: "Commit Failover",
    legalFrom: [5],
    onSuccess: { replicationState: 6 },
    cancellable: false,
    defaultDurationMs: 1500,
    dropsRecoveryPoints: true,
  },
];

/** WMI method names are case-insensitive. */
export function failoverSpec(method: string): FailoverSpec | undefined {
  return FAILOVER_SPECS.find((spec) => sameText(spec.method, method));
}
