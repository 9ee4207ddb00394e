import { completeManagementJob, isManagementJob } from "./collectionManagement";
import { EnabledState, FailedOverType, ReplicationMode, ReplicationState } from "../constants";
import { withKey } from "../store/keyIndex";
import { newGuid } from "../ids";
import { VM_METHOD, vmStateChange } from "./members";
import { pairEffect } from "./pair";
import { relationshipCreated } from "./recoverySide";
import { settingsAfterReverse } from "./reverseSettings";
import { startJob } from "./startJob";
import {
  belongsTo,
  collectionOf,
  isTestOf,
  POINT_ID,
  siteOf,
  type SimState,
  type StoredCollection,
  type StoredJob,
  type StoredRecoveryPoint,
} from "../store/state";
import { testCopyAdapters } from "../networks/model";
import { transition, type Transition } from "./transitions";

/** What a completed job does: the table's `to`, then the row's effect (inferred unless the table says otherwise). */
export function completeJob(state: SimState, job: StoredJob, at: number): void {
  if (isManagementJob(job)) return completeManagementJob(state, job);
  const collection = collectionOf(state, job);
  if (!collection) return;
  if (job.vmId !== undefined && job.method === VM_METHOD) {
    const member = collection.members.find((m) => m.id === job.vmId);
    const change = vmStateChange(job.requestedState);
    if (member && change) Object.assign(member, { enabledState: change.to, enabledSince: at });
    return;
  }
  const t = transition(job.method);
  if (!t) return;
  if (t.to?.replicationState !== undefined) collection.replicationState = t.to.replicationState;
  if (t.to?.replicationMode !== undefined) collection.replicationMode = t.to.replicationMode;
  if (t.to?.failedOverReplicationType !== undefined) {
    collection.failedOverReplicationType = t.to.failedOverReplicationType;
  }
  applyEffect(state, t, job, collection, at);
  pairEffect(state, t, collection, at);
}

/** A job that did not complete puts back what it changed when it started. */
export function undoJob(state: SimState, job: StoredJob): void {
  const collection = collectionOf(state, job);
  if (!collection) return;
  if (job.vmId !== undefined) {
    const member = collection.members.find((m) => m.id === job.vmId);
    if (member && job.restore.enabledState !== undefined) member.enabledState = job.restore.enabledState;
    return;
  }
  collection.replicationState = job.restore.replicationState;
  collection.failedOverReplicationType = job.restore.failedOverReplicationType;
}

function applyEffect(
  state: SimState,
  t: Transition,
  job: StoredJob,
  collection: StoredCollection,
  at: number,
): void {
  switch (t.effect) {
    case "createRelationship":
      if (job.settings !== undefined) relationshipCreated(state, collection, job.settings, at);
      return;
    case "storeSettings":
      if (job.settings !== undefined) collection.settings = job.settings;
      return;
    case "initialReplication":
      // An export (type 2) waits for the import on the replica (inferred).
      if (job.initialReplicationType === 2) {
        collection.replicationState = ReplicationState.waitingForInitialReplication;
      }
      return;
    case "failover":
      applyPoint(state, job, collection);
      return;
    case "commit":
      // Per-VM docs: commit flattens the recovery points (inferred for collections).
      state.recoveryPoints = state.recoveryPoints.filter((p) => !belongsTo(p, collection));
      return;
    case "removeRelationship":
      state.recoveryPoints = state.recoveryPoints.filter((p) => !belongsTo(p, collection));
      return;
    case "createTestCollection":
      createTestCollection(state, job, collection, at);
      return;
    case "removeTestCollection":
      state.collections = state.collections.filter((c) => !isTestOf(c, collection));
      return;
    case "reverse":
      if (job.settings !== undefined) collection.settings = settingsAfterReverse(collection, job.settings);
      startFirstCopy(state, job, collection, at);
      return;
    default:
      return;
  }
}

/**
 * After a reverse the new primary sends its first copy before it replicates, as the fact sheet's model has it
 * ("R becomes Primary (mode 1) with state 1 or 2, then 3"; inferred): Ready (1), then a StartReplication job that
 * holds it in 2 until it ends in 3, by the StartReplication row. A copy that fails leaves it Ready (1).
 */
function startFirstCopy(state: SimState, reverse: StoredJob, collection: StoredCollection, at: number): void {
  const copy = transition("StartReplication");
  if (!copy) return;
  collection.replicationState = ReplicationState.ready;
  startJob(
    state,
    { now: at, timeBeforeRemovalMs: reverse.timeBeforeRemovalMs },
    {
      method: copy.method,
      jobType: copy.jobType ?? 0,
      collection,
      cancellable: copy.cancellable ?? false,
      defaultDurationMs: copy.defaultDurationMs ?? 1000,
    },
  );
  collection.replicationState = copy.whileRunning ?? ReplicationState.waitingForInitialReplication;
}

/** The recovery point a job names, by its exact InstanceID. */
const pointOf = (state: SimState, job: StoredJob): StoredRecoveryPoint | undefined =>
  withKey(state.recoveryPoints, POINT_ID, job.recoveryPointId).find(
    (p) => p.instanceId === job.recoveryPointId,
  );

/** LastApplyTime and LastApplyConsistencyLevel follow the point failed over to (inferred). */
function applyPoint(state: SimState, job: StoredJob, collection: StoredCollection): void {
  const point = pointOf(state, job);
  if (!point) return;
  collection.lastApplyTime = point.creationTime;
  collection.lastApplyConsistencyLevel = point.consistencyLevel;
}

/**
 * The test collection: mode 3 Test Replica, ReplicationState 0 (it does not replicate; inferred), named
 * "<name> - Test" with test VMs "<vm> - Test", off, as Start-VMFailover -AsTest names and leaves its test VM.
 */
function createTestCollection(state: SimState, job: StoredJob, replica: StoredCollection, at: number): void {
  const point = pointOf(state, job);
  state.collections.push({
    id: job.resultId ?? newGuid(),
    name: `${replica.name} - Test`,
    replicationState: ReplicationState.disabled,
    replicationMode: ReplicationMode.testReplica,
    failedOverReplicationType: FailedOverType.none,
    members: replica.members.map((m) => ({
      id: newGuid(),
      name: `${m.name} - Test`,
      enabledState: EnabledState.disabled,
      adapters: testCopyAdapters(state, m),
    })),
    lastApplyTime: point?.creationTime ?? null,
    lastApplyConsistencyLevel: point?.consistencyLevel ?? 0,
    testOf: replica.id,
    ...siteOf(replica),
  });
  replica.statistics = { ...replica.statistics, lastTestFailoverTime: at };
}
