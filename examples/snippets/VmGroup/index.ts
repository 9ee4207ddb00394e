import * as hvr from "pulumi-hyperv-replica";

// The guest cluster's two nodes as one VM group, then replicated as one unit: the group's collectionId is what
// CollectionReplication (and the failover resources) take.
const group = new hvr.VmGroup("sql-cluster", {
  name: "sql-cluster",
  members: ["sql-a", "sql-b"],
});

const replication = new hvr.CollectionReplication("sql-cluster", {
  collectionId: group.collectionId,
  recoveryConnectionPoint: "hvr-broker.dr.corp.example",
});

export const members = group.memberVms;
export const replicationState = replication.replicationStateName;
