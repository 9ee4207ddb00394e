/**
 * `npm run demo`: a DR drill on the embedded Hyper-V simulator, through the real Pulumi dynamic-provider plugin.
 * It plays the Pulumi engine's part for three `pulumi up` runs (create as normal, fail over, fail back) and prints
 * what the operator would see, then the collection's state before and after and every WMI call the host received.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { collectionFailoverProvider } from "../provider/resources/collectionFailover/provider";
import { replicationModeName, replicationStateName } from "../provider/hyperv";
import { HyperVSimulator } from "../provider/simulator";
import { makeProjectDir, Plugin, serializeProvider, withoutProvider } from "../test/harness/plugin";

const COLLECTION = "sql-cluster";

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
  const sim = new HyperVSimulator({ stateFile, hostName: "hv-replica01" });
  await sim.init();
  const seeded = await sim.addCollection({
    name: COLLECTION,
    members: ["sql-node-a", "sql-node-b"],
    recoveryPoints: 3,
  });
  await sim.addCollection({ name: "app-tier", members: ["app-01", "app-02", "app-03"] });

  const plugin = await Plugin.start({
    cwd: project,
    project: "dr-drill",
    onLine: (l) => console.log(`    | ${l}`),
  });
  try {
    await plugin.configure({
      "hyperv-replica:transport": "simulator",
      "hyperv-replica:simulatorStateFile": "cluster.json",
    });
    const provider = await serializeProvider(collectionFailoverProvider);
    const program = (failoverState: string) => ({
      collectionName: COLLECTION,
      failoverState,
      __provider: provider,
    });

    console.log(`Simulated replica cluster in ${stateFile}`);
    console.log(`Before: ${describeState(await sim.collection(seeded.id))}\n`);

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
      console.log(`  preview: ${diff.changes ? "~ update" : "no change"}`);
      outs = (await plugin.update(id, outs, next)).outs;
      inputs = next;
      const op = outs.lastOperation as Record<string, unknown>;
      console.log(
        `  -> failoverState ${String(outs.failoverState)}; ${String(op.method)} job ${String(op.jobId)} ${String(op.jobState)}\n`,
      );
    }

    console.log(`After: ${describeState(await sim.collection(seeded.id))}`);
    console.log(`Stack outputs: ${JSON.stringify(withoutProvider(outs), null, 2).replace(/\n/g, "\n  ")}\n`);
    console.log("WMI calls the host received:");
    for (const call of await sim.calls()) {
      const at = new Date(call.at).toISOString().slice(11, 23);
      console.log(
        `  ${at}  ${call.className}.${call.method} -> ${call.returnValue ?? call.error}${call.jobId ? ` (job ${call.jobId})` : ""}`,
      );
    }
  } finally {
    await plugin.stop();
    fs.rmSync(project, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
