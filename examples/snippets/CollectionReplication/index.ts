import * as hvr from "pulumi-hyperv-replica";

// Replicate a VM group from this cluster to the DR site's Replica Broker, every 5 minutes, keeping 4 recovery points
// and an application-consistent one every 4 hours. Creating it waits for the initial copy over the network.
const replication = new hvr.CollectionReplication("sql-cluster", {
  collectionId: "6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10",
  recoveryConnectionPoint: "hvr-broker.dr.corp.example",
  authentication: "kerberos",
  replicationIntervalSeconds: 300,
  recoveryHistory: 4,
  applicationConsistentSnapshotIntervalHours: 4,
  initialReplication: "network",
});

export const health = replication.replicationHealth;
export const rpoSeconds = replication.newestRecoveryPointAgeSeconds;
