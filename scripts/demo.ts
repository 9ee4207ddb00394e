/**
 * `npm run demo`: a DR drill on the embedded Hyper-V simulator, through the real Pulumi dynamic-provider plugin.
 * It lists the recovery points (getRecoveryPoints), brings a test failover up and prints its outputs, cleans it up,
 * then plays the Pulumi engine's part for a real failover and its revert with the VMs started, showing the preview
 * lines; last, the collection's state before and after and every WMI call the host received. The drill and the
 * failover each write their report (Markdown and HTML) to .tmp/demo-reports/, and their summary is printed.
 */
import * as path from "node:path";
import { createRuntime } from "../provider/doors/dynamic";
import { collectionFailoverProvider } from "../provider/resources/collectionFailover/provider";
import { collectionTestFailoverProvider } from "../provider/resources/collectionTestFailover/provider";
import { replicationModeName, replicationStateName } from "../provider/hyperv";
import { progressView } from "../provider/cli/progressView";
import { main as hypervReplica } from "../provider/hypervReplica";
import { HyperVSimulator } from "../provider/simulator";
import { keptFolder } from "./demo-folder";
import { makeProjectDir, Plugin, serializeProvider, withoutProvider } from "../test/harness/plugin";

const COLLECTION = "sql-cluster";
/** The simulated replica host: what `hostSystemName` shows, as a real host shows its SystemName. */
const HOST = "hv-replica01";
/** Kept after the demo: open the .html pages in a browser. */
const REPORTS = path.resolve(".tmp", "demo-reports");

/** The outputs without the report, which is printed by itself. */
const shown = (outs: Record<string, unknown>) => {
  const { lastReport: _report, ...rest } = withoutProvider(outs);
  return JSON.stringify(rest, null, 2).replace(/\n/g, "\n  ");
};

function printReport(outs: Record<string, unknown>): void {
  const report = outs.lastReport as { summary?: string } | null;
  if (!report?.summary) return;
  console.log(`  report (lastReport.summary): ${report.summary}`);
  console.log(`  report files: ${REPORTS}\n`);
}

function describeState(
  c: { name: string; replicationState: number; replicationMode: number } | undefined,
): string {
  if (!c) return "(no such collection)";
  const state = `${replicationStateName(c.replicationState)} (${c.replicationState})`;
  return `${c.name}: ReplicationState ${state}, ReplicationMode ${replicationModeName(c.replicationMode)}`;
}

