package main

import (
	"github.com/pulumi-hyperv-replica/pulumi-hyperv-replica/sdk/go/hypervreplica"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		// Replicate a VM group from this cluster to the DR site's Replica Broker, every 5 minutes, keeping 4 recovery
		// points and an application-consistent one every 4 hours. Creating it waits for the initial copy.
		replication, err := hypervreplica.NewCollectionReplication(ctx, "sql-cluster", &hypervreplica.CollectionReplicationArgs{
			CollectionId:                               pulumi.String("6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10"),
			RecoveryConnectionPoint:                    pulumi.String("hvr-broker.dr.corp.example"),
			Authentication:                             pulumi.String("kerberos"),
			ReplicationIntervalSeconds:                 pulumi.Int(300),
			RecoveryHistory:                            pulumi.Int(4),
			ApplicationConsistentSnapshotIntervalHours: pulumi.Int(4),
			InitialReplication:                         pulumi.String("network"),
		})
		if err != nil {
			return err
		}
		ctx.Export("health", replication.ReplicationHealth)
		ctx.Export("rpoSeconds", replication.NewestRecoveryPointAgeSeconds)
		return nil
	})
}
