/**
 * `npm run demo:sites`: a two-site collection on the embedded simulator, through the real Pulumi dynamic-provider
 * plugin. It plays the engine's part for three `pulumi up` runs (create with the VMs on east, a planned move to
 * west, the move back) and prints the plan preview shows, what each site looked like after each run, and the
 * calls each site received.
 */
import * as path from "node:path";
import { replicatedCollectionProvider } from "../provider/resources/replicatedCollection/provider";
import type { MethodCall } from "../provider/simulator";
import { parseProgressLine } from "../provider/hyperv/progress";
import { HyperVSimulator } from "../provider/simulator";
import { makeProjectDir, Plugin, serializeProvider } from "../test/harness/plugin";
import { keptFolder } from "./demo-folder";

const EAST = "6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10";
const WEST = "0d9e8f7a-6b5c-4d3e-2f1a-0b9c8d7e6f5a";

const site = (host: string, collectionId: string) => ({
  collectionId,
  connection: { transport: "simulator", simulatorStateFile: "pair.json", simulatorHost: host },
});

function describeSites(outs: Record<string, unknown>): string[] {
  const sites = outs.sites as Record<
    string,
    {
      role: string;
      replicationStateName: string | null;
      members: { name: string; enabledStateName: string }[];
    }
  >;
  return Object.entries(sites).map(
    ([name, s]) =>
      `  ${name}: ${s.role}, ${s.replicationStateName ?? "-"}; VMs ${s.members.map((m) => `${m.name} ${m.enabledStateName}`).join(", ")}`,
  );
}

function callsBySite(calls: readonly MethodCall[], from: number): string[] {
  return calls.slice(from).map((c) => {
    const host = c.collectionId?.toLowerCase() === EAST ? "east" : "west";
    const what =
      c.method === "RequestStateChange"
        ? `RequestStateChange(RequestedState ${String(c.arguments.RequestedState)}) on a VM`
        : c.method === "InitiateShutdown"
          ? `${c.className}.InitiateShutdown (Force ${String(c.arguments.Force)}) on a VM, in ${c.namespace}`
          : c.method;
    return `  [${host}] ${what} -> ${c.returnValue ?? c.error}${c.jobId ? `, job ${c.jobId}` : ""}`;
  });
}

async function main(): Promise<void> {
  const project = makeProjectDir("hvr-demo-sites-");
  const sim = new HyperVSimulator({ stateFile: path.join(project, "pair.json"), hostName: "east" });
  await sim.init();
  await sim.addPair({
    name: "sql-cluster",
    members: ["sql-node-a", "sql-node-b"],
    primary: { host: "east", id: EAST },
    replica: { host: "west", id: WEST },
  });
  for (const method of [
    "InitiatePlannedFailover",
    "InitiateFailover",
    "CommitFailover",
    "ReverseReplicationRelationship",
    "StartReplication",
    "RequestStateChange",
    // Not a job: how long each guest takes to shut down.
    "InitiateShutdown",
  ]) {
    await sim.setJobDuration(method, 400);
  }
  const plugin = await Plugin.start({
    cwd: project,
    project: "dr-sites",
    onLine: (l) => {
      // Job progress lines are left out to keep the story short; `pulumi up` shows them.
      if (parseProgressLine(l)?.ended !== false) console.log(`    | ${l}`);
    },
  });
  try {
    await plugin.configure({});
    const provider = await serializeProvider(replicatedCollectionProvider);
    const program = (activeSite: string) => ({
      sites: { east: site("east", EAST), west: site("west", WEST) },
      activeSite,
      __provider: provider,
    });

    console.log("pulumi up #1: declare sql-cluster replicated between east and west, activeSite east");
    const created = await plugin.create((await plugin.check({}, program("east"))).inputs);
    let outs = created.outs;
    console.log([...describeSites(outs), "  (no call was needed)", ""].join("\n"));

    for (const [run, target] of [
      [2, "west"],
      [3, "east"],
    ] as const) {
      const inputs = (await plugin.check({}, program(target))).inputs;
      console.log(`pulumi preview: activeSite ${target}`);
      await plugin.diff(created.id, outs, inputs);
      console.log(`pulumi up #${run}: activeSite ${target}`);
      const from = (await sim.calls()).length;
      outs = (await plugin.update(created.id, outs, inputs)).outs;
      console.log(
        [
          "After:",
          ...describeSites(outs),
          "Calls each site received:",
          ...callsBySite(await sim.calls(), from),
          "",
        ].join("\n"),
      );
    }
    const change = outs.lastChange as {
      path: string;
      steps: { site: string; action: string; evidence: string }[];
    };
    console.log(
      `lastChange: ${change.path}, ${change.steps.length} calls; the steps and where their order comes from:`,
    );
    const seen = new Set<string>();
    for (const s of change.steps) {
      const key = `${s.site} ${s.action}`;
      if (!seen.has(key)) console.log(`  ${key} (${s.evidence})`);
      seen.add(key);
    }
  } finally {
    await plugin.stop();
    console.log(keptFolder(path.join(project, "pair.json")));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
