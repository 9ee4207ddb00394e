/** CollectionFailover's outputs: what the host reports, and the inputs as applied. */
import { observedState } from "../../failover/states";
import type { Collection } from "../../hyperv";
import { failedOverReplicationTypeName, replicationModeName, replicationStateName } from "../../hyperv";
import { publicConnection } from "../../runtime/connection";
import type { CollectionFailoverInputs, CollectionFailoverOutputs, LastOperation } from "./types";
import { DEFAULTS } from "./types";

export function outputsFor(
  inputs: CollectionFailoverInputs,
  collection: Collection,
  lastOperation: LastOperation | null,
  host: string | undefined,
): CollectionFailoverOutputs {
  return {
    collectionId: collection.id,
    collectionName: collection.name,
    failoverState: observedState(collection),
    replicationState: collection.replicationState,
    replicationStateName: replicationStateName(collection.replicationState),
    replicationMode: replicationModeName(collection.replicationMode),
    failedOverReplicationType: failedOverReplicationTypeName(collection.failedOverReplicationType),
    hostSystemName: host ?? null,
    lastOperation,
    recoveryPoint: inputs.recoveryPoint ?? DEFAULTS.recoveryPoint,
    jobTimeoutSeconds: inputs.jobTimeoutSeconds ?? DEFAULTS.jobTimeoutSeconds,
    cancelJobOnTimeout: inputs.cancelJobOnTimeout ?? DEFAULTS.cancelJobOnTimeout,
    connection: publicConnection(inputs.connection),
  };
}
