import * as pulumi from "@pulumi/pulumi";
import type { ConnectionArgs, ConnectionOutput, LastOperationOutput } from "../shared";
import { secretPassword } from "../shared";
import { collectionReplicationProvider } from "./provider";

/** The recovery side of the relationship, named by id: where recovery points are read and, on opt-in, removed. */
export interface RecoverySideArgs {
  /** The recovery-side VM group's CollectionID (a GUID). */
  collectionId: pulumi.Input<string>;
  /** How to reach the recovery cluster. Without it, stack config `hyperv-replica:*` is used, then `local`. */
  connection?: pulumi.Input<ConnectionArgs>;
}

/** The recovery side as the outputs record it. */
export interface RecoverySideOutput {
  /** The recovery-side VM group's CollectionID. */
  readonly collectionId: string;
  /** Its connection, without the password; null when stack config is used. */
  readonly connection: ConnectionOutput | null;
}

/** How far the initial copy got. */
export interface InitialReplicationProgressOutput {
  /** The StartReplication job's InstanceID, or null before it started. */
  readonly jobId: string | null;
  /** Its PercentComplete: 100 once it completed. */
  readonly percentComplete: number;
  /** Its JobState name (`Completed`, `Running`, ...), or null before it started. */
  readonly jobState: string | null;
}

/** The inputs of a {@link CollectionReplication}. */
export interface CollectionReplicationArgs {
  /**
   * The primary VM group's CollectionID (a GUID; VmGroup's collectionId output, or Get-VMGroup's Id). The group must
   * not replicate yet. Changing it replaces the resource: another group's relationship.
   */
  collectionId: pulumi.Input<string>;
  /**
   * The recovery side's connection point (RecoveryConnectionPoint): on a cluster, its Replica Broker's name; for a
   * standalone host, its name. At most 256 characters. Changes in place (ModifyReplicationSettings).
   */
  recoveryConnectionPoint: pulumi.Input<string>;
  /** The recovery server's port (RecoveryServerPortNumber), 1-65535. Default 80 with Kerberos, 443 with certificates. */
  recoveryServerPort?: pulumi.Input<number>;
  /** `kerberos` (AuthenticationType 1, default) or `certificate` (2). */
  authentication?: pulumi.Input<string>;
  /** With `certificate` only, and then required: the 40-hex-digit thumbprint of this side's replication certificate. */
  certificateThumbprint?: pulumi.Input<string>;
  /** Compress the data sent to the recovery server (CompressionEnabled). Default true. */
  compressionEnabled?: pulumi.Input<boolean>;
  /** Bypass the proxy server when connecting to the recovery server (BypassProxyServer). Default false. */
  bypassProxyServer?: pulumi.Input<boolean>;
  /** How often changes are sent, in seconds (ReplicationInterval): 30, 300 or 900, the documented values. Default 300. */
  replicationIntervalSeconds?: pulumi.Input<number>;
  /** How many recovery points the recovery side keeps (RecoveryHistory), 0-16 as documented. Default 0 (the latest only). */
  recoveryHistory?: pulumi.Input<number>;
  /** Hours between application-consistent snapshots (ApplicationConsistentSnapshotInterval), 1-12 as documented. Default: not set. */
  applicationConsistentSnapshotIntervalHours?: pulumi.Input<number>;
  /** Resynchronize automatically after power or hardware failures (AutoResynchronizeEnabled). Default true, as documented. */
  autoResynchronize?: pulumi.Input<boolean>;
  /** When automatic resynchronization may start, `HH:MM` (AutoResynchronizeIntervalStart). Default 18:30, as documented. */
  autoResynchronizeWindowStart?: pulumi.Input<string>;
  /** When automatic resynchronization must end, `HH:MM` (AutoResynchronizeIntervalEnd). Default 06:00, as documented. */
  autoResynchronizeWindowEnd?: pulumi.Input<string>;
  /** The disks to replicate (IncludedDisks): InstanceIDs of the VHDs' resource allocation setting data. Default: not set. */
  includedDisks?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * How the initial copy is made (StartReplication's InitialReplicationType): `network` (1, default), `export` (2,
   * to initialReplicationExportPath) or `seeded` (3, over the network onto disks already on the recovery side).
   * Used at create only.
   */
  initialReplication?: pulumi.Input<string>;
  /** `network` or `seeded` only: when the initial copy starts (ISO 8601). Default: now. Used at create only. */
  initialReplicationStartTime?: pulumi.Input<string>;
  /** `export` only, and then required: the fully-qualified directory the copy is written to. Used at create only. */
  initialReplicationExportPath?: pulumi.Input<string>;
  /** Keep replication suspended (SuspendReplication; false calls ResumeReplication). Default false. */
  paused?: pulumi.Input<boolean>;
  /**
   * `whenNeeded` starts Resynchronize when the host shows ReplicationState 8 (Critical) or 9 (Waiting to start
   * resynchronization); `never` (default) only reports it.
   */
  resynchronize?: pulumi.Input<string>;
  /** The recovery-side VM group, by id: its recovery points give the RPO achieved; delete may remove its relationship. */
  recoverySide?: pulumi.Input<RecoverySideArgs>;
  /** On delete, also call RemoveReplicationRelationship on recoverySide's group (a replica at rest only). Default false. */
  removeRecoverySideOnDelete?: pulumi.Input<boolean>;
  /** How long to wait for each Hyper-V job other than the initial copy, in seconds. Default 1800. */
  jobTimeoutSeconds?: pulumi.Input<number>;
  /** How long to wait for the initial copy's job, in seconds. Default 604800 (a week). */
  initialReplicationTimeoutSeconds?: pulumi.Input<number>;
  /** How to reach the primary cluster. Without it, stack config `hyperv-replica:*` is used, then `local`. */
  connection?: pulumi.Input<ConnectionArgs>;
}

