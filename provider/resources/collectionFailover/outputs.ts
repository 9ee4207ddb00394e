/** CollectionFailover's outputs: what the host reports, and the inputs as applied. */
import type { CollectionDetails } from "../../failover/details";
import { observedState } from "../../failover/states";
import type { Collection } from "../../hyperv";
import {
  consistencyLevelName,
  failedOverReplicationTypeName,
  replicationModeName,
  replicationStateName,
} from "../../hyperv";
import { publicConnection } from "../../runtime/connection";
import { virtualMachines } from "../../runtime/outputs";
import type { CollectionFailoverInputs, CollectionFailoverOutputs, LastOperation } from "./types";
import { DEFAULTS } from "./types";

export function outputsFor(
  inputs: CollectionFailoverInputs,
  collection: Collection,
  lastOperation: LastOperation | null,
  host: string | undefined,
  details: CollectionDetails,
  observedAt: number,
): CollectionFailoverOutputs {
  const level = collection.lastApplyConsistencyLevel ?? null;
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
    replicationHealth: details.replicationHealth,
    replicationHealthIssues: [...details.replicationHealthIssues],
    lastApplyTime: collection.lastApplyTime ?? null,
    lastApplyConsistencyLevel: level === null ? null : consistencyLevelName(level),
    virtualMachines: virtualMachines(details.virtualMachines),
    healthObservedAt: details.observedAt === null ? null : new Date(details.observedAt).toISOString(),
    observedAt: new Date(observedAt).toISOString(),
    recoveryPoint: inputs.recoveryPoint ?? DEFAULTS.recoveryPoint,
    requireHealthy: inputs.requireHealthy ?? DEFAULTS.requireHealthy,
    startVirtualMachines: inputs.startVirtualMachines ?? DEFAULTS.startVirtualMachines,
    jobTimeoutSeconds: inputs.jobTimeoutSeconds ?? DEFAULTS.jobTimeoutSeconds,
    cancelJobOnTimeout: inputs.cancelJobOnTimeout ?? DEFAULTS.cancelJobOnTimeout,
    connection: publicConnection(inputs.connection),
  };
}
