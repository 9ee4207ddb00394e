import { FailedOverReplicationType, ReplicationMode, ReplicationState as S } from "../hyperv/codes";

/** The failover states a user can ask for. */
export const DESIRED_STATES = ["normal", "failedOver", "committed"] as const;
export type DesiredState = (typeof DESIRED_STATES)[number];

/**
 * The failover state the provider reports: one of the desired states when the host is in one of them, otherwise a
 * word that says what the host is doing instead.
 */
export type ObservedState =
  | DesiredState
  | "failoverInProgress"
  | "partiallyFailedOver"
  | "plannedFailoverInProgress"
  | "testFailoverInProgress"
  /** ReplicationState 13 with no test collection linked: a test failover or a partial failover, no telling which. */
  | "ambiguous"
  | "repurposeInProgress"
  | "initialReplicationPending"
  | "partiallyReplicating"
  | "notReplicating"
  | "primary"
  | "testReplica"
  | "unknown";

/** What the planner needs to know about a collection. */
export interface Observation {
  readonly replicationState: number;
  readonly replicationMode: number;
  /** Documented as "0 None, 1 Regular, 2 Planned"; absent = not known (0). */
  readonly failedOverReplicationType?: number;
  /**
   * Read for a replica in ReplicationState 13 only (testLink.ts): whether Msvm_ReplicaCollectionDependency links a
   * test collection to it. Absent = not looked at, which does not confirm a test failover.
   */
  readonly testCollectionLinked?: boolean;
}

/**
 * A replica collection that is not failed over is "normal", whatever the health of its replication: Suspended,
 * Critical and resynchronizing collections are all still receiving (or waiting for) replication. Which of them may
 * be failed over is a separate rule, the per-VM practice of preconditions.ts.
 */
export const NORMAL_STATES: readonly number[] = [
  S.Replicating,
  S.Suspended,
  S.Critical,
  S.WaitingToStartResynchronization,
  S.Resynchronizing,
];

const REPLICA_STATE_WORDS: Readonly<Record<number, ObservedState>> = {
  [S.Disabled]: "notReplicating",
  [S.ReadyForReplication]: "initialReplicationPending",
  [S.WaitingToCompleteInitialReplication]: "initialReplicationPending",
  [S.FailoverInitiated]: "failoverInProgress",
  [S.Recovered]: "failedOver",
  [S.Committed]: "committed",
  [S.PlannedFailoverInitiated]: "plannedFailoverInProgress",
  [S.RepurposeInitiated]: "repurposeInProgress",
  [S.PartiallyEnabled]: "partiallyReplicating",
  [S.PartiallyDisabled]: "partiallyReplicating",
  [S.PartiallyRecovered]: "partiallyFailedOver",
};

export function observedState(o: Observation): ObservedState {
  switch (o.replicationMode) {
    case ReplicationMode.Primary:
      return "primary";
    case ReplicationMode.TestReplica:
      return "testReplica";
    case ReplicationMode.None:
      return "notReplicating";
    case ReplicationMode.Replica:
      if (NORMAL_STATES.includes(o.replicationState)) return "normal";
      // Documented: RevertPlannedFailover "will work only for the collection which is in the
      // PreparedForPlannedFailover or FailoverInitiated state after using InitiatePlannedFailover.", and
      // FailedOverReplicationType 2 is Planned. Inferred from the two: a replica in 4 with type 2 is in a planned
      // failover.
      if (
        o.replicationState === S.FailoverInitiated &&
        o.failedOverReplicationType === FailedOverReplicationType.Planned
      )
        return "plannedFailoverInProgress";
      // Slot 13 is labelled "Partially recovered" in the docs and read as Test failover initiated (inferred): only
      // a linked test collection (documented: Msvm_ReplicaCollectionDependency) confirms that reading.
      if (o.replicationState === S.TestFailoverInitiated)
        return o.testCollectionLinked === true ? "testFailoverInProgress" : "ambiguous";
      return REPLICA_STATE_WORDS[o.replicationState] ?? "unknown";
    default:
      return "unknown";
  }
}

/**
 * Whether what the host shows already is what the user asked for. A replica collection with a test failover in
 * progress satisfies `normal`: the test failover made a separate test collection (documented: TestReplicaCollection
 * "Creates the test collection for the replicated virtual system collection.", linked to the replica by
 * Msvm_ReplicaCollectionDependency), and the replica itself keeps replicating (inferred: the docs do not say what
 * the replica's own state does meanwhile).
 */
export function satisfies(observed: ObservedState, desired: DesiredState): boolean {
  return observed === desired || (observed === "testFailoverInProgress" && desired === "normal");
}
