import * as pulumi from "@pulumi/pulumi";
import { collectionFailoverProvider } from "./provider";
import type { DesiredState, ObservedState } from "../../failover/states";
import type {
  BootGroupArgs,
  ConnectionArgs,
  ConnectionOutput,
  LastOperationOutput,
  ReportOutput,
  VirtualMachineOutput,
} from "../shared";
import { secretPassword } from "../shared";

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
  /**
   * The recovery point to fail over to: `latest` (default), `latest-application-consistent`, `before:<ISO 8601
   * time>` (the newest point strictly before it) or a Msvm_CollectionRecoveryPoint InstanceID. The point chosen is
   * recorded in `lastOperation`; a selector that matches no point is refused before any call.
   */
  recoveryPoint?: pulumi.Input<string>;
  /** Refuse to fail over while the collection's replication health is Critical, listing the issues. Default false. */
  requireHealthy?: pulumi.Input<boolean>;
  /**
   * Start the member VMs after failing over (RequestStateChange 2, all together unless `bootGroups` orders them),
   * as Start-VM does after Start-VMFailover. Default true. Running VMs are turned off before RevertFailover, once the revert is allowed.
   */
  startVirtualMachines?: pulumi.Input<boolean>;
  /** How long to wait for each Hyper-V job, in seconds, measured from the method call. Default 1800. */
  jobTimeoutSeconds?: pulumi.Input<number>;
  /** Ask Hyper-V to terminate a cancellable job that is still running at the timeout. Default false. */
  cancelJobOnTimeout?: pulumi.Input<boolean>;
  /**
   * The data losses this program accepts, each the value a refusal or `pulumi preview` printed for that very event,
   * such as `revert-failover:<CollectionID>:<time the VMs started>`. A step that throws writes away (a RevertFailover
   * after the failed-over VMs ran longer than `rehearsalMinutes`, or going from `normal` straight to `committed`)
   * runs only when its value is listed; otherwise nothing is called. A value names one event, so it never
   * authorizes a later failover or a later recovery point.
   */
  acknowledgeDataLoss?: pulumi.Input<string[]>;
  /**
   * A revert whose failed-over VMs each ran at most this many minutes (by the host's TimeOfLastStateChange and
   * OnTimeInMilliseconds) is a rehearsal and needs no `acknowledgeDataLoss`. Default 60; 0 asks for one whenever a
   * VM ran.
   */
  rehearsalMinutes?: pulumi.Input<number>;
  /**
   * The order the member VMs start in where one must run before another (a database before its application):
   * groups started one after the other, each group's VMs together, with an optional delay between groups. VMs in no
   * group start last; VMs turn off in the reverse order. Without it, all start (and turn off) together. Names that
   * are not member VMs are refused before any call.
   */
  bootGroups?: pulumi.Input<BootGroupArgs[]>;
  /** How to reach the replica cluster. Without it, stack config `hyperv-replica:*` is used, then `local`. */
  connection?: pulumi.Input<ConnectionArgs>;
  /**
   * A folder to write each run's report to, as files a pipeline keeps: a Markdown summary and a self-contained HTML
   * page with a timeline of the steps. A relative path is taken from the Pulumi project's folder. Without it, the
   * report is only the `lastReport` output. Changing it alone calls nothing.
   */
  reportDirectory?: pulumi.Input<string>;
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
  /** The recovery point selector used when failing over. */
  declare public readonly recoveryPoint: pulumi.Output<string>;
  /** Whether a failover is refused while replication health is Critical. */
  declare public readonly requireHealthy: pulumi.Output<boolean>;
  /** Whether the member VMs are started after a failover. */
  declare public readonly startVirtualMachines: pulumi.Output<boolean>;
  /**
   * The collection's replication health from GetReplicationStatistics: `Ok`, `Warning`, `Critical` or
   * `NotApplicable` (read with the per-VM numbering, which Hyper-V does not document for collections), or null when
   * the host did not say.
   */
  declare public readonly replicationHealth: pulumi.Output<string | null>;
  /** The ReplicationHealthIssues messages, group- and VM-level. */
  declare public readonly replicationHealthIssues: pulumi.Output<string[]>;
  /** When the replica last applied a recovery point (LastApplyTime, ISO 8601), or null. */
  declare public readonly lastApplyTime: pulumi.Output<string | null>;
  /** The consistency level of that point (LastApplyConsistencyLevel), such as `ApplicationConsistent`, or null. */
  declare public readonly lastApplyConsistencyLevel: pulumi.Output<string | null>;
  /** The member VMs with their EnabledState and replication state. */
  declare public readonly virtualMachines: pulumi.Output<VirtualMachineOutput[]>;
  /**
   * When replicationHealth, replicationHealthIssues and virtualMachines were read from the host (ISO 8601), or null
   * before they have been. They are read by a run that calls a method or finds the collection moved, and by refresh;
   * a run with nothing to do keeps the values read then, so that it costs one CIM call.
   */
  declare public readonly healthObservedAt: pulumi.Output<string | null>;
  /** When these outputs were read from the host (ISO 8601); preview plans from the state recorded then. */
  declare public readonly observedAt: pulumi.Output<string>;
  /** The job timeout in seconds. */
  declare public readonly jobTimeoutSeconds: pulumi.Output<number>;
  /** Whether a job still running at the timeout is terminated. */
  declare public readonly cancelJobOnTimeout: pulumi.Output<boolean>;
  /**
   * The resource's own `connection` input, without its password; null when the resource sets none and stack config
   * (or the local machine) is used.
   */
  declare public readonly connection: pulumi.Output<ConnectionOutput | null>;
  /**
   * The report of the last run that called Hyper-V to change something: every call with its job's times on the
   * host, the recovery point and its age at the first call (the RPO achieved), the time until the last VM ran (the
   * RTO achieved), the collections before and after, the outcome, and a one-line `summary`. Null before any such run.
   */
  declare public readonly lastReport: pulumi.Output<ReportOutput | null>;

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
        requireHealthy: undefined,
        startVirtualMachines: undefined,
        replicationHealth: undefined,
        replicationHealthIssues: undefined,
        lastApplyTime: undefined,
        lastApplyConsistencyLevel: undefined,
        virtualMachines: undefined,
        healthObservedAt: undefined,
        observedAt: undefined,
        jobTimeoutSeconds: undefined,
        cancelJobOnTimeout: undefined,
        lastReport: undefined,
        ...args,
        connection: args.connection === undefined ? undefined : secretPassword(args.connection),
      },
      opts,
      "hyperv-replica",
      "CollectionFailover",
    );
  }
}
