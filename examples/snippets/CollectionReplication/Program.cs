using System.Collections.Generic;
using Pulumi;
using HyperVReplica = Pulumi.HyperVReplica;

return await Deployment.RunAsync(() =>
{
    // Replicate a VM group from this cluster to the DR site's Replica Broker, every 5 minutes, keeping 4 recovery
    // points and an application-consistent one every 4 hours. Creating it waits for the initial copy.
    var replication = new HyperVReplica.CollectionReplication("sql-cluster", new()
    {
        CollectionId = "6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10",
        RecoveryConnectionPoint = "hvr-broker.dr.corp.example",
        Authentication = "kerberos",
        ReplicationIntervalSeconds = 300,
        RecoveryHistory = 4,
        ApplicationConsistentSnapshotIntervalHours = 4,
        InitialReplication = "network",
    });

    return new Dictionary<string, object?>
    {
        ["health"] = replication.ReplicationHealth,
        ["rpoSeconds"] = replication.NewestRecoveryPointAgeSeconds,
    };
});
