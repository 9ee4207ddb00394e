/**
 * The public shapes of the network settings of replica VMs: what ReplicaNetworks takes and shows, and what
 * CollectionTestFailover reports of its test VMs. schema.json carries the same words.
 */
import type * as pulumi from "@pulumi/pulumi";

/**
 * The addresses a replica VM's guest takes after a failover (Hyper-V's "Failover TCP/IP"), applied by the KVP
 * integration service inside the guest once the failed-over VM runs. IPv4, IPv6 or both.
 */
export interface FailoverIpArgs {
  /** The IPv4 address, such as `10.2.0.10`. Set it per VM: `defaults` refuses an address. */
  ipv4Address?: pulumi.Input<string>;
  /** The IPv4 subnet mask, such as `255.255.255.0`. Needed with ipv4Address. */
  ipv4SubnetMask?: pulumi.Input<string>;
  /** The IPv4 default gateway, in the subnet of ipv4Address. */
  ipv4DefaultGateway?: pulumi.Input<string>;
  /** The IPv6 address, such as `fd00:2::10`. Set it per VM: `defaults` refuses an address. */
  ipv6Address?: pulumi.Input<string>;
  /** The IPv6 prefix length, 1 to 128. Needed with ipv6Address. */
  ipv6PrefixLength?: pulumi.Input<number>;
  /** The IPv6 default gateway. */
  ipv6DefaultGateway?: pulumi.Input<string>;
  /** The DNS servers, IPv4 or IPv6 addresses, in order of preference. */
  dnsServers?: pulumi.Input<pulumi.Input<string>[]>;
}

/** The network settings ReplicaNetworks gives every member VM, unless a VM's own entry says otherwise. */
export interface ReplicaNetworkDefaultsArgs {
  /**
   * The switch on the replica host that each adapter's test copy connects to in a drill (the adapter's
   * TestReplicaSwitchName). An isolated switch keeps the drill away from production.
   */
  testFailoverSwitch?: pulumi.Input<string>;
  /** Failover TCP/IP settings shared by the VMs that set an address of their own (mask, gateways, DNS servers). */
  failoverIp?: pulumi.Input<FailoverIpArgs>;
}

/** One member VM's network settings, or one of its adapters'. */
export interface ReplicaNetworkVmArgs {
  /** The member VM, by name or id (Get-VM shows both). Only VMs of the collection are taken. */
  vm: pulumi.Input<string>;
  /**
   * The adapter's name (Get-VMNetworkAdapter's Name). Without it, the entry is for every adapter of the VM, and a
   * failoverIp needs the VM to have exactly one.
   */
  adapter?: pulumi.Input<string>;
  /** The switch the test copy of this VM's adapter connects to in a drill. */
  testFailoverSwitch?: pulumi.Input<string>;
  /** The addresses the VM's guest takes after a failover; `defaults.failoverIp` fills in what it leaves out. */
  failoverIp?: pulumi.Input<FailoverIpArgs>;
}

/** An adapter's failover TCP/IP settings as the host holds them (Msvm_FailoverNetworkAdapterSettingData). */
export interface FailoverIpOutput {
  /** Whether the guest keeps DHCP after a failover (no static address). */
  readonly dhcpEnabled: boolean;
  /** The addresses, IPv4 and IPv6. */
  readonly ipAddresses: string[];
  /** The subnet of each address, in the same order: a mask for IPv4, a prefix length for IPv6. */
  readonly subnets: string[];
  /** The default gateways. */
  readonly defaultGateways: string[];
  /** The DNS servers. */
  readonly dnsServers: string[];
}

/** A replica VM's network adapter, as the host shows it. */
export interface ReplicaAdapterOutput {
  /** The adapter's name. */
  readonly name: string;
  /** The switch the adapter is connected to; null when not connected. */
  readonly switchName: string | null;
  /** The switch its test copy connects to in a drill; null when none is set (the test copy is not connected). */
  readonly testFailoverSwitch: string | null;
  /** The failover TCP/IP settings; null when the host keeps none for the adapter. */
  readonly failoverIp: FailoverIpOutput | null;
}

/** A member VM of the replica collection with its adapters. */
export interface ReplicaVmNetworksOutput {
  /** The VM's id (Msvm_ComputerSystem.Name, a GUID). */
  readonly id: string;
  /** The VM's name (ElementName). */
  readonly name: string;
  /** Its network adapters. */
  readonly adapters: ReplicaAdapterOutput[];
}

/** A test VM of a drill and what each of its adapters is connected to. */
export interface TestNetworkOutput {
  /** The test VM's id (a GUID). */
  readonly vmId: string;
  /** The test VM's name. */
  readonly name: string;
  /** Its adapters and the switch each is connected to. */
  readonly adapters: TestNetworkAdapterOutput[];
}

/** A test VM's adapter and the switch it is connected to. */
export interface TestNetworkAdapterOutput {
  /** The adapter's name. */
  readonly name: string;
  /** The switch the adapter is connected to; null when not connected. */
  readonly switchName: string | null;
}
