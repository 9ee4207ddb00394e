import type { FailoverMethod } from "../hyperv/codes";
import {
  failedOverReplicationTypeName,
  ReplicationState as S,
  replicationModeName,
  replicationStateName,
} from "../hyperv/codes";
import { failoverPrecondition } from "./preconditions";
import type { DesiredState, Observation, ObservedState } from "./states";
import { NORMAL_STATES, observedState, satisfies } from "./states";

/** The methods a plan calls: the failover methods, and ResumeReplication before a failover from Suspended. */
export type StepMethod = FailoverMethod | "ResumeReplication";

/** One method call, and the ReplicationState values that count as its success. */
export interface Step {
  readonly method: StepMethod;
  /** For InitiateFailover: the recovery point's InstanceID, or null for the latest. */
  readonly recoveryPoint: string | null;
  readonly expect: readonly number[];
}

export type Plan =
  /** The collection is already where the user wants it: call nothing. */
  | { readonly kind: "none" }
  | { readonly kind: "call"; readonly steps: readonly Step[] }
  /** No method may be called; `reason` says why and `advice` what the user can do instead. */
  | { readonly kind: "refuse"; readonly reason: string; readonly advice: string };

export interface PlanOptions {
  /** `latest` or a recovery point InstanceID. */
  readonly recoveryPoint: string;
}

// Documented (InitiateFailover): "Sets the failover for collection to application or crash consistent image." and
// "Pass NULL if failover is to be performed to the latest point in time." Inferred: success reads 5 Recovered.
const initiate = (recoveryPoint: string): Step => ({
  method: "InitiateFailover",
  recoveryPoint: recoveryPoint === "latest" ? null : recoveryPoint,
  expect: [S.Recovered],
});
// Documented (RevertFailover): "Undo the current failover for the collection." and "This operation will work only for
// the collection which is in failed over state after using InitiateFailover." Inferred: that 16 Partially recovered
// counts as failed over, and that success reads a replicating state.
const revert: Step = { method: "RevertFailover", recoveryPoint: null, expect: NORMAL_STATES };
// Documented (CommitFailover): "Commits the recovery snapshot that InitiateFailover has used for failover."
// Inferred: success reads 6 Committed.
const commit: Step = { method: "CommitFailover", recoveryPoint: null, expect: [S.Committed] };
// Per-VM practice (Start-VMFailover resumes replication first when Suspended), inferred for collections. Documented
// (ResumeReplication): "Resumes replication for the VM collection." Inferred: success reads 3 Replicating.
const resume: Step = { method: "ResumeReplication", recoveryPoint: null, expect: [S.Replicating] };

export function describeObservation(o: Observation): string {
  const state = `${replicationStateName(o.replicationState)} (${o.replicationState})`;
  return `it is ${observedState(o)}: ReplicationState ${state}, ReplicationMode ${replicationModeName(o.replicationMode)}`;
}

/**
 * Decides what to call to move a collection from what the host shows to what the user declared. Pure: it reads
 * only its arguments, so every (state, desired) pair is table-tested without a host.
 */
export function planFailover(o: Observation, desired: DesiredState, options: PlanOptions): Plan {
  const observed = observedState(o);
  if (satisfies(observed, desired)) return { kind: "none" };
  const refusal = refuse(o, observed, desired);
  if (refusal) return refusal;
  switch (desired) {
    case "normal":
      // failedOver or partiallyFailedOver: RevertFailover discards the failover (documented for failedOver, "Undo the
      // current failover for the collection."; for partiallyFailedOver inferred).
      return { kind: "call", steps: [revert] };
    case "failedOver":
      return failingOver(o, [initiate(options.recoveryPoint)]);
    case "committed":
      return observed === "failedOver"
        ? { kind: "call", steps: [commit] }
        : failingOver(o, [initiate(options.recoveryPoint), commit]);
  }
}

/** A failover from a replicating state, as the per-VM practice allows it (preconditions.ts). */
function failingOver(o: Observation, steps: readonly Step[]): Plan {
  const rule = failoverPrecondition(o.replicationState, "failover");
  if (rule.kind === "refuse") return refusal(o, rule.reason, rule.advice);
  return { kind: "call", steps: rule.kind === "resumeFirst" ? [resume, ...steps] : steps };
}

type Refusal = Extract<Plan, { kind: "refuse" }>;

