package main

import (
	"github.com/pulumi-hyperv-replica/pulumi-hyperv-replica/sdk/go/hypervreplica"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		// A DR drill: while this resource exists, a test copy of the collection runs beside the replica, made from
		// the newest application-consistent recovery point. `pulumi destroy` removes the test copy.
		drill, err := hypervreplica.NewCollectionTestFailover(ctx, "sql-cluster-drill", &hypervreplica.CollectionTestFailoverArgs{
			CollectionName:       pulumi.String("sql-cluster"),
			RecoveryPoint:        pulumi.String("latest-application-consistent"),
			StartVirtualMachines: pulumi.Bool(true),
		})
		if err != nil {
			return err
		}
		ctx.Export("testCollection", drill.TestCollectionName)
		return nil
	})
}
