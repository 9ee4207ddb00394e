import pulumi
import pulumi_hyperv_replica as hvr

# A DR drill: while this resource exists, a test copy of the collection runs beside the replica, made from the
# newest application-consistent recovery point. `pulumi destroy` removes the test copy (RevertTestReplicaCollection).
drill = hvr.CollectionTestFailover(
    "sql-cluster-drill",
    collection_name="sql-cluster",
    recovery_point="latest-application-consistent",
    start_virtual_machines=True,
)

pulumi.export("testCollection", drill.test_collection_name)
