import * as hvr from "pulumi-hyperv-replica";

// Declare the replica collection as it is today; a later run sets "failedOver" to fail it over, and "normal"
// again to revert (RevertFailover), each change waiting for the host's job.
const sql = new hvr.CollectionFailover("sql-cluster", {
  collectionName: "sql-cluster",
  failoverState: "normal",
  connection: { transport: "wsman", host: "hv-replica01.corp.example" },
});

export const replicationState = sql.replicationStateName;
