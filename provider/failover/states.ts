import { ReplicationMode, ReplicationState as S } from "../hyperv/codes";

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
}

/**
 * A replica collection that is not failed over is "normal", whatever the health of its replication: Suspended,
 * Critical and resynchronizing collections are all still receiving (or waiting for) replication, and
 * InitiateFailover accepts them (inferred from the fact sheet's state machine).
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
  [S.TestFailoverInitiated]: "testFailoverInProgress",
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
      return REPLICA_STATE_WORDS[o.replicationState] ?? "unknown";
    default:
      return "unknown";
  }
}
