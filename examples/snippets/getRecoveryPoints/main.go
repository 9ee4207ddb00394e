package main

import (
	"github.com/pulumi-hyperv-replica/pulumi-hyperv-replica/sdk/go/hypervreplica"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		// The points a failover or drill could use, newest first, and the one a selector picks.
		points, err := hypervreplica.GetRecoveryPoints(ctx, &hypervreplica.GetRecoveryPointsArgs{
			CollectionName: pulumi.StringRef("sql-cluster"),
			RecoveryPoint:  pulumi.StringRef("before:2026-12-01T06:00:00Z"),
		})
		if err != nil {
			return err
		}
		if len(points.RecoveryPoints) > 0 {
			ctx.Export("newest", pulumi.StringPtrFromPtr(points.RecoveryPoints[0].CreationTime))
		}
		ctx.Export("chosen", pulumi.Any(points.Chosen))
		return nil
	})
}
