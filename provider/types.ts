/**
 * Plain shapes of the resource's inputs and outputs, as the provider receives and returns them. The resource class
 * (collectionFailover.ts) wraps these in Pulumi inputs and outputs; the field docs live there and in schema.json.
 */
import type { OperationRecord } from "./hyperv/replicationService";
import type { DesiredState, ObservedState } from "./failover/states";

export const TRANSPORTS = ["local", "wsman", "simulator"] as const;
export type Transport = (typeof TRANSPORTS)[number];

export const AUTHENTICATIONS = ["Default", "Negotiate", "Kerberos", "CredSSP"] as const;
export type Authentication = (typeof AUTHENTICATIONS)[number];

export interface ConnectionInputs {
  transport?: Transport;
  host?: string;
  port?: number;
  useSsl?: boolean;
  authentication?: Authentication;
  username?: string;
  password?: string;
  simulatorStateFile?: string;
}

/** A connection as stored in the outputs: everything but the password. */
export type PublicConnection = Omit<ConnectionInputs, "password">;

export interface CollectionFailoverInputs {
  collectionId?: string;
  collectionName?: string;
  failoverState: DesiredState;
  recoveryPoint?: string;
  jobTimeoutSeconds?: number;
  cancelJobOnTimeout?: boolean;
  connection?: ConnectionInputs;
}

export type LastOperation = OperationRecord;

export interface CollectionFailoverOutputs {
  collectionId: string;
  collectionName: string;
  failoverState: ObservedState;
  replicationState: number;
  replicationStateName: string;
  replicationMode: string;
  lastOperation: LastOperation | null;
  recoveryPoint: string;
  jobTimeoutSeconds: number;
  cancelJobOnTimeout: boolean;
  connection: PublicConnection | null;
}

export const DEFAULTS = {
  recoveryPoint: "latest",
  jobTimeoutSeconds: 1800,
  cancelJobOnTimeout: false,
} as const;

/** Pulumi's marker for a value not known yet during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
