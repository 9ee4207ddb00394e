import pulumi
import pulumi_hyperv_replica as hvr

# Declare the replica collection as it is today; a later run sets FAILED_OVER to fail it over, and NORMAL
# again to revert (RevertFailover), each change waiting for the host's job.
sql = hvr.CollectionFailover(
    "sql-cluster",
    collection_name="sql-cluster",
    failover_state=hvr.FailoverState.NORMAL,
    connection=hvr.ConnectionArgs(transport=hvr.Transport.WSMAN, host="hv-replica01.corp.example"),
)

pulumi.export("replicationState", sql.replication_state_name)
