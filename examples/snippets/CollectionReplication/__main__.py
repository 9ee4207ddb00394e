import pulumi
import pulumi_hyperv_replica as hvr

# Replicate a VM group from this cluster to the DR site's Replica Broker, every 5 minutes, keeping 4 recovery points
# and an application-consistent one every 4 hours. Creating it waits for the initial copy over the network.
replication = hvr.CollectionReplication(
    "sql-cluster",
    collection_id="6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10",
    recovery_connection_point="hvr-broker.dr.corp.example",
    authentication="kerberos",
    replication_interval_seconds=300,
    recovery_history=4,
    application_consistent_snapshot_interval_hours=4,
    initial_replication="network",
)

pulumi.export("health", replication.replication_health)
pulumi.export("rpoSeconds", replication.newest_recovery_point_age_seconds)
