import * as pulumi from "@pulumi/pulumi";
import * as hvr from "pulumi-hyperv-replica";

const config = new pulumi.Config();
const password = config.requireSecret("replicaPassword");

// The collection's two copies, one per site. Changing activeSite from "east" to "west" runs a planned move: shut
// the guests down, send the last changes, fail over, reverse replication and start the VMs on west.
const sql = new hvr.ReplicatedCollection("sql-cluster", {
  sites: {
    east: {
      collectionId: "6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10",
      connection: { transport: "wsman", host: "hv-east01.corp.example", username: "CORP\\dr-ops", password },
    },
    west: {
      collectionId: "0d9e8f7a-6b5c-4d3e-2f1a-0b9c8d7e6f5a",
      connection: { transport: "wsman", host: "hv-west01.corp.example", username: "CORP\\dr-ops", password },
    },
  },
  activeSite: "east",
});

export const runningSite = sql.runningSite;
