using System.Collections.Generic;
using System.Linq;
using Pulumi;
using HyperVReplica = Pulumi.HyperVReplica;

return await Deployment.RunAsync(() =>
{
    // The points a failover or drill could use, newest first, and the one a selector picks.
    var points = HyperVReplica.GetRecoveryPoints.Invoke(new()
    {
        CollectionName = "sql-cluster",
        RecoveryPoint = "before:2026-12-01T06:00:00Z",
    });

    return new Dictionary<string, object?>
    {
        ["newest"] = points.Apply(p => p.RecoveryPoints.FirstOrDefault()?.CreationTime),
        ["chosen"] = points.Apply(p => p.Chosen),
    };
});
