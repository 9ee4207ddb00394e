import * as hvr from "pulumi-hyperv-replica";

// Drills on an isolated switch, and the addresses each VM takes at the DR site after a failover. The mask, gateway
// and DNS servers are shared; each VM gives its own address.
const networks = new hvr.ReplicaNetworks("sql-cluster-networks", {
  collectionId: "6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10", // the replica collection, on the DR cluster
  defaults: {
    testFailoverSwitch: "Isolated",
    failoverIp: {
      ipv4SubnetMask: "255.255.255.0",
      ipv4DefaultGateway: "10.2.0.1",
      dnsServers: ["10.2.0.53"],
    },
  },
  virtualMachines: [
    { vm: "sql-a", failoverIp: { ipv4Address: "10.2.0.11" } },
    { vm: "sql-b", failoverIp: { ipv4Address: "10.2.0.12" } },
  ],
});

export const adapters = networks.networks;
