import * as pulumi from "@pulumi/pulumi";
import { collectionTestFailoverProvider } from "./provider";
import type {
  BootGroupArgs,
  ConnectionArgs,
  ConnectionOutput,
  LastOperationOutput,
  RecoveryPointUsedOutput,
  VirtualMachineOutput,
  ReportOutput,
} from "../shared";
import { secretPassword } from "../shared";
import type { TestNetworkOutput } from "../networkTypes";

/** The inputs of a {@link CollectionTestFailover}. */
export interface CollectionTestFailoverArgs {
  /** The replica collection's CollectionID (a GUID; `Get-VMGroup` shows it as Id). Set this or `collectionName`. */
  collectionId?: pulumi.Input<string>;
  /** The replica collection's name (ElementName), which must match exactly one collection. */
  collectionName?: pulumi.Input<string>;
  /**
   * The recovery point to test: `latest` (default), `latest-application-consistent`, `before:<ISO 8601 time>` or a
   * Msvm_CollectionRecoveryPoint InstanceID. Changing it replaces the resource: a new drill.
   */
  recoveryPoint?: pulumi.Input<string>;
  /**
   * Refuse the test failover while the replica's replication health is Critical, listing the issues. Default false.
   * It governs the call that makes the drill: changing it while the drill is up is refused at preview, unless the
   * drill is being replaced.
   */
  requireHealthy?: pulumi.Input<boolean>;
  /**
   * Start the test collection's VMs once it exists (RequestStateChange 2, all together unless `bootGroups` orders
   * them). Default true. Changing
   * it to true starts the test VMs that are off; changing it to false replaces the resource: a new drill with its VMs
   * left off.
   */
  startVirtualMachines?: pulumi.Input<boolean>;
  /**
   * Let test VMs run on a switch the replica VMs use in production. Default false: the drill is refused before
   * TestReplicaCollection when a replica adapter's test-failover switch is a production switch, and test VMs
   * connected to one are not started.
   */
  allowProductionNetwork?: pulumi.Input<boolean>;
  /** How long to wait for each Hyper-V job, in seconds, measured from the method call. Default 1800. */
  jobTimeoutSeconds?: pulumi.Input<number>;
  /** Ask Hyper-V to terminate a cancellable job that is still running at the timeout. Default false. */
  cancelJobOnTimeout?: pulumi.Input<boolean>;
  /**
   * The order the test VMs start in where one must run before another (a database before its application):
   * groups started one after the other, each group's VMs together, with an optional delay between groups. VMs in no
   * group start last. Without it, all start together. A test VM is named by the replica VM's name (its own carries
   * ` - Test` after it); names the replica collection does not have are refused before any call.
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
 * A test failover (a DR drill) of a Hyper-V Replica VM collection: while it exists, a separate test collection made
 * from a recovery point runs beside the replica, and replication carries on. Creating it calls
 * TestReplicaCollection on the replica collection; deleting it calls RevertTestReplicaCollection, which removes the
 * test collection. Its id is the test collection's CollectionID.
 */
export class CollectionTestFailover extends pulumi.dynamic.Resource {
  /** The replica collection's CollectionID. */
  declare public readonly collectionId: pulumi.Output<string>;
  /** The replica collection's name (ElementName). */
  declare public readonly collectionName: pulumi.Output<string>;
  /** The test collection's CollectionID (also the resource's id). */
  declare public readonly testCollectionId: pulumi.Output<string>;
  /**
   * The test collection's name, as Hyper-V named it; null while the TestReplicaCollection job this resource started
   * had not ended when its run stopped (the next pulumi up waits for that job).
   */
  declare public readonly testCollectionName: pulumi.Output<string | null>;
  /** The test collection's VMs, with their EnabledState. */
  declare public readonly virtualMachines: pulumi.Output<VirtualMachineOutput[]>;
  /** For each test VM, its adapters and the switch each is connected to (null: not connected). */
  declare public readonly testNetworks: pulumi.Output<TestNetworkOutput[]>;
  /** The recovery point the test collection was made from, and its time; null when an adopted run did not say. */
  declare public readonly recoveryPointUsed: pulumi.Output<RecoveryPointUsedOutput | null>;
  /** The last method called: TestReplicaCollection, with its job. */
  declare public readonly lastOperation: pulumi.Output<LastOperationOutput | null>;
  /** When these outputs were read from the host (ISO 8601); preview plans from the state recorded then. */
  declare public readonly observedAt: pulumi.Output<string>;
  /**
   * The SystemName of the Msvm_CollectionReplicationService that answered when the drill was made: the cluster it
   * runs on. Refresh drops the resource only when this host answers that the test collection is gone; any other host
   * fails the refresh, naming both. Null when the host reported none.
   */
  declare public readonly hostSystemName: pulumi.Output<string | null>;
  /** The recovery point selector. */
  declare public readonly recoveryPoint: pulumi.Output<string>;
  /** Whether the test failover is refused while replication health is Critical. */
  declare public readonly requireHealthy: pulumi.Output<boolean>;
  /** Whether the test collection's VMs are started. */
  declare public readonly startVirtualMachines: pulumi.Output<boolean>;
  /** Whether test VMs may run on a production switch. */
  declare public readonly allowProductionNetwork: pulumi.Output<boolean>;
  /** The job timeout in seconds. */
  declare public readonly jobTimeoutSeconds: pulumi.Output<number>;
  /** Whether a job still running at the timeout is terminated. */
  declare public readonly cancelJobOnTimeout: pulumi.Output<boolean>;
  /** The resource's own `connection` input, without its password; null when stack config is used. */
  declare public readonly connection: pulumi.Output<ConnectionOutput | null>;
  /**
   * The report of the last run that called Hyper-V to change something: every call with its job's times on the
   * host, the recovery point and its age at the first call (the RPO achieved), the time until the last VM ran (the
   * RTO achieved), the collections before and after, the outcome, and a one-line `summary`. Null before any such run.
   */
  declare public readonly lastReport: pulumi.Output<ReportOutput | null>;

  constructor(name: string, args: CollectionTestFailoverArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      collectionTestFailoverProvider,
      name,
      {
        // Output-only keys are registered as undefined so that their `declare`d fields get values.
        collectionId: undefined,
        collectionName: undefined,
        testCollectionId: undefined,
        testCollectionName: undefined,
        virtualMachines: undefined,
        testNetworks: undefined,
        recoveryPointUsed: undefined,
        lastOperation: undefined,
        observedAt: undefined,
        hostSystemName: undefined,
        recoveryPoint: undefined,
        requireHealthy: undefined,
        startVirtualMachines: undefined,
        allowProductionNetwork: undefined,
        jobTimeoutSeconds: undefined,
        cancelJobOnTimeout: undefined,
        lastReport: undefined,
        ...args,
        connection: args.connection === undefined ? undefined : secretPassword(args.connection),
      },
      opts,
      "hyperv-replica",
      "CollectionTestFailover",
    );
  }
}
