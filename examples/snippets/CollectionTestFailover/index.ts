import * as hvr from "pulumi-hyperv-replica";

// A DR drill: while this resource exists, a test copy of the collection runs beside the replica, made from the
// newest application-consistent recovery point. `pulumi destroy` removes the test copy (RevertTestReplicaCollection).
const drill = new hvr.CollectionTestFailover("sql-cluster-drill", {
  collectionName: "sql-cluster",
  recoveryPoint: "latest-application-consistent",
  startVirtualMachines: true,
});

export const testCollection = drill.testCollectionName;
