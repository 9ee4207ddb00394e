import type { StoredCollection, StoredJob, StoredMember, StoredRecoveryPoint } from "../store/state";

/** Throw-away records, rendered once to learn each class's property names without a second list to keep in sync. */
export const sample: {
  collection: StoredCollection;
  recoveryPoint: StoredRecoveryPoint;
  job: StoredJob;
  member: StoredMember;
} = {
  collection: {
    id: "",
    name: "",
    replicationState: 0,
    replicationMode: 0,
    failedOverReplicationType: 0,
    members: [],
    lastApplyTime: null,
    lastApplyConsistencyLevel: 0,
  },
  recoveryPoint: {
    instanceId: "",
    collectionId: "",
    creationTime: 0,
    consistencyLevel: 0,
    virtualMachineIds: [],
    recoveryPointIds: [],
  },
  job: {
    instanceId: "",
    method: "",
    jobType: 0,
    collectionId: "",
    submittedAt: 0,
    durationMs: 0,
    timeBeforeRemovalMs: 0,
    cancellable: false,
    hangs: false,
    plannedEnd: { jobState: 7, errorCode: 0, errorDescription: "", errorSummaryDescription: "" },
    restore: { replicationState: 0, failedOverReplicationType: 0 },
  },
  member: { id: "", name: "" },
};
