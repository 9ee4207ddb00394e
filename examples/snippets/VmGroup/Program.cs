using System.Collections.Generic;
using Pulumi;
using HyperVReplica = Pulumi.HyperVReplica;

return await Deployment.RunAsync(() =>
{
    // The guest cluster's two nodes as one VM group, then replicated as one unit: the group's CollectionId is what
    // CollectionReplication (and the failover resources) take.
    var group = new HyperVReplica.VmGroup("sql-cluster", new()
    {
        Name = "sql-cluster",
        Members = { "sql-a", "sql-b" },
    });

    var replication = new HyperVReplica.CollectionReplication("sql-cluster", new()
    {
        CollectionId = group.CollectionId,
        RecoveryConnectionPoint = "hvr-broker.dr.corp.example",
    });

    return new Dictionary<string, object?>
    {
        ["members"] = group.MemberVms,
        ["replicationState"] = replication.ReplicationStateName,
    };
});
