package main

import (
	"github.com/pulumi-hyperv-replica/pulumi-hyperv-replica/sdk/go/hypervreplica"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		password := config.RequireSecret(ctx, "replicaPassword")
		site := func(collectionID, host string) *hypervreplica.SiteArgs {
			return &hypervreplica.SiteArgs{
				CollectionId: pulumi.String(collectionID),
				Connection: &hypervreplica.ConnectionArgs{
					Transport: hypervreplica.TransportWsman,
					Host:      pulumi.String(host),
					Username:  pulumi.String("CORP\\dr-ops"),
					Password:  password,
				},
			}
		}
		// The collection's two copies, one per site. Changing ActiveSite from "east" to "west" runs a planned
		// move: shut the guests down, send the last changes, fail over, reverse replication, start the VMs on west.
		sql, err := hypervreplica.NewReplicatedCollection(ctx, "sql-cluster", &hypervreplica.ReplicatedCollectionArgs{
			Sites: hypervreplica.SiteMap{
				"east": site("6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10", "hv-east01.corp.example"),
				"west": site("0d9e8f7a-6b5c-4d3e-2f1a-0b9c8d7e6f5a", "hv-west01.corp.example"),
			},
			ActiveSite: pulumi.String("east"),
		})
		if err != nil {
			return err
		}
		ctx.Export("runningSite", sql.RunningSite)
		return nil
	})
}
