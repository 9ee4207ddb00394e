import * as pulumi from "@pulumi/pulumi";
import { collectionFailoverProvider } from "./provider";
import type { DesiredState, ObservedState } from "../../failover/states";
import type { Authentication, Transport } from "../../runtime/types";

/** How the provider reaches the Hyper-V replica cluster. Fields left out come from stack config `hyperv-replica:*`. */
export interface ConnectionArgs {
  /**
   * `local` runs CIM calls on this machine (a Windows agent or cluster node); `wsman` opens a CimSession to `host`
   * over WinRM; `ssh` opens a PowerShell remoting session over SSH to `host`, which runs the CIM calls (for Linux
   * agents); `simulator` uses the embedded Hyper-V simulator and its state file, to rehearse. Default `local`.
   */
  transport?: pulumi.Input<Transport>;
  /** wsman and ssh only: the DNS name or address of a node of the replica cluster. */
  host?: pulumi.Input<string>;
  /** wsman and ssh only: the port. Default 5985 for WinRM, or 5986 with `useSsl`; 22 for SSH. */
  port?: pulumi.Input<number>;
  /** wsman only: connect over HTTPS. */
  useSsl?: pulumi.Input<boolean>;
  /**
   * wsman with useSsl only: accept a certificate no trusted CA issued (New-CimSessionOption -SkipCACheck). Anyone
   * who can intercept the connection can then pose as the host; only for isolated networks without a CA.
   */
  skipCACheck?: pulumi.Input<boolean>;
  /**
   * wsman with useSsl only: accept a certificate whose name is not `host` (New-CimSessionOption -SkipCNCheck), for
   * example when connecting by address. Any host with a trusted certificate can then pose as this one.
   */
  skipCNCheck?: pulumi.Input<boolean>;
  /**
   * wsman with useSsl only: do not check whether the certificate was revoked (New-CimSessionOption
   * -SkipRevocationCheck), for networks that cannot reach the CA's revocation list. A revoked certificate is then
   * accepted.
   */
  skipRevocationCheck?: pulumi.Input<boolean>;
  /** wsman only: `Default`, `Negotiate`, `Kerberos` or `CredSSP`. */
  authentication?: pulumi.Input<Authentication>;
  /**
   * The account to connect as, such as `CONTOSO\dr-operator`. Without it, the current identity is used. With
   * `local`, a username means WinRM to localhost.
   */
  username?: pulumi.Input<string>;
  /**
   * The account's password (not for ssh). Always treated as a secret, and never stored in the outputs: refresh takes
   * it from stack config `hyperv-replica:password`, so prefer setting it there.
   */
  password?: pulumi.Input<string>;
  /** ssh only: the path of the private key file on the agent, for key authentication. */
  sshKeyFile?: pulumi.Input<string>;
  /**
   * ssh only: the host key's SHA256 fingerprint (`ssh-keygen -l -E sha256 -f <host key>.pub`), to accept only that
   * key. Without it, the host key must be in the agent's known_hosts: host keys are always checked strictly.
   */
  sshHostKeyFingerprint?: pulumi.Input<string>;
  /** simulator only: the path of the simulator's JSON state file, relative to the Pulumi project. */
  simulatorStateFile?: pulumi.Input<string>;
  /** simulator only: which simulated host of the state file to talk to, such as `site-a` in a two-site state file. */
  simulatorHost?: pulumi.Input<string>;
}

/** The connection as stored in the outputs: everything but the password. */
export interface ConnectionOutput {
  /** `local`, `wsman`, `ssh` or `simulator`. */
  readonly transport?: Transport;
  /** The host connected to, for wsman and ssh. */
  readonly host?: string;
  /** The WinRM or SSH port. */
  readonly port?: number;
  /** Whether WinRM used HTTPS. */
  readonly useSsl?: boolean;
  /** Whether the HTTPS certificate's CA was left unchecked. */
  readonly skipCACheck?: boolean;
  /** Whether the HTTPS certificate's name was left unchecked. */
  readonly skipCNCheck?: boolean;
  /** Whether the HTTPS certificate's revocation was left unchecked. */
  readonly skipRevocationCheck?: boolean;
  /** The WinRM authentication mechanism. */
  readonly authentication?: Authentication;
  /** The account connected as. */
  readonly username?: string;
  /** The SSH private key file. */
  readonly sshKeyFile?: string;
  /** The pinned SSH host key fingerprint. */
  readonly sshHostKeyFingerprint?: string;
  /** The simulator's state file. */
  readonly simulatorStateFile?: string;
  /** The simulated host talked to. */
  readonly simulatorHost?: string;
}

/** What the provider last asked Hyper-V to do for this collection. */
export interface LastOperationOutput {
  /** `InitiateFailover`, `RevertFailover` or `CommitFailover`. */
  readonly method: string;
  /** The Msvm_ConcreteJob InstanceID, or null when the method finished without a job. */
  readonly jobId: string | null;
  /**
   * The job's final state (`Completed`, `Terminated`, `Killed`, `Exception`), `Vanished` when the host removed it
   * before it was seen finishing, its state when the provider stopped waiting at `jobTimeoutSeconds` (such as
   * `Running`), or null when the method finished without a job.
   */
  readonly jobState: string | null;
  /** The job's ErrorCode (0 when it succeeded), or null when there was no job or it vanished. */
  readonly errorCode: number | null;
  /** When the method was called (ISO 8601); after retries of 32774 (in use), the call that was accepted. */
  readonly startedAt: string;
  /**
   * When the job was seen finished, or the method returned when there was no job (ISO 8601); null when the
   * provider stopped waiting before the job finished.
   */
  readonly finishedAt: string | null;
}

