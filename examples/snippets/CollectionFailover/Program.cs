using System.Collections.Generic;
using Pulumi;
using HyperVReplica = Pulumi.HyperVReplica;

return await Deployment.RunAsync(() =>
{
    // Declare the replica collection as it is today; a later run sets FailedOver to fail it over, and Normal
    // again to revert (RevertFailover), each change waiting for the host's job.
    var sql = new HyperVReplica.CollectionFailover("sql-cluster", new()
    {
        CollectionName = "sql-cluster",
        FailoverState = HyperVReplica.FailoverState.Normal,
        Connection = new HyperVReplica.Inputs.ConnectionArgs
        {
            Transport = HyperVReplica.Transport.Wsman,
            Host = "hv-replica01.corp.example",
        },
    });

    return new Dictionary<string, object?>
    {
        ["replicationState"] = sql.ReplicationStateName,
    };
});
