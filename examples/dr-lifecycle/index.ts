/**
 * One program, the whole life of a replicated VM group: define it on east, replicate it to west, drill it, move it
 * to west, fail it back, and finally remove its replication. Each stage is a stack config value and `pulumi up`:
 *
 *   pulumi up                                         # the group on east, replicated to west (waits for the copy)
 *   pulumi config set dr-lifecycle:drill true         # a test failover on west
 *   pulumi config set dr-lifecycle:drill false        # the test collection removed
 *   pulumi config set dr-lifecycle:activeSite west    # a planned move: no data loss
 *   pulumi config set dr-lifecycle:activeSite east    # failback
 *   pulumi config set dr-lifecycle:replicate false    # replication removed on both sides; the group stays
 *
 * Every resource takes the VmGroup's collectionId output. The recovery-side group has the same CollectionID: the
 * relationship places "the group ID" on the recovery side (PrimaryReplicationEntityIDs, Msvm_CollectionReplication
 * SettingData), read here as the same id on both sites (inferred; see docs/examples.md). `npm run demo:lifecycle`
 * plays these runs on the simulator. With `dr-lifecycle:rehearsal` true both sites are the simulator's hosts east
 * and west in .rehearsal/sites.json (Pulumi.rehearsal.yaml says how to seed it).
 */
import * as pulumi from "@pulumi/pulumi";
import * as hvr from "pulumi-hyperv-replica";

const config = new pulumi.Config();
const SITES = ["east", "west"] as const;
type Site = (typeof SITES)[number];

const activeSite = config.get("activeSite") ?? "east";
if (!(SITES as readonly string[]).includes(activeSite)) {
  throw new pulumi.RunError(
    `${config.name}:activeSite is '${activeSite}'; set it to east or west: pulumi config set ${config.name}:activeSite west`,
  );
}
const replicate = config.getBoolean("replicate") ?? true;
const drill = config.getBoolean("drill") ?? false;

function connection(site: Site): hvr.ConnectionArgs {
  if (config.getBoolean("rehearsal")) {
    return { transport: "simulator", simulatorStateFile: ".rehearsal/sites.json", simulatorHost: site };
  }
  // A node of each site's cluster over WinRM/HTTPS with Kerberos; the password, if any, is secret stack config.
  return { transport: "wsman", host: `hv-${site}01.contoso.com`, useSsl: true, authentication: "Kerberos" };
}

/** The SQL Server guest cluster's VMs, grouped on east where they run today. */
const group = new hvr.VmGroup("sql-cluster", {
  name: "sql-cluster",
  members: ["sql-a", "sql-b"],
  connection: connection("east"),
});

/** The relationship, on east towards west's Replica Broker; created only while `replicate` is true. */
const replication = replicate
  ? new hvr.CollectionReplication("sql-cluster-replication", {
      collectionId: group.collectionId,
      recoveryConnectionPoint: config.get("recoveryBroker") ?? "west-broker",
      replicationIntervalSeconds: 30,
      recoveryHistory: 4,
      recoverySide: { collectionId: group.collectionId, connection: connection("west") },
      // Removing replication (replicate false) removes the recovery side's end too; its group and VMs stay.
      removeRecoverySideOnDelete: true,
      connection: connection("east"),
    })
  : undefined;

/** Where the VMs run: both sites hold the group under the VmGroup's CollectionID. */
const sites = replication
  ? new hvr.ReplicatedCollection(
      "sql-cluster-sites",
      {
        sites: {
          east: { collectionId: group.collectionId, connection: connection("east") },
          west: { collectionId: group.collectionId, connection: connection("west") },
        },
        activeSite,
        reportDirectory: "dr-reports",
      },
      { dependsOn: [replication] },
    )
  : undefined;

/**
 * The replica VMs' networks on west: a drill's test copies come up on the isolated switch, never on production, and
 * after a failover each VM takes its address in west's subnet. Cleared when replication is removed.
 */
const networks = replication
  ? new hvr.ReplicaNetworks(
      "sql-cluster-networks",
      {
        collectionId: group.collectionId,
        connection: connection("west"),
        defaults: {
          testFailoverSwitch: config.get("testSwitch") ?? "Isolated",
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
      },
      { dependsOn: [replication] },
    )
  : undefined;

/** The drill: refused if a test copy would join the production switch (allowProductionNetwork stays false). */
const test =
  replication && networks && drill
    ? new hvr.CollectionTestFailover(
        "sql-cluster-drill",
        { collectionId: group.collectionId, connection: connection("west"), reportDirectory: "dr-reports" },
        { dependsOn: [networks] },
      )
    : undefined;

export const collectionId = group.collectionId;
export const replicationState = replication?.replicationStateName;
export const initialCopy = replication?.initialReplicationProgress;
export const runningSite = sites?.runningSite;
export const drillCollection = test?.testCollectionName;
export const drillNetworks = test?.testNetworks;
export const replicaNetworks = networks?.networks;
