using System.Collections.Generic;
using Pulumi;
using HyperVReplica = Pulumi.HyperVReplica;

return await Deployment.RunAsync(() =>
{
    // A DR drill: while this resource exists, a test copy of the collection runs beside the replica, made from the
    // newest application-consistent recovery point. `pulumi destroy` removes the test copy.
    var drill = new HyperVReplica.CollectionTestFailover("sql-cluster-drill", new()
    {
        CollectionName = "sql-cluster",
        RecoveryPoint = "latest-application-consistent",
        StartVirtualMachines = true,
    });

    return new Dictionary<string, object?>
    {
        ["testCollection"] = drill.TestCollectionName,
    };
});
