package main

import (
	"github.com/pulumi-hyperv-replica/pulumi-hyperv-replica/sdk/go/hypervreplica"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		// Drills on an isolated switch, and the addresses each VM takes at the DR site after a failover. The mask,
		// gateway and DNS servers are shared; each VM gives its own address.
		networks, err := hypervreplica.NewReplicaNetworks(ctx, "sql-cluster-networks", &hypervreplica.ReplicaNetworksArgs{
			CollectionId: pulumi.String("6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10"), // the replica collection
			Defaults: &hypervreplica.ReplicaNetworkDefaultsArgs{
				TestFailoverSwitch: pulumi.String("Isolated"),
				FailoverIp: &hypervreplica.FailoverIpArgs{
					Ipv4SubnetMask:     pulumi.String("255.255.255.0"),
					Ipv4DefaultGateway: pulumi.String("10.2.0.1"),
					DnsServers:         pulumi.StringArray{pulumi.String("10.2.0.53")},
				},
			},
			VirtualMachines: hypervreplica.ReplicaNetworkVmArray{
				&hypervreplica.ReplicaNetworkVmArgs{
					Vm:         pulumi.String("sql-a"),
					FailoverIp: &hypervreplica.FailoverIpArgs{Ipv4Address: pulumi.String("10.2.0.11")},
				},
				&hypervreplica.ReplicaNetworkVmArgs{
					Vm:         pulumi.String("sql-b"),
					FailoverIp: &hypervreplica.FailoverIpArgs{Ipv4Address: pulumi.String("10.2.0.12")},
				},
			},
		})
		if err != nil {
			return err
		}
		ctx.Export("adapters", networks.Networks)
		return nil
	})
}