/** The inputs of a {@link CollectionFailover}. */
export interface CollectionFailoverArgs {
  /** The collection's CollectionID (a GUID; `Get-VMGroup` shows it as Id). Set this or `collectionName`. */
  collectionId?: pulumi.Input<string>;
  /** The collection's name (ElementName), which must match exactly one collection. Set this or `collectionId`. */
  collectionName?: pulumi.Input<string>;
  /**
   * The failover state to bring the replica collection to: `normal` (replicating, not failed over), `failedOver`
   * (failed over to a recovery point, revertible) or `committed` (failover committed, not revertible).
   */
  failoverState: pulumi.Input<DesiredState>;
  /** The recovery point to fail over to: `latest` (default) or a Msvm_CollectionRecoveryPoint InstanceID. */
  recoveryPoint?: pulumi.Input<string>;
  /** How long to wait for each Hyper-V job, in seconds, measured from the method call. Default 1800. */
  jobTimeoutSeconds?: pulumi.Input<number>;
  /** Ask Hyper-V to terminate a cancellable job that is still running at the timeout. Default false. */
  cancelJobOnTimeout?: pulumi.Input<boolean>;
  /** How to reach the replica cluster. Without it, stack config `hyperv-replica:*` is used, then `local`. */
  connection?: pulumi.Input<ConnectionArgs>;
}

/**
 * The failover state of a Hyper-V Replica VM collection (a VM group, such as a guest cluster with shared disks),
 * declared in code. Changing `failoverState` calls InitiateFailover, RevertFailover or CommitFailover on
 * Msvm_CollectionReplicationService and waits for the job; the outputs always show what the host reports.
 */
export class CollectionFailover extends pulumi.dynamic.Resource {
  /** The collection's CollectionID. */
  declare public readonly collectionId: pulumi.Output<string>;
  /** The collection's name (ElementName) as the host reports it. */
  declare public readonly collectionName: pulumi.Output<string>;
  /**
   * The failover state observed on the host: `normal`, `failedOver` or `committed` when it is in one of them,
   * otherwise what it is doing instead, such as `failoverInProgress`, `notReplicating` or `primary`.
   */
  declare public readonly failoverState: pulumi.Output<ObservedState>;
  /** The collection's ReplicationState number (0-16). */
  declare public readonly replicationState: pulumi.Output<number>;
  /** The name of the ReplicationState, such as `Replicating` or `Recovered`. */
  declare public readonly replicationStateName: pulumi.Output<string>;
  /** The collection's ReplicationMode name: `None`, `Primary`, `Replica` or `TestReplica`. */
  declare public readonly replicationMode: pulumi.Output<string>;
  /**
   * The collection's FailedOverReplicationType name: `None`, `Regular` or `Planned` (`Unknown(n)` for a value outside
   * the documented ones).
   */
  declare public readonly failedOverReplicationType: pulumi.Output<string>;
  /**
   * The SystemName of the Msvm_CollectionReplicationService that answered when the resource was created, as CIM
   * reports it: refresh drops the resource only when this host answers that the collection is gone. Null when the
   * host reported none.
   */
  declare public readonly hostSystemName: pulumi.Output<string | null>;
  /** The last failover method called for this collection, or null when none has been needed. */
  declare public readonly lastOperation: pulumi.Output<LastOperationOutput | null>;
  /** The recovery point used when failing over. */
  declare public readonly recoveryPoint: pulumi.Output<string>;
  /** The job timeout in seconds. */
  declare public readonly jobTimeoutSeconds: pulumi.Output<number>;
  /** Whether a job still running at the timeout is terminated. */
  declare public readonly cancelJobOnTimeout: pulumi.Output<boolean>;
  /**
   * The resource's own `connection` input, without its password; null when the resource sets none and stack config
   * (or the local machine) is used.
   */
  declare public readonly connection: pulumi.Output<ConnectionOutput | null>;

  constructor(name: string, args: CollectionFailoverArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      collectionFailoverProvider,
      name,
      {
        // Output-only keys are registered as undefined so that their `declare`d fields get values.
        collectionId: undefined,
        collectionName: undefined,
        replicationState: undefined,
        replicationStateName: undefined,
        replicationMode: undefined,
        failedOverReplicationType: undefined,
        hostSystemName: undefined,
        lastOperation: undefined,
        recoveryPoint: undefined,
        jobTimeoutSeconds: undefined,
        cancelJobOnTimeout: undefined,
        ...args,
        connection: args.connection === undefined ? undefined : secretPassword(args.connection),
      },
      opts,
      "hyperv-replica",
      "CollectionFailover",
    );
  }
}

/** Marks the password secret even when the program passed a plain string, so the engine encrypts it in state. */
function secretPassword(connection: pulumi.Input<ConnectionArgs>): pulumi.Output<unknown> {
  return pulumi
    .output(connection)
    .apply((c): unknown =>
      c.password === undefined ? c : pulumi.output({ ...c, password: pulumi.secret(c.password) }),
    );
}