function refusal(o: Observation, reasonTail: string, advice: string): Refusal {
  return { kind: "refuse", reason: `${describeObservation(o)}; ${reasonTail}`, advice };
}

/**
 * Each rule says where it comes from. Documented facts are quoted from the ClusHyperV pages (MicrosoftDocs/win32
 * desktop-src/ClusHyperV at f0629c9a32), or from a per-VM page when it says so; everything else is inferred.
 */
const REFUSALS: Partial<Record<ObservedState, (o: Observation, desired: DesiredState) => Refusal>> = {
  // Documented per VM (Msvm_ReplicationService.CommitFailover): "After this is done, the failover operation cannot
  // be canceled."; that it holds for a collection is inferred. Documented (ReverseReplicationRelationship): "This API
  // requires the collection that is a recovery collection in failover committed state."
  committed: (o, desired) =>
    refusal(
      o,
      `a committed failover cannot be reverted, so it cannot become ${desired}`,
      "Keep failoverState 'committed'. To fail back, reverse replication (ReverseReplicationRelationship on this cluster) and fail over again from the new primary; then point this resource at the new replica",
    ),
  // Inferred: InitiateFailover, RevertFailover and CommitFailover run on the replica side (the docs do not say which
  // side; the per-VM cmdlets fail over on the replica). State 4 on a primary: RevertPlannedFailover "will work only
  // for the collection which is in the PreparedForPlannedFailover or FailoverInitiated state after using
  // InitiatePlannedFailover." (documented). Inferred: that FailoverInitiated is ReplicationState 4 ("Failover
  // initiated"; a match of names), and that the planned methods run on the primary (as the per-VM
  // Start-VMFailover -Prepare does), so a primary in 4 had a planned failover started from it.
  primary: (o) =>
    o.replicationState === S.FailoverInitiated
      ? refusal(
          o,
          "this is the primary side, where a planned failover was initiated (InitiatePlannedFailover), and failover is run on the replica",
          "Point the connection at a node of the replica cluster and complete the planned failover there, or cancel it here with RevertPlannedFailover; then run again",
        )
      : refusal(
          o,
          "this is the primary side, and failover is run on the replica",
          "Point the connection at a node of the replica cluster, or use the replica collection's CollectionID",
        ),
  // A running failover job of this collection is adopted before a refusal is acted on, so this one stands only when
  // none runs. Documented: the docs name FailoverInitiated only on the planned path (above). Inferred: nothing
  // moves a replica on from 4 by itself, so waiting out jobTimeoutSeconds would only delay this answer.
  failoverInProgress: (o) =>
    refusal(
      o,
      `no failover job of this collection is running, and FailedOverReplicationType is ${failedOverReplicationTypeName(o.failedOverReplicationType ?? 0)}`,
      "Nothing is moving it on: check the collection on the host (its Msvm_VirtualSystemCollection and jobs in root/HyperVCluster/v2, Get-VMReplication per VM on the member VMs, the Hyper-V-VMMS-Admin event log) and bring it to Recovered (5) or Replicating (3) with Msvm_CollectionReplicationService, then run again",
    ),
  // Documented: TestReplicaCollection "Creates the test collection for the replicated virtual system collection.",
  // and Msvm_ReplicaCollectionDependency links "the replica collection" to "the test replica collection created by
  // the TestReplicaCollection API". Inferred: that test collection reads ReplicationMode 3 (Test Replica), and
  // failover is for the replica itself.
  testReplica: (o) =>
    refusal(
      o,
      "this is a test replica made by a test failover",
      "Use the replica collection itself (Msvm_ReplicaCollectionDependency's Antecedent) for failover",
    ),
  // Documented: CreateReplicationRelationship "Creates new replication relationship for collection of virtual
  // machines." Inferred: ReplicationMode 0 means it was never called, and no failover is possible without it.
  notReplicating: (o) =>
    refusal(
      o,
      "replication is not enabled for this collection",
      "Enable replication for the VM group first (CreateReplicationRelationship and StartReplication on the primary)",
    ),
  // Inferred: a failover needs a recovery point, which initial replication creates.
  initialReplicationPending: (o) =>
    refusal(
      o,
      "initial replication has not completed",
      "Wait for initial replication to finish, then run again",
    ),
  // Documented: RevertFailover "will work only for the collection which is in failed over state after using
  // InitiateFailover.", and RevertPlannedFailover "Undoes the current planned failover for the collection." The
  // state numbers (11, or 4 with FailedOverReplicationType 2 Planned) are inferred from the garbled enum and the
  // RevertPlannedFailover page.
  plannedFailoverInProgress: (o) =>
    refusal(
      o,
      "a planned failover is in progress, which RevertFailover cannot undo",
      "Finish it, or cancel it with RevertPlannedFailover on the primary cluster, then run again",
    ),
  // Inferred: 13 read as Test failover initiated from the garbled enum when a test collection is linked (above),
  // and refusing to fail over or commit while a test failover exists; `normal` is satisfied (see satisfies()).
  // Documented: RevertTestReplicaCollection "Destroys the test replica collection for a replica collection.", its
  // Collection being the "replica collection instance for which the associated test replica collection is to be
  // removed".
  testFailoverInProgress: (o) =>
    refusal(
      o,
      "a test failover is in progress",
      "Remove the test collection with RevertTestReplicaCollection (pass the replica collection), then run again",
    ),
  // Documented: the ClusHyperV enum labels slot 13 "Partially recovered" (garbled, fact sheet §3); reading it as
  // Test failover initiated is inferred, and only a test collection linked by Msvm_ReplicaCollectionDependency
  // confirms it. Without one, 13 may be a partial failover: the safe side is to call nothing, for any desired state.
  ambiguous: (o) =>
    refusal(
      o,
      "Microsoft's docs label ReplicationState 13 'Partially recovered', and the provider reads it as a test failover only when a test collection is linked to the replica (Msvm_ReplicaCollectionDependency); none is, so this may be a partial failover and nothing is called",
      "Check the member VMs on the replica cluster (Get-VMReplication: a VM failed over on its own shows FailedOverWaitingCompletion or FailedOver) and the Hyper-V-VMMS-Admin event log; bring the group to Replicating (3) or Recovered (5), or finish or remove its test failover (RevertTestReplicaCollection on the replica collection), then refresh and run again",
    ),
  // Inferred: 12 read as Repurpose initiated from the garbled enum.
  repurposeInProgress: (o) =>
    refusal(o, "a repurpose operation is in progress", "Wait for it to finish, then run again"),
  // Inferred: 14 and 15 read as Partially enabled and Partially disabled from the garbled enum.
  partiallyReplicating: (o) =>
    refusal(
      o,
      "replication is only partly enabled for the group's VMs",
      "Repair replication of the member VMs (Get-VMReplication on the replica nodes), then run again",
    ),
  // Inferred: a state the provider cannot name is never guessed at.
  unknown: (o) =>
    refusal(
      o,
      "the provider does not know this state, so it will not guess",
      "Inspect the collection on the host (Msvm_VirtualSystemCollection in root/HyperVCluster/v2) and bring it to Replicating or Recovered by hand",
    ),
};

