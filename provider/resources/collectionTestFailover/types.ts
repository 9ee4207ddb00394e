/**
 * Plain shapes of CollectionTestFailover's inputs and outputs, as the provider receives and returns them. The
 * resource class (collectionTestFailover.ts) holds the field docs; schema.json carries the same words.
 */
import type { BootGroup } from "../../failover/bootOrder";
import { DEFAULTS as FAILOVER_DEFAULTS } from "../collectionFailover/types";
import type { TestNetwork } from "../../failover/testNetworks";
import type { OperationRecord, PointUsed } from "../../hyperv/replicationService";
import type { VirtualMachine } from "../../runtime/outputs";
import type { Report } from "../../runtime/report";
import type { ConnectionInputs, PublicConnection } from "../../runtime/types";

export interface CollectionTestFailoverInputs {
  collectionId?: string;
  collectionName?: string;
  recoveryPoint?: string;
  requireHealthy?: boolean;
  startVirtualMachines?: boolean;
  allowProductionNetwork?: boolean;
  jobTimeoutSeconds?: number;
  cancelJobOnTimeout?: boolean;
  bootGroups?: BootGroup[];
  connection?: ConnectionInputs;
  reportDirectory?: string;
}

export interface CollectionTestFailoverOutputs {
  collectionId: string;
  collectionName: string;
  testCollectionId: string;
  /** Null while the test collection's TestReplicaCollection job had not ended when the run stopped. */
  testCollectionName: string | null;
  virtualMachines: VirtualMachine[];
  recoveryPointUsed: PointUsed | null;
  lastOperation: OperationRecord | null;
  observedAt: string;
  hostSystemName: string | null;
  recoveryPoint: string;
  requireHealthy: boolean;
  startVirtualMachines: boolean;
  allowProductionNetwork: boolean;
  /** For each test VM, its adapters and the switch each is connected to (null: not connected). */
  testNetworks: TestNetwork[];
  jobTimeoutSeconds: number;
  cancelJobOnTimeout: boolean;
  connection: PublicConnection | null;
  /** The report of the last run that changed something; null before any. */
  lastReport?: Report | null;
}

/**
 * A test failover takes the same recovery point, health, VM and job settings as a failover, with the same defaults,
 * and stays off the production network unless allowed.
 */
export const DEFAULTS = { ...FAILOVER_DEFAULTS, allowProductionNetwork: false } as const;
