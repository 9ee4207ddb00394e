/**
 * A real failover, and its revert, for two Hyper-V Replica VM collections (VM groups) on the replica cluster: a SQL
 * Server guest cluster, whose VMs share disks and must fail over as one unit, and the application tier that uses it.
 * This is for a disaster, or a planned test of the real thing: while failed over, the replica VMs run in place of
 * the primary's. For a routine drill that leaves replication alone, use examples/dr-drill (a test failover).
 *
 * One stack config value says where they should be; `pulumi up` makes the replica cluster match, and starts the
 * failed-over VMs:
 *
 *   pulumi config set dr-failover:failoverState failedOver   # fail over to the latest recovery point
 *   pulumi config set dr-failover:failoverState normal       # revert the failover (back to replicating)
 *   pulumi config set dr-failover:failoverState committed    # commit the failover: it cannot be undone
 *
 * To treat one collection differently, override it by name:
 *
 *   pulumi config set --path 'dr-failover:collectionStates.app-tier' normal
 *
 * The connection is stack config too, in the provider's own namespace (`hyperv-replica:*`, see Pulumi.rehearsal.yaml
 * and Pulumi.production.yaml), so the resources below carry none: refresh reads the password from there.
 */
import * as pulumi from "@pulumi/pulumi";
import * as hvr from "pulumi-hyperv-replica";

const STATES: readonly hvr.DesiredState[] = ["normal", "failedOver", "committed"];

/** The collections' names (their ElementName, as `Get-VMGroup` shows them), in failover order. */
const COLLECTIONS = ["sql-cluster", "app-tier"] as const;
type CollectionName = (typeof COLLECTIONS)[number];

const config = new pulumi.Config();

function desiredState(key: string, value: unknown): hvr.DesiredState {
  if (STATES.includes(value as hvr.DesiredState)) return value as hvr.DesiredState;
  const set = key.includes(".")
    ? `pulumi config set --path '${config.name}:${key}'`
    : `pulumi config set ${config.name}:${key}`;
  throw new pulumi.RunError(
    `${config.name}:${key} is ${JSON.stringify(value)}; it must be one of ${STATES.join(", ")} (case-sensitive), ` +
      `for example: ${set} failedOver`,
  );
}

function overrides(): Partial<Record<CollectionName, hvr.DesiredState>> {
  const raw = config.getObject<Record<string, unknown>>("collectionStates") ?? {};
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new pulumi.RunError(
      `${config.name}:collectionStates must map collection names to states, such as {"app-tier": "normal"}`,
    );
  }
  for (const name of Object.keys(raw)) {
    if (!(COLLECTIONS as readonly string[]).includes(name)) {
      throw new pulumi.RunError(
        `${config.name}:collectionStates names '${name}', which this program does not declare; ` +
          `its collections are ${COLLECTIONS.join(", ")}`,
      );
    }
  }
  return Object.fromEntries(
    Object.entries(raw).map(([name, value]) => [name, desiredState(`collectionStates.${name}`, value)]),
  );
}

const failoverState = desiredState("failoverState", config.get("failoverState") ?? "normal");
const perCollection = overrides();
const stateOf = (name: CollectionName): hvr.DesiredState => perCollection[name] ?? failoverState;
/** Each failover's report (Markdown and an HTML timeline), kept by the pipeline as an artifact (docs/reports.md). */
const reportDirectory = "dr-reports";

const sqlCluster = new hvr.CollectionFailover("sql-cluster", {
  collectionName: "sql-cluster",
  failoverState: stateOf("sql-cluster"),
  recoveryPoint: "latest",
  // A guest cluster's failover job waits for every member VM; give it an hour.
  jobTimeoutSeconds: 3600,
  reportDirectory,
});

// The application tier follows its database: it is failed over (and reverted) only after the SQL cluster has been,
// and not at all if the SQL cluster's job fails.
const appTier = new hvr.CollectionFailover(
  "app-tier",
  {
    collectionName: "app-tier",
    failoverState: stateOf("app-tier"),
    jobTimeoutSeconds: 1800,
    reportDirectory,
  },
  { dependsOn: [sqlCluster] },
);

const summary = (collection: hvr.CollectionFailover) => ({
  failoverState: collection.failoverState,
  replicationState: collection.replicationStateName,
  lastOperation: collection.lastOperation,
});

/** What the replica cluster reports for each collection after this run. */
export const collections = { "sql-cluster": summary(sqlCluster), "app-tier": summary(appTier) };

const connection = new pulumi.Config("hyperv-replica");
/** Where the calls went: the wsman host, or the transport (`local`, `simulator`). */
export const replicaCluster = connection.get("host") ?? connection.get("transport") ?? "local";
