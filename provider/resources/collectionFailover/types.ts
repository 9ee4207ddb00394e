/**
 * Plain shapes of CollectionFailover's inputs and outputs, as the provider receives and returns them. The resource
 * class (collectionFailover.ts) wraps these in Pulumi inputs and outputs; the field docs live there and in
 * schema.json.
 */
import type { BootGroup } from "../../failover/bootOrder";
import type { DesiredState, ObservedState } from "../../failover/states";
import type { OperationRecord } from "../../hyperv/replicationService";
import type { VirtualMachine } from "../../runtime/outputs";
import type { ConnectionInputs, PublicConnection } from "../../runtime/types";

export interface CollectionFailoverInputs {
  collectionId?: string;
  collectionName?: string;
  failoverState: DesiredState;
  recoveryPoint?: string;
  requireHealthy?: boolean;
  startVirtualMachines?: boolean;
  jobTimeoutSeconds?: number;
  cancelJobOnTimeout?: boolean;
  acknowledgeDataLoss?: string[];
  rehearsalMinutes?: number;
  bootGroups?: BootGroup[];
  connection?: ConnectionInputs;
  reportDirectory?: string;
}

export type LastOperation = OperationRecord;

export interface CollectionFailoverOutputs {
  collectionId: string;
  collectionName: string;
  failoverState: ObservedState;
  replicationState: number;
  replicationStateName: string;
  replicationMode: string;
  failedOverReplicationType: string;
  hostSystemName: string | null;
  lastOperation: LastOperation | null;
  replicationHealth: string | null;
  replicationHealthIssues: string[];
  lastApplyTime: string | null;
  lastApplyConsistencyLevel: string | null;
  virtualMachines: VirtualMachine[];
  healthObservedAt: string | null;
  observedAt: string;
  recoveryPoint: string;
  requireHealthy: boolean;
  startVirtualMachines: boolean;
  jobTimeoutSeconds: number;
  cancelJobOnTimeout: boolean;
  connection: PublicConnection | null;
}

export const DEFAULTS = {
  recoveryPoint: "latest",
  requireHealthy: false,
  startVirtualMachines: true,
  jobTimeoutSeconds: 1800,
  cancelJobOnTimeout: false,
} as const;
