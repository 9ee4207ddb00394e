/**
 * A DR drill for two Hyper-V Replica VM collections (VM groups) on the replica cluster: a SQL Server guest cluster,
 * whose VMs share disks and must fail over as one unit, and the application tier that uses it.
 *
 * The drill is a test failover. `pulumi up` calls TestReplicaCollection on each replica collection: Hyper-V makes a
 * separate test collection from the chosen recovery point, and its VMs are started, while replication carries on
 * untouched. Check the test VMs, then clean up with `pulumi destroy`, which calls RevertTestReplicaCollection and
 * removes the test collections. A real failover is another stack: examples/dr-failover.
 *
 *   pulumi up --yes        # bring the test failovers up (the SQL cluster first)
 *   pulumi destroy --yes   # remove them (the application tier first)
 *
 * Which recovery point to test (a new point is a new drill: the next `pulumi up` replaces the test failovers):
 *
 *   pulumi config set dr-drill:recoveryPoint latest-application-consistent
 *   pulumi config set dr-drill:recoveryPoint before:2026-11-27T08:00:00Z
 *   pulumi config set dr-drill:recoveryPoint 'Microsoft:<GUID>'    # an InstanceID from the recoveryPoints output
 *
 * The connection is stack config, in the provider's own namespace (`hyperv-replica:*`, see Pulumi.rehearsal.yaml and
 * Pulumi.production.yaml), so the resources below carry none.
 */
import * as pulumi from "@pulumi/pulumi";
import * as hvr from "pulumi-hyperv-replica";

/** The collections' names (their ElementName, as `Get-VMGroup` shows them), in drill order. */
const COLLECTIONS = ["sql-cluster", "app-tier"] as const;

const config = new pulumi.Config();
/** `latest` (default), `latest-application-consistent`, `before:<ISO 8601 time>` or a recovery point InstanceID. */
const recoveryPoint = config.get("recoveryPoint") ?? "latest";
/** A drill on a replica whose health is Critical proves little: refuse it, listing the issues, unless told not to. */
const requireHealthy = config.getBoolean("requireHealthy") ?? true;
/** Each drill's report (Markdown and an HTML timeline), kept by the pipeline as an artifact (docs/reports.md). */
const reportDirectory = "dr-reports";

const sqlCluster = new hvr.CollectionTestFailover("sql-cluster", {
  collectionName: "sql-cluster",
  recoveryPoint,
  requireHealthy,
  startVirtualMachines: true,
  // A guest cluster's test failover job covers every member VM; give it an hour.
  jobTimeoutSeconds: 3600,
  reportDirectory,
});

// The application tier's test VMs start after the SQL cluster's, and are removed before them on destroy.
const appTier = new hvr.CollectionTestFailover(
  "app-tier",
  { collectionName: "app-tier", recoveryPoint, requireHealthy, startVirtualMachines: true, reportDirectory },
  { dependsOn: [sqlCluster] },
);

const summary = (drill: hvr.CollectionTestFailover) => ({
  testCollection: drill.testCollectionName,
  recoveryPointUsed: drill.recoveryPointUsed,
  virtualMachines: drill.virtualMachines.apply((vms) =>
    vms.map((vm) => `${vm.name}: ${vm.enabledStateName}`),
  ),
});

/** The test collections this drill made, the point each was made from, and their VMs' states. */
export const testFailovers = { "sql-cluster": summary(sqlCluster), "app-tier": summary(appTier) };

/**
 * The recovery points there are to choose from for the next drill, newest first (getRecoveryPoints reads them from
 * the replica cluster as the program runs). Set dr-drill:listRecoveryPoints false to skip the read.
 */
export const recoveryPoints =
  (config.getBoolean("listRecoveryPoints") ?? true)
    ? Object.fromEntries(
        COLLECTIONS.map((name) => [
          name,
          hvr
            .getRecoveryPointsOutput({ collectionName: name })
            .apply((found) =>
              found.recoveryPoints.map((p) => `${p.creationTime} ${p.consistencyLevel} ${p.instanceId}`),
            ),
        ]),
      )
    : undefined;
