using System.Collections.Generic;
using Pulumi;
using HyperVReplica = Pulumi.HyperVReplica;

return await Deployment.RunAsync(() =>
{
    // Drills on an isolated switch, and the addresses each VM takes at the DR site after a failover. The mask,
    // gateway and DNS servers are shared; each VM gives its own address.
    var networks = new HyperVReplica.ReplicaNetworks("sql-cluster-networks", new()
    {
        CollectionId = "6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10", // the replica collection, on the DR cluster
        Defaults = new HyperVReplica.Inputs.ReplicaNetworkDefaultsArgs
        {
            TestFailoverSwitch = "Isolated",
            FailoverIp = new HyperVReplica.Inputs.FailoverIpArgs
            {
                Ipv4SubnetMask = "255.255.255.0",
                Ipv4DefaultGateway = "10.2.0.1",
                DnsServers = { "10.2.0.53" },
            },
        },
        VirtualMachines =
        {
            new HyperVReplica.Inputs.ReplicaNetworkVmArgs
            {
                Vm = "sql-a",
                FailoverIp = new HyperVReplica.Inputs.FailoverIpArgs { Ipv4Address = "10.2.0.11" },
            },
            new HyperVReplica.Inputs.ReplicaNetworkVmArgs
            {
                Vm = "sql-b",
                FailoverIp = new HyperVReplica.Inputs.FailoverIpArgs { Ipv4Address = "10.2.0.12" },
            },
        },
    });

    return new Dictionary<string, object?>
    {
        ["adapters"] = networks.Networks,
    };
});
