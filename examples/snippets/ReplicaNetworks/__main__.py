import pulumi
import pulumi_hyperv_replica as hvr

# Drills on an isolated switch, and the addresses each VM takes at the DR site after a failover. The mask, gateway
# and DNS servers are shared; each VM gives its own address.
networks = hvr.ReplicaNetworks(
    "sql-cluster-networks",
    collection_id="6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10",  # the replica collection, on the DR cluster
    defaults=hvr.ReplicaNetworkDefaultsArgs(
        test_failover_switch="Isolated",
        failover_ip=hvr.FailoverIpArgs(
            ipv4_subnet_mask="255.255.255.0",
            ipv4_default_gateway="10.2.0.1",
            dns_servers=["10.2.0.53"],
        ),
    ),
    virtual_machines=[
        hvr.ReplicaNetworkVmArgs(vm="sql-a", failover_ip=hvr.FailoverIpArgs(ipv4_address="10.2.0.11")),
        hvr.ReplicaNetworkVmArgs(vm="sql-b", failover_ip=hvr.FailoverIpArgs(ipv4_address="10.2.0.12")),
    ],
)

pulumi.export("adapters", networks.networks)
