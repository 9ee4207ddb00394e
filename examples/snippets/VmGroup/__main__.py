import pulumi
import pulumi_hyperv_replica as hvr

# The guest cluster's two nodes as one VM group, then replicated as one unit: the group's collection_id is what
# CollectionReplication (and the failover resources) take.
group = hvr.VmGroup("sql-cluster", name="sql-cluster", members=["sql-a", "sql-b"])

replication = hvr.CollectionReplication(
    "sql-cluster",
    collection_id=group.collection_id,
    recovery_connection_point="hvr-broker.dr.corp.example",
)

pulumi.export("members", group.member_vms)
pulumi.export("replicationState", replication.replication_state_name)