/**
 * The replication relationship of a Hyper-V VM group, on the primary. Creating it calls
 * CreateReplicationRelationship with the settings and StartReplication, and waits for the initial copy, so a
 * resource that depends on it (`dependsOn`) starts once the replica is usable. Settings change in place; deleting
 * it calls RemoveReplicationRelationship, which leaves the recovery side's group and replica VMs. Its id is the
 * group's CollectionID.
 */
export class CollectionReplication extends pulumi.dynamic.Resource {
  /** The primary VM group's CollectionID (also the resource's id). */
  declare public readonly collectionId: pulumi.Output<string>;
  /** The group's name (ElementName). */
  declare public readonly collectionName: pulumi.Output<string>;
  /** The recovery connection point, as the host holds it. */
  declare public readonly recoveryConnectionPoint: pulumi.Output<string>;
  /** The recovery server port, as the host holds it. */
  declare public readonly recoveryServerPort: pulumi.Output<number>;
  /** `kerberos` or `certificate`, as the host holds it. */
  declare public readonly authentication: pulumi.Output<string>;
  /** The certificate thumbprint, or null with Kerberos. */
  declare public readonly certificateThumbprint: pulumi.Output<string | null>;
  /** Whether compression is on. */
  declare public readonly compressionEnabled: pulumi.Output<boolean>;
  /** Whether the proxy server is bypassed. */
  declare public readonly bypassProxyServer: pulumi.Output<boolean>;
  /** The replication interval in seconds. */
  declare public readonly replicationIntervalSeconds: pulumi.Output<number>;
  /** How many recovery points are kept. */
  declare public readonly recoveryHistory: pulumi.Output<number>;
  /** Hours between application-consistent snapshots, or null when not set. */
  declare public readonly applicationConsistentSnapshotIntervalHours: pulumi.Output<number | null>;
  /** Whether automatic resynchronization is on. */
  declare public readonly autoResynchronize: pulumi.Output<boolean>;
  /** The automatic resynchronization window's start, `HH:MM`. */
  declare public readonly autoResynchronizeWindowStart: pulumi.Output<string>;
  /** The automatic resynchronization window's end, `HH:MM`. */
  declare public readonly autoResynchronizeWindowEnd: pulumi.Output<string>;
  /** The replicated disks, or null when not set. */
  declare public readonly includedDisks: pulumi.Output<string[] | null>;
  /** How the initial copy was made. */
  declare public readonly initialReplication: pulumi.Output<string>;
  /** When the initial copy was asked to start, or null for at once. */
  declare public readonly initialReplicationStartTime: pulumi.Output<string | null>;
  /** Where an exported copy was written, or null. */
  declare public readonly initialReplicationExportPath: pulumi.Output<string | null>;
  /** Whether replication is kept suspended. */
  declare public readonly paused: pulumi.Output<boolean>;
  /** `never` or `whenNeeded`. */
  declare public readonly resynchronize: pulumi.Output<string>;
  /** The recovery side as given, without its password; null when not given. */
  declare public readonly recoverySide: pulumi.Output<RecoverySideOutput | null>;
  /** Whether delete removes the recovery side's relationship too. */
  declare public readonly removeRecoverySideOnDelete: pulumi.Output<boolean>;
  /** The job timeout in seconds. */
  declare public readonly jobTimeoutSeconds: pulumi.Output<number>;
  /** The initial copy's timeout in seconds. */
  declare public readonly initialReplicationTimeoutSeconds: pulumi.Output<number>;
  /** The resource's own `connection` input, without its password; null when stack config is used. */
  declare public readonly connection: pulumi.Output<ConnectionOutput | null>;
  /** The group's ReplicationState number (3 Replicating, 7 Suspended, 8 Critical, ...). */
  declare public readonly replicationState: pulumi.Output<number>;
  /** Its name: `Replicating`, `Suspended`, ... */
  declare public readonly replicationStateName: pulumi.Output<string>;
  /** The replication health from GetReplicationStatistics (`Ok`, `Warning`, `Critical`), or null when not read. */
  declare public readonly replicationHealth: pulumi.Output<string | null>;
  /** The ReplicationHealthIssues the host reported. */
  declare public readonly healthIssues: pulumi.Output<string[]>;
  /** How far the initial copy got. */
  declare public readonly initialReplicationProgress: pulumi.Output<InitialReplicationProgressOutput>;
  /** When the last replication cycle succeeded (LastWALReplicationTime, ISO 8601), or null. */
  declare public readonly lastReplicationTime: pulumi.Output<string | null>;
  /** Age of the newest recovery point in seconds when read: the RPO achieved; null when there is none. */
  declare public readonly newestRecoveryPointAgeSeconds: pulumi.Output<number | null>;
  /** The last method called, with its job. */
  declare public readonly lastOperation: pulumi.Output<LastOperationOutput | null>;
  /** When these outputs were read from the host (ISO 8601). */
  declare public readonly observedAt: pulumi.Output<string>;
  /** The SystemName of the replication service that answered at create: the cluster the relationship is on. */
  declare public readonly hostSystemName: pulumi.Output<string | null>;

