/**
 * The Pulumi-facing shapes every resource shares: how to reach the cluster (Args and the stored Output), what the
 * last Hyper-V call was, and the member VMs and recovery points as outputs show them. The field docs here are the
 * source of truth for schema.json's shared types.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Report } from "../runtime/report";
import type { Authentication, Transport } from "../runtime/types";
import { CONNECTION_FIELDS } from "../runtime/types";

/**
 * VMs that start together, before the next group starts (docs/boot-groups.md). Groups start in the order listed and
 * turn off in the reverse order.
 */
export interface BootGroupArgs {
  /** The names (ElementName) of the member VMs that start together; a VM is in one group at most. */
  virtualMachines: pulumi.Input<string[]>;
  /** How long to wait, in seconds, once this group's VMs run, before the next group starts. Default 0; at most 3600. */
  delaySeconds?: pulumi.Input<number>;
}

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
   * The account's password; with ssh, a password login instead of `sshKeyFile` (not both). Always treated as a secret,
   * and never stored in the outputs: refresh takes it from stack config `hyperv-replica:password`, so prefer setting
   * it there.
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
  /**
   * `InitiateFailover`, `RevertFailover`, `CommitFailover`, `TestReplicaCollection`, `RevertTestReplicaCollection`, or
   * `ResumeReplication` (called before a failover from Suspended, when the failover then did not complete).
   */
  readonly method: string;
  /** The Msvm_ConcreteJob InstanceID, or null when the method finished without a job. */
  readonly jobId: string | null;
  /**
   * The job's final state (`Completed`, `Terminated`, `Killed`, `Exception`), `Vanished` when the host removed it
   * before it was seen finishing, its state when the provider stopped waiting at `jobTimeoutSeconds` (such as
   * `Running`, read again by the next refresh or up), or null when the method finished without a job.
   */
  readonly jobState: string | null;
  /** The job's ErrorCode (0 when it succeeded), or null when there was no job or it vanished. */
  readonly errorCode: number | null;
  /**
   * When the job was submitted, from its own TimeSubmitted (ISO 8601, the host's clock), whoever started it; when
   * the method finished without a job, when it was called.
   */
  readonly startedAt: string;
  /**
   * When the job ended, from its own TimeOfLastStateChange (else when it was seen ended), or when the method
   * returned when there was no job (ISO 8601); null while its end is not known.
   */
  readonly finishedAt: string | null;
  /** For InitiateFailover and TestReplicaCollection: the recovery point chosen from `recoveryPoint`. */
  readonly recoveryPoint?: RecoveryPointUsedOutput;
  /**
   * For InitiateFailover: the data-loss window, in seconds from the recovery point's CreationTime to the failover
   * call (what the failed-over VMs do not have); null when the point has no time.
   */
  readonly dataLossWindowSeconds?: number | null;
}

/** The recovery point a failover or test failover used, as listed before the call. */
export interface RecoveryPointUsedOutput {
  /** The Msvm_CollectionRecoveryPoint InstanceID. */
  readonly instanceId: string;
  /** Its CreationTime (ISO 8601), or null when the host gave none. */
  readonly creationTime: string | null;
  /** Its ConsistencyLevel: `ApplicationConsistent`, `CrashConsistent`, `GroupCrashConsistent` or `Unknown`. */
  readonly consistencyLevel: string;
}

/** A member VM of a collection, as the host reports it. */
export interface VirtualMachineOutput {
  /** The VM's name (ElementName). */
  readonly name: string;
  /** The VM's id (Msvm_ComputerSystem.Name, a GUID). */
  readonly id: string;
  /** EnabledState: 2 running, 3 off, 6 saved, 9 paused, 10 starting, 4 shutting down. */
  readonly enabledState: number;
  /** Its name: `Running`, `Off`, `Saved`, `Paused`, `Starting`, `ShuttingDown`, ... */
  readonly enabledStateName: string;
  /** The VM's own ReplicationState number (deprecated by Hyper-V in favour of the relationship), or null. */
  readonly replicationState: number | null;
  /** The VM's ReplicationHealth name (`Ok`, `Warning`, `Critical`, `NotApplicable`), or null. */
  readonly replicationHealth: string | null;
}

/** A recovery point of a collection, as getRecoveryPoints returns it. */
export interface RecoveryPointOutput {
  /** The Msvm_CollectionRecoveryPoint InstanceID: use it as `recoveryPoint` to pick this point. */
  readonly instanceId: string;
  /** When the point was taken (ISO 8601), or null when the host gave no time. */
  readonly creationTime: string | null;
  /** `ApplicationConsistent`, `CrashConsistent`, `GroupCrashConsistent` or `Unknown`. */
  readonly consistencyLevel: string;
}

/**
 * A run's report, as the `lastReport` output holds it: plain JSON (docs/reports.md describes every field). The
 * schema gives it as `pulumi.json#/Any`: a step's `call.arguments` are the WMI method's own, of any shape.
 */
export type ReportOutput = Report;

/**
 * Marks the password secret even when the program passed a plain string, so the engine encrypts it in state, and
 * only the password: the host, user and the rest stay readable in diffs. A connection given field by field keeps its
 * fields as they are; one given as a single Output is split into its fields, unless the program made it secret as
 * a whole, which it then stays.
 */
export function secretPassword(connection: pulumi.Input<ConnectionArgs>): pulumi.Input<ConnectionArgs> {
  if (!pulumi.Output.isInstance(connection) && !(connection instanceof Promise)) {
    const c = connection as ConnectionArgs;
    return c.password === undefined ? c : { ...c, password: pulumi.secret(c.password) };
  }
  const whole = pulumi.output(connection);
  const fields = CONNECTION_FIELDS.map((key) => [
    key,
    key === "password" ? pulumi.secret(whole[key]) : whole[key],
  ]);
  // A connection secret as a whole stays so: split, its absent fields would each arrive as a secret null.
  return pulumi
    .isSecret(whole)
    .then((secret) => (secret ? whole : Object.fromEntries(fields))) as Promise<ConnectionArgs>;
}
