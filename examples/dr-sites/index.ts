/**
 * A SQL Server guest cluster replicated between two sites. One stack config value says where its VMs run;
 * `pulumi up` moves them:
 *
 *   pulumi config set dr-sites:activeSite west     # planned move to west: no data loss
 *   pulumi config set dr-sites:activeSite east     # and back
 *
 * When the active site is lost, the move is refused, calling nothing, with what it would lose (what that site wrote
 * after the recovery point) and the value that accepts that loss only; set it, and the failover runs:
 *
 *   pulumi config set --path 'dr-sites:acknowledgeDataLoss[0]' 'unplanned-failover:<CollectionID>:<time>'
 *
 * The value names that event, so it never accepts a later one. The failed-over VMs are started, and the failover is
 * committed with `dr-sites:commitFailover` true, or when the lost site returns and `pulumi up --refresh` reprotects
 * it (a returned site whose VMs ran meanwhile is a split brain: its own value is asked for first). With `dr-sites:rehearsal` true both sites are the simulator's hosts `east` and `west` in .rehearsal/pair.json.
 */
import * as pulumi from "@pulumi/pulumi";
import * as hvr from "pulumi-hyperv-replica";

const config = new pulumi.Config();
const SITES = ["east", "west"] as const;

const activeSite = config.get("activeSite") ?? "east";
if (!(SITES as readonly string[]).includes(activeSite)) {
  throw new pulumi.RunError(
    `${config.name}:activeSite is '${activeSite}'; set it to east or west: pulumi config set ${config.name}:activeSite west`,
  );
}

function connection(site: (typeof SITES)[number]): hvr.ConnectionArgs {
  if (config.getBoolean("rehearsal")) {
    return { transport: "simulator", simulatorStateFile: ".rehearsal/pair.json", simulatorHost: site };
  }
  // A node of each site's cluster over WinRM/HTTPS with Kerberos; the password, if any, is secret stack config.
  return { transport: "wsman", host: `hv-${site}01.contoso.com`, useSsl: true, authentication: "Kerberos" };
}

const sql = new hvr.ReplicatedCollection("sql-cluster", {
  sites: {
    east: { collectionId: "6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10", connection: connection("east") },
    west: { collectionId: "0d9e8f7a-6b5c-4d3e-2f1a-0b9c8d7e6f5a", connection: connection("west") },
  },
  activeSite,
  acknowledgeDataLoss: config.getObject<string[]>("acknowledgeDataLoss") ?? [],
  commitFailover: config.getBoolean("commitFailover") ?? false,
  // Each move's report (Markdown and an HTML timeline), kept by the pipeline as an artifact (docs/reports.md).
  reportDirectory: "dr-reports",
});

export const runningSite = sql.runningSite;
export const pendingSteps = sql.pendingSteps;
export const lastChange = sql.lastChange.apply((c) =>
  c ? `${c.path}: ${c.steps.length} calls, ${c.outcome}` : "none",
);
