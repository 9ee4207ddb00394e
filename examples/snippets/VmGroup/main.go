package main

import (
	"github.com/pulumi-hyperv-replica/pulumi-hyperv-replica/sdk/go/hypervreplica"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		// The guest cluster's two nodes as one VM group, then replicated as one unit: the group's CollectionId is
		// what CollectionReplication (and the failover resources) take.
		group, err := hypervreplica.NewVmGroup(ctx, "sql-cluster", &hypervreplica.VmGroupArgs{
			Name:    pulumi.String("sql-cluster"),
			Members: pulumi.StringArray{pulumi.String("sql-a"), pulumi.String("sql-b")},
		})
		if err != nil {
			return err
		}
		replication, err := hypervreplica.NewCollectionReplication(ctx, "sql-cluster", &hypervreplica.CollectionReplicationArgs{
			CollectionId:            group.CollectionId,
			RecoveryConnectionPoint: pulumi.String("hvr-broker.dr.corp.example"),
		})
		if err != nil {
			return err
		}
		ctx.Export("members", group.MemberVms)
		ctx.Export("replicationState", replication.ReplicationStateName)
		return nil
	})
}