async function main(): Promise<void> {
  const project = makeProjectDir("hvr-demo-");
  const stateFile = path.join(project, "cluster.json");
  const sim = new HyperVSimulator({ stateFile, hostName: HOST });
  await sim.init();
  const seeded = await sim.addCollection({
    name: COLLECTION,
    members: ["sql-node-a", "sql-node-b"],
    recoveryPoints: 3,
  });
  await sim.addCollection({ name: "app-tier", members: ["app-01", "app-02", "app-03"] });

  const progress = progressView(process.stdout);
  const plugin = await Plugin.start({
    cwd: project,
    project: "dr-drill",
    // A terminal shows each job as a bar redrawn in place; a log gets the plain lines.
    onLine: (l) => progress.line(`    | ${l}`),
  });
  try {
    await plugin.configure({
      "hyperv-replica:transport": "simulator",
      "hyperv-replica:simulatorStateFile": "cluster.json",
      "hyperv-replica:simulatorHost": HOST,
    });
    const provider = await serializeProvider(collectionFailoverProvider);
    const program = (failoverState: string) => ({
      collectionName: COLLECTION,
      failoverState,
      reportDirectory: REPORTS,
      __provider: provider,
    });

    console.log(`Simulated replica cluster in ${stateFile}`);
    console.log(`Before: ${describeState(await sim.collection(seeded.id))}\n`);
    const preflight = [
      "--transport",
      "simulator",
      "--simulator-state-file",
      stateFile,
      "--collection",
      COLLECTION,
    ];
    console.log(`npx hyperv-replica doctor ${preflight.join(" ")}   (a read-only preflight)`);
    await hypervReplica(["doctor", ...preflight]);
    console.log("");
    await testFailoverDrill(plugin, project);

    console.log(`pulumi up #1: declare ${COLLECTION} with failoverState "normal"`);
    let inputs = (await plugin.check({}, program("normal"))).inputs;
    const created = await plugin.create(inputs);
    const id = created.id;
    let outs = created.outs;
    console.log(`  -> failoverState ${String(outs.failoverState)} (no WMI method was needed)\n`);

    for (const [run, desired] of [
      [2, "failedOver"],
      [3, "normal"],
    ] as const) {
      console.log(`pulumi up #${run}: failoverState "${desired}"`);
      const next = (await plugin.check(inputs, program(desired))).inputs;
      const diff = await plugin.diff(id, outs, next);
      await new Promise((r) => setTimeout(r, 100)); // the plugin's preview line arrives on its own pipe
      console.log(`  preview: ${diff.changes ? "~ update" : "no change"}`);
      outs = (await plugin.update(id, outs, next)).outs;
      inputs = next;
      const op = outs.lastOperation as Record<string, unknown>;
      console.log(
        `  -> failoverState ${String(outs.failoverState)}; ${String(op.method)} job ${String(op.jobId)} ${String(op.jobState)}\n`,
      );
      printReport(outs);
    }

    console.log(`After: ${describeState(await sim.collection(seeded.id))}`);
    console.log(`Stack outputs: ${shown(outs)}\n`);
    console.log("WMI calls the host received:");
    for (const call of await sim.calls()) {
      const at = new Date(call.at).toISOString().slice(11, 23);
      console.log(
        `  ${at}  ${call.className}.${call.method} -> ${call.returnValue ?? call.error}${call.jobId ? ` (job ${call.jobId})` : ""}`,
      );
    }
  } finally {
    await plugin.stop();
    console.log(keptFolder(stateFile));
  }
}

/** getRecoveryPoints, then a CollectionTestFailover brought up (create) and cleaned up (delete). */
async function testFailoverDrill(plugin: Plugin, project: string): Promise<void> {
  const cwd = process.cwd();
  process.chdir(project); // the program's directory: simulatorStateFile is relative to it
  try {
    const runtime = createRuntime();
    runtime.configure(() => undefined);
    const points = await runtime.functions.getRecoveryPoints({
      collectionName: COLLECTION,
      connection: { transport: "simulator", simulatorStateFile: "cluster.json", simulatorHost: HOST },
    });
    console.log(`getRecoveryPoints({ collectionName: "${COLLECTION}" }), newest first:`);
    const listed = points.recoveryPoints as ReadonlyArray<Record<string, unknown>>;
    for (const p of listed)
      console.log(`  ${String(p.instanceId)}  ${String(p.creationTime)}  ${String(p.consistencyLevel)}`);
  } finally {
    process.chdir(cwd);
  }
  const provider = await serializeProvider(collectionTestFailoverProvider);
  console.log(
    `\npulumi up (drill stack): new CollectionTestFailover "${COLLECTION}-drill", recoveryPoint "latest"`,
  );
  const { inputs } = await plugin.check(
    {},
    { collectionName: COLLECTION, recoveryPoint: "latest", reportDirectory: REPORTS, __provider: provider },
  );
  const { id, outs } = await plugin.create(inputs);
  console.log(`  -> test collection ${String(outs.testCollectionName)} (${id}) is up; outputs:`);
  console.log(`  ${shown(outs)}\n`);
  printReport(outs);
  console.log(`pulumi destroy (drill stack): the test collection is removed`);
  await plugin.delete(id, outs);
  console.log(`  -> RevertTestReplicaCollection done; the replica collection kept replicating throughout\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
