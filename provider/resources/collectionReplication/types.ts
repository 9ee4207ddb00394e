/**
 * Plain shapes of CollectionReplication's inputs and outputs, as the provider receives and returns them. The resource
 * class (collectionReplication.ts) holds the field docs; schema.json carries the same words.
 */
import type { InitialReplication } from "../../hyperv/replicationSetup";
import type { OperationRecord } from "../../hyperv/replicationService";
import type { ConnectionInputs, PublicConnection } from "../../runtime/types";

export type Authentication = "kerberos" | "certificate";
export type Resynchronize = "never" | "whenNeeded";

/** The recovery side as the program names it: its collection by id, and how to reach its cluster. */
export interface RecoverySideInputs {
  collectionId: string;
  connection?: ConnectionInputs;
}

export interface CollectionReplicationInputs {
  collectionId: string;
  recoveryConnectionPoint: string;
  recoveryServerPort?: number;
  authentication?: Authentication;
  certificateThumbprint?: string;
  compressionEnabled?: boolean;
  bypassProxyServer?: boolean;
  replicationIntervalSeconds?: number;
  recoveryHistory?: number;
  applicationConsistentSnapshotIntervalHours?: number;
  autoResynchronize?: boolean;
  autoResynchronizeWindowStart?: string;
  autoResynchronizeWindowEnd?: string;
  includedDisks?: string[];
  initialReplication?: InitialReplication;
  initialReplicationStartTime?: string;
  initialReplicationExportPath?: string;
  paused?: boolean;
  resynchronize?: Resynchronize;
  recoverySide?: RecoverySideInputs;
  removeRecoverySideOnDelete?: boolean;
  jobTimeoutSeconds?: number;
  initialReplicationTimeoutSeconds?: number;
  connection?: ConnectionInputs;
}

/** How far the initial copy got: the StartReplication job, as last seen. */
export interface InitialReplicationProgress {
  readonly jobId: string | null;
  readonly percentComplete: number;
  readonly jobState: string | null;
}

export interface CollectionReplicationOutputs extends Required<
  Omit<
    CollectionReplicationInputs,
    | "certificateThumbprint"
    | "applicationConsistentSnapshotIntervalHours"
    | "includedDisks"
    | "initialReplicationStartTime"
    | "initialReplicationExportPath"
    | "recoverySide"
    | "connection"
  >
> {
  certificateThumbprint: string | null;
  applicationConsistentSnapshotIntervalHours: number | null;
  includedDisks: string[] | null;
  initialReplicationStartTime: string | null;
  initialReplicationExportPath: string | null;
  recoverySide: { collectionId: string; connection: PublicConnection | null } | null;
  connection: PublicConnection | null;
  collectionName: string;
  replicationState: number;
  replicationStateName: string;
  replicationHealth: string | null;
  healthIssues: string[];
  initialReplicationProgress: InitialReplicationProgress;
  lastReplicationTime: string | null;
  newestRecoveryPointAgeSeconds: number | null;
  lastOperation: OperationRecord | null;
  observedAt: string;
  hostSystemName: string | null;
}

/**
 * Defaults. Documented: AutoResynchronizeEnabled "= TRUE" in the MOF, and its window "The default value is 1830
 * hours" / "0600 hours local time". Inferred (no page gives them): port 80 for Kerberos and 443 for certificates
 * (Hyper-V Replica's HTTP and HTTPS listeners), compression on, no proxy bypass, a 5-minute interval, only the
 * latest recovery point, network initial replication.
 */
export const DEFAULTS = {
  authentication: "kerberos" as Authentication,
  kerberosPort: 80,
  certificatePort: 443,
  compressionEnabled: true,
  bypassProxyServer: false,
  replicationIntervalSeconds: 300,
  recoveryHistory: 0,
  autoResynchronize: true,
  autoResynchronizeWindowStart: "18:30",
  autoResynchronizeWindowEnd: "06:00",
  initialReplication: "network" as InitialReplication,
  paused: false,
  resynchronize: "never" as Resynchronize,
  removeRecoverySideOnDelete: false,
  jobTimeoutSeconds: 1800,
  initialReplicationTimeoutSeconds: 7 * 24 * 3600,
} as const;
