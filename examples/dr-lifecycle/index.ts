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

// NETWORK STEP: the drill's isolated test network (the DR network resources) is declared here, before the drill.
const test =
  replication && drill
    ? new hvr.CollectionTestFailover(
        "sql-cluster-drill",
        { collectionId: group.collectionId, connection: connection("west"), reportDirectory: "dr-reports" },
        { dependsOn: [replication] },
      )
    : undefined;

export const collectionId = group.collectionId;
export const replicationState = replication?.replicationStateName;
export const initialCopy = replication?.initialReplicationProgress;
export const runningSite = sites?.runningSite;
export const drillCollection = test?.testCollectionName;
