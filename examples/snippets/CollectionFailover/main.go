package main

import (
	"github.com/pulumi-hyperv-replica/pulumi-hyperv-replica/sdk/go/hypervreplica"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		// Declare the replica collection as it is today; a later run sets FailoverStateFailedOver to fail it
		// over, and FailoverStateNormal again to revert (RevertFailover), each change waiting for the host's job.
		sql, err := hypervreplica.NewCollectionFailover(ctx, "sql-cluster", &hypervreplica.CollectionFailoverArgs{
			CollectionName: pulumi.String("sql-cluster"),
			FailoverState:  hypervreplica.FailoverStateNormal,
			Connection: &hypervreplica.ConnectionArgs{
				Transport: hypervreplica.TransportWsman,
				Host:      pulumi.String("hv-replica01.corp.example"),
			},
		})
		if err != nil {
			return err
		}
		ctx.Export("replicationState", sql.ReplicationStateName)
		return nil
	})
}
