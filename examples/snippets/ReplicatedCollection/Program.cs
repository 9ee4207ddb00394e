using System.Collections.Generic;
using Pulumi;
using HyperVReplica = Pulumi.HyperVReplica;

return await Deployment.RunAsync(() =>
{
    var config = new Config();
    var password = config.RequireSecret("replicaPassword");
    HyperVReplica.Inputs.SiteArgs Site(string collectionId, string host) => new()
    {
        CollectionId = collectionId,
        Connection = new HyperVReplica.Inputs.ConnectionArgs
        {
            Transport = HyperVReplica.Transport.Wsman,
            Host = host,
            Username = "CORP\\dr-ops",
            Password = password,
        },
    };

    // The collection's two copies, one per site. Changing ActiveSite from "east" to "west" runs a planned move:
    // shut the guests down, send the last changes, fail over, reverse replication and start the VMs on west.
    var sql = new HyperVReplica.ReplicatedCollection("sql-cluster", new()
    {
        Sites =
        {
            ["east"] = Site("6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10", "hv-east01.corp.example"),
            ["west"] = Site("0d9e8f7a-6b5c-4d3e-2f1a-0b9c8d7e6f5a", "hv-west01.corp.example"),
        },
        ActiveSite = "east",
    });

    return new Dictionary<string, object?>
    {
        ["runningSite"] = sql.RunningSite,
    };
});