function refuse(o: Observation, observed: ObservedState, desired: DesiredState): Refusal | undefined {
  const rule = REFUSALS[observed];
  if (rule) return rule(o, desired);
  // Inferred: from 16 Partially recovered only a revert is safe.
  if (observed === "partiallyFailedOver" && desired !== "normal") {
    return refusal(
      o,
      `only some of the group's VMs failed over, so it cannot become ${desired} safely`,
      "Set failoverState 'normal' to revert the partial failover, then fail over again",
    );
  }
  return undefined;
}

/**
 * What to tell the user after a method returned 32775 (Invalid state) and the collection, read again, is not in the
 * desired state: the planner's own advice when it would refuse from there, else whether the collection moved.
 */
export function adviceAfterInvalidState(
  method: StepMethod,
  before: Observation,
  after: Observation,
  desired: DesiredState,
  options: PlanOptions,
): string {
  const plan = planFailover(after, desired, options);
  if (plan.kind === "refuse") return plan.advice;
  const [was, now] = [before.replicationState, after.replicationState];
  if (now !== was) {
    return `The collection changed while the call was made (from ${replicationStateName(was)} (${was}) to ${replicationStateName(now)} (${now})); run again to plan from its new state`;
  }
  return `Hyper-V does not allow ${method} from this state although Hyper-V Replica normally does; check the member VMs' replication (Get-VMReplication on the replica nodes) and the Hyper-V-VMMS-Admin event log, then run again`;
}
