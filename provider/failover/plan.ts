import type { FailoverMethod } from "../hyperv/codes";
import { ReplicationState as S, replicationModeName, replicationStateName } from "../hyperv/codes";
import type { DesiredState, Observation, ObservedState } from "./states";
import { NORMAL_STATES, observedState } from "./states";

/** One method call, and the ReplicationState values that count as its success. */
export interface Step {
  readonly method: FailoverMethod;
  /** For InitiateFailover: the recovery point's InstanceID, or null for the latest. */
  readonly recoveryPoint: string | null;
  readonly expect: readonly number[];
}

export type Plan =
  /** The collection is already where the user wants it: call nothing. */
  | { readonly kind: "none" }
  /** A failover is being initiated (state 4): wait until it settles, then plan again. */
  | { readonly kind: "wait" }
  | { readonly kind: "call"; readonly steps: readonly Step[] }
  /** No method may be called; `reason` says why and `advice` what the user can do instead. */
  | { readonly kind: "refuse"; readonly reason: string; readonly advice: string };

export interface PlanOptions {
  /** `latest` or a recovery point InstanceID. */
  readonly recoveryPoint: string;
}

const initiate = (recoveryPoint: string): Step => ({
  method: "InitiateFailover",
  recoveryPoint: recoveryPoint === "latest" ? null : recoveryPoint,
  expect: [S.Recovered],
});
const revert: Step = { method: "RevertFailover", recoveryPoint: null, expect: NORMAL_STATES };
const commit: Step = { method: "CommitFailover", recoveryPoint: null, expect: [S.Committed] };

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
  if (observed === desired) return { kind: "none" };
  if (observed === "failoverInProgress") return { kind: "wait" };
  const refusal = refuse(o, observed, desired);
  if (refusal) return refusal;
  switch (desired) {
    case "normal":
      // failedOver or partiallyFailedOver: RevertFailover discards the failover.
      return { kind: "call", steps: [revert] };
    case "failedOver":
      return { kind: "call", steps: [initiate(options.recoveryPoint)] };
    case "committed":
      return {
        kind: "call",
        steps: observed === "failedOver" ? [commit] : [initiate(options.recoveryPoint), commit],
      };
  }
}

type Refusal = Extract<Plan, { kind: "refuse" }>;

function refusal(o: Observation, reasonTail: string, advice: string): Refusal {
  return { kind: "refuse", reason: `${describeObservation(o)}; ${reasonTail}`, advice };
}

const REFUSALS: Partial<Record<ObservedState, (o: Observation, desired: DesiredState) => Refusal>> = {
  committed: (o, desired) =>
    refusal(
      o,
      `a committed failover cannot be reverted, so it cannot become ${desired}`,
      "Keep failoverState 'committed'. To fail back, reverse replication (ReverseReplicationRelationship on this cluster) and fail over again from the new primary; then point this resource at the new replica",
    ),
  primary: (o) =>
    refusal(
      o,
      "this is the primary side, and failover is run on the replica",
      "Point the connection at a node of the replica cluster, or use the replica collection's CollectionID",
    ),
  testReplica: (o) =>
    refusal(
      o,
      "this is a test replica made by a test failover",
      "Use the replica collection itself (Msvm_ReplicaCollectionDependency's Antecedent) for failover",
    ),
  notReplicating: (o) =>
    refusal(
      o,
      "replication is not enabled for this collection",
      "Enable replication for the VM group first (CreateReplicationRelationship and StartReplication on the primary)",
    ),
  initialReplicationPending: (o) =>
    refusal(
      o,
      "initial replication has not completed",
      "Wait for initial replication to finish, then run again",
    ),
  plannedFailoverInProgress: (o) =>
    refusal(
      o,
      "a planned failover is in progress, which RevertFailover cannot undo",
      "Finish it, or cancel it with RevertPlannedFailover on the primary cluster, then run again",
    ),
  testFailoverInProgress: (o) =>
    refusal(
      o,
      "a test failover is in progress",
      "Remove the test collection with RevertTestReplicaCollection (pass the replica collection), then run again",
    ),
  repurposeInProgress: (o) =>
    refusal(o, "a repurpose operation is in progress", "Wait for it to finish, then run again"),
  partiallyReplicating: (o) =>
    refusal(
      o,
      "replication is only partly enabled for the group's VMs",
      "Repair replication of the member VMs (Get-VMReplication on the replica nodes), then run again",
    ),
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
  method: FailoverMethod,
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
