/**
 * Two clusters in one state file: each collection of a pair lives on a site (a host name a session is opened for)
 * and names its partner on the other site. The per-cluster table (transitions.ts) decides each method on its own
 * collection; what the partner must show, and what the partner becomes, is decided here. All of it is inferred
 * from the ClusHyperV pages and the per-VM flow, since neither documents a collection pair:
 *
 * | Method (side)                         | The partner must be                                   | The partner becomes                              |
 * | ------------------------------------- | ----------------------------------------------------- | ------------------------------------------------ |
 * | InitiatePlannedFailover (primary)     | (no check)                                            | gets a last recovery point: per VM, Prepare "replicat[es] any pending changes" (documented) |
 * | InitiateFailover (replica)            | (no check: an unplanned failover needs no primary)    | -; the replica's FailedOverReplicationType is 2 when the primary was prepared |
 * | RevertPlannedFailover (primary)       | not Recovered (5) or Committed (6)                    | -                                                |
 * | PrepareForReverseReplication (old primary) | a Replica, Recovered (5) or Committed (6)        | -                                                |
 * | ReverseReplicationRelationship (new primary) | prepared: Replica in 1 (PrepareForReverseReplication), or Primary in 11 or 4 with type 2 (InitiatePlannedFailover) | Replica, waiting for the new primary's first copy (2), with a first recovery point and the same settings |
 * | StartReplication (the first copy, or the new primary's after a reverse) | (no check)                  | Replicating (3), when it was waiting for it (2) and the primary now replicates; with a first recovery point when it had none |
 * | RemoveReplicationRelationship (either)  | (no check)                                            | keeps its state ("This does not clean up the recovery server collection", documented) but no longer names this collection |
 *
 * InitiatePlannedFailover, PrepareForReverseReplication and ReverseReplicationRelationship talk to the partner, so
 * while the partner's host is down (an `unreachable` fault for that host with `times: "always"`) they answer 32777
 * "System is not available" (inferred).
 */
import { FailedOverType, ReplicationMode, ReturnCode, sameText } from "../constants";
import { newGuid } from "../ids";
import { belongsTo, siteOf, type SimState, type StoredCollection } from "../store/state";
import type { Transition } from "./transitions";

const RECOVERED = 5;
const COMMITTED = 6;
const READY = 1;
const WAITING_FOR_FIRST_COPY = 2;
const REPLICATING = 3;
const PLANNED_PREPARED = [11, 4];

export function partnerOf(state: SimState, collection: StoredCollection): StoredCollection | undefined {
  const id = collection.partnerId;
  if (id === undefined) return undefined;
  // Both sides may hold the same CollectionID (recoverySide.ts): the partner is the one on the other site.
  return state.collections.find(
    (c) =>
      c !== collection &&
      sameText(c.id, id) &&
      (c.site === undefined || !sameText(c.site, collection.site ?? "")),
  );
}

const isPlannedPrepared = (c: StoredCollection) =>
  c.replicationMode === ReplicationMode.primary &&
  PLANNED_PREPARED.includes(c.replicationState) &&
  c.failedOverReplicationType === FailedOverType.planned;

/** Methods that must reach the partner's cluster to do their work. */
const TALKS_TO_PARTNER = [
  "InitiatePlannedFailover",
  "PrepareForReverseReplication",
  "ReverseReplicationRelationship",
];

/** A host is down while an `unreachable` fault for it (or for every host) stands with `times: "always"`. */
function hostDown(state: SimState, host: string | undefined): boolean {
  return state.faults.some(
    (f) =>
      f.kind === "unreachable" &&
      f.times === "always" &&
      (f.host === undefined || (host !== undefined && sameText(f.host, host))),
  );
}

/**
 * The return code that refuses `method` because of the partner, or `undefined` when the partner allows it (or
 * there is none): 32777 when the call must reach a partner whose host is down, 32775 when the partner is not in a
 * state the call can work with.
 */
export function partnerRefusal(
  state: SimState,
  method: string,
  collection: StoredCollection,
): number | undefined {
  const partner = partnerOf(state, collection);
  if (!partner) return undefined;
  if (TALKS_TO_PARTNER.includes(method) && hostDown(state, partner.site))
    return ReturnCode.systemNotAvailable;
  return partnerAllows(method, partner) ? undefined : ReturnCode.invalidState;
}

/** What the partner must show for `method` (the table above). */
function partnerAllows(method: string, partner: StoredCollection): boolean {
  const failedOver = partner.replicationState === RECOVERED || partner.replicationState === COMMITTED;
  switch (method) {
    case "RevertPlannedFailover":
      return !failedOver;
    case "PrepareForReverseReplication":
      return partner.replicationMode === ReplicationMode.replica && failedOver;
    case "ReverseReplicationRelationship":
      return (
        isPlannedPrepared(partner) ||
        (partner.replicationMode === ReplicationMode.replica && partner.replicationState === READY)
      );
    default:
      return true;
  }
}

/** Two-cluster effects on the partner collection; none without a partner. */
export function pairEffect(state: SimState, t: Transition, collection: StoredCollection, at: number): void {
  const partner = partnerOf(state, collection);
  if (!partner) return;
  switch (t.method) {
    case "InitiatePlannedFailover":
      addPoint(state, partner, at);
      return;
    case "InitiateFailover":
      if (isPlannedPrepared(partner)) collection.failedOverReplicationType = FailedOverType.planned;
      return;
    case "RemoveReplicationRelationship":
      delete collection.partnerId;
      delete partner.partnerId;
      return;
    case "ReverseReplicationRelationship":
      partner.replicationMode = ReplicationMode.replica;
      partner.replicationState = WAITING_FOR_FIRST_COPY;
      partner.failedOverReplicationType = FailedOverType.none;
      if (collection.settings !== undefined) partner.settings = collection.settings;
      addPoint(state, partner, at);
      return;
    case "StartReplication":
      // An export leaves the primary waiting (2) for the import, and the replica with it (inferred).
      if (
        collection.replicationState === REPLICATING &&
        partner.replicationMode === ReplicationMode.replica &&
        partner.replicationState === WAITING_FOR_FIRST_COPY
      ) {
        partner.replicationState = REPLICATING;
        // The first copy is the replica's first recovery point (inferred; a reverse adds its own above).
        if (!state.recoveryPoints.some((p) => belongsTo(p, partner))) addPoint(state, partner, at);
      }
      return;
    default:
      return;
  }
}

/** A crash-consistent point for every member, which also becomes the collection's last applied one. */
function addPoint(state: SimState, collection: StoredCollection, at: number): void {
  state.recoveryPoints.push({
    instanceId: `Microsoft:${newGuid()}`,
    collectionId: collection.id,
    ...siteOf(collection),
    creationTime: at,
    consistencyLevel: 2,
    virtualMachineIds: collection.members.map((m) => m.id),
    recoveryPointIds: collection.members.map(() => `Microsoft:${newGuid()}`),
  });
  collection.lastApplyTime = at;
  collection.lastApplyConsistencyLevel = 2;
}
