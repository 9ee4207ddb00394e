import * as pulumi from "@pulumi/pulumi";
import { replicaNetworksProvider } from "./provider";
import type {
  ReplicaNetworkDefaultsArgs,
  ReplicaNetworkVmArgs,
  ReplicaVmNetworksOutput,
} from "../networkTypes";
import type { ConnectionArgs, ConnectionOutput } from "../shared";
import { secretPassword } from "../shared";

/** The inputs of a {@link ReplicaNetworks}. */
export interface ReplicaNetworksArgs {
  /**
   * The replica (recovery-side) collection's CollectionID, a GUID (Get-VMGroup on the replica cluster shows it as
   * Id). Its member VMs' adapters get the settings. Changing it replaces the resource.
   */
  collectionId: pulumi.Input<string>;
  /** Settings for every member VM's adapters, unless a VM's own entry says otherwise. */
  defaults?: pulumi.Input<ReplicaNetworkDefaultsArgs>;
  /** Settings per member VM, or per adapter of one; they take precedence over `defaults`. */
  virtualMachines?: pulumi.Input<pulumi.Input<ReplicaNetworkVmArgs>[]>;
  /** How long to wait for each Hyper-V job, in seconds, measured from the method call. Default 1800. */
  jobTimeoutSeconds?: pulumi.Input<number>;
  /** How to reach the replica cluster. Without it, stack config `hyperv-replica:*` is used, then `local`. */
  connection?: pulumi.Input<ConnectionArgs>;
}

/** What this resource set on one adapter, which update and delete clear once the program no longer asks for it. */
export interface ManagedSettingOutput {
  /** The VM's id. */
  readonly vmId: string;
  /** The adapter's name. */
  readonly adapter: string;
  /** Whether this resource set the adapter's test-failover switch. */
  readonly testFailoverSwitch: boolean;
  /** Whether this resource set the adapter's failover TCP/IP settings. */
  readonly failoverIp: boolean;
}

/**
 * The networks of a replica collection's VMs for drills and failovers: the switch each adapter's test copy connects
 * to in a test failover (its TestReplicaSwitchName, set with ModifyResourceSettings), and the addresses each guest
 * takes after a failover (its failover TCP/IP settings, set with SetFailoverNetworkAdapterSettings). Deleting it
 * clears what it set: no test-failover switch (test copies are not connected) and DHCP after a failover. Its id is
 * the replica collection's CollectionID.
 */
export class ReplicaNetworks extends pulumi.dynamic.Resource {
  /** The replica collection's CollectionID. */
  declare public readonly collectionId: pulumi.Output<string>;
  /** The replica collection's name (ElementName). */
  declare public readonly collectionName: pulumi.Output<string>;
  /** Each member VM's adapters as the host holds them, read after the last change. */
  declare public readonly networks: pulumi.Output<ReplicaVmNetworksOutput[]>;
  /** What this resource set, adapter by adapter: what update and delete clear once it is no longer asked for. */
  declare public readonly managed: pulumi.Output<ManagedSettingOutput[]>;
  /** The settings for every member VM, as given. */
  declare public readonly defaults: pulumi.Output<ReplicaNetworkDefaultsArgs | null>;
  /** The settings per VM, as given. */
  declare public readonly virtualMachines: pulumi.Output<ReplicaNetworkVmArgs[]>;
  /** The SystemName of the host that answered when the settings were made; null when it reported none. */
  declare public readonly hostSystemName: pulumi.Output<string | null>;
  /** The job timeout in seconds. */
  declare public readonly jobTimeoutSeconds: pulumi.Output<number>;
  /** The resource's own `connection` input, without its password; null when stack config is used. */
  declare public readonly connection: pulumi.Output<ConnectionOutput | null>;

  constructor(name: string, args: ReplicaNetworksArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      replicaNetworksProvider,
      name,
      {
        // Output-only keys are registered as undefined so that their `declare`d fields get values.
        collectionName: undefined,
        networks: undefined,
        managed: undefined,
        defaults: undefined,
        virtualMachines: undefined,
        hostSystemName: undefined,
        jobTimeoutSeconds: undefined,
        ...args,
        connection: args.connection === undefined ? undefined : secretPassword(args.connection),
      },
      opts,
      "hyperv-replica",
      "ReplicaNetworks",
    );
  }
}
