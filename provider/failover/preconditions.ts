/**
 * What a replica collection's replication must be doing before it is failed over or test-failed-over. The
 * collection pages say nothing about it; the per-VM `Start-VMFailover` does (fact sheet §4, "Preconditions that
 * per-VM practice enforces"): it fails over only from Replicating, Resynchronizing, Suspended or
 * WaitingForUpdateCompletion, resumes replication first when Suspended or Resynchronizing, refuses Critical and
 * ResynchronizeSuspended, and allows no test failover while resynchronizing. These rules are that per-VM practice,
 * inferred for collections. One place for both resources: CollectionFailover's planner and CollectionTestFailover.
 */
import { ReplicationState as S, replicationStateName } from "../hyperv/codes";

export type FailoverKind = "failover" | "testFailover";

/** What replication must do before the failover: nothing, resume first, or refuse with why and what to do. */
export type Precondition =
  | { readonly kind: "ready" }
  | { readonly kind: "resumeFirst" }
  | { readonly kind: "refuse"; readonly reason: string; readonly advice: string };

const named = (state: number) => `${replicationStateName(state)} (${state})`;

const RESYNCHRONIZE_FIRST =
  "Resynchronize the group from its primary (Msvm_CollectionReplicationService.Resynchronize on the primary cluster; per VM, Resume-VMReplication -Resynchronize) and wait for Replicating (3), then run again";

/** The rule for one replication state, before a failover or a test failover of a replica collection. */
export function failoverPrecondition(replicationState: number, kind: FailoverKind): Precondition {
  const what = kind === "failover" ? "fail over" : "test-fail over";
  switch (replicationState) {
    case S.Critical:
    case S.WaitingToStartResynchronization:
      // Per-VM practice: Start-VMFailover refuses Critical and ResynchronizeSuspended.
      return {
        kind: "refuse",
        reason: `replication is ${named(replicationState)}, and Hyper-V Replica's per-VM failover (Start-VMFailover) will not ${what} a VM whose replication needs resynchronizing (inferred for collections)`,
        advice: RESYNCHRONIZE_FIRST,
      };
    case S.Resynchronizing:
      // Per-VM practice: no test failover while resynchronizing. For a failover the per-VM cmdlet resumes first,
      // but what ResumeReplication does to a collection in the middle of a resynchronization is documented nowhere,
      // and a replica caught half-way may hold a mix of old and new data: the safe side is to wait.
      return {
        kind: "refuse",
        reason: `replication is ${named(replicationState)}: the replica is being brought back in step with the primary, and a ${kind === "failover" ? "failover" : "test failover"} made half-way could use data from both sides (per-VM practice: no test failover while resynchronizing; for a failover the provider takes the safe side, inferred)`,
        advice:
          "Wait for the resynchronization to finish (Replicating, 3), then run again. If the primary is lost and it cannot finish, fail the member VMs over one by one with the per-VM Start-VMFailover, after checking each VM's recovery points",
      };
    case S.Suspended:
      // Per-VM practice: Start-VMFailover resumes replication first when Suspended. A test failover leaves the
      // replica as it is, so it is made as the host allows (inferred).
      return kind === "failover" ? { kind: "resumeFirst" } : { kind: "ready" };
    default:
      return { kind: "ready" };
  }
}