  constructor(name: string, args: CollectionReplicationArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      collectionReplicationProvider,
      name,
      {
        ...Object.fromEntries(OUTPUT_KEYS.map((k) => [k, undefined])),
        ...args,
        connection: args.connection === undefined ? undefined : secretPassword(args.connection),
        recoverySide:
          args.recoverySide === undefined
            ? undefined
            : pulumi.output(args.recoverySide).apply((side) => ({
                ...side,
                ...(side.connection === undefined ? {} : { connection: secretPassword(side.connection) }),
              })),
      },
      opts,
      "hyperv-replica",
      "CollectionReplication",
    );
  }
}

/** Keys the program may leave out are registered as undefined so that their `declare`d fields get values. */
const OUTPUT_KEYS = [
  "collectionName",
  "recoveryConnectionPoint",
  "recoveryServerPort",
  "authentication",
  "certificateThumbprint",
  "compressionEnabled",
  "bypassProxyServer",
  "replicationIntervalSeconds",
  "recoveryHistory",
  "applicationConsistentSnapshotIntervalHours",
  "autoResynchronize",
  "autoResynchronizeWindowStart",
  "autoResynchronizeWindowEnd",
  "includedDisks",
  "initialReplication",
  "initialReplicationStartTime",
  "initialReplicationExportPath",
  "paused",
  "resynchronize",
  "removeRecoverySideOnDelete",
  "jobTimeoutSeconds",
  "initialReplicationTimeoutSeconds",
  "replicationState",
  "replicationStateName",
  "replicationHealth",
  "healthIssues",
  "initialReplicationProgress",
  "lastReplicationTime",
  "newestRecoveryPointAgeSeconds",
  "lastOperation",
  "observedAt",
  "hostSystemName",
];
