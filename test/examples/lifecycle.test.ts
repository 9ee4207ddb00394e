/**
 * The lifecycle demo's core (scripts/lifecycle/run.ts, what `npm run demo:lifecycle` prints): one program's runs
 * through the real plugin on the simulator's two sites, each run's calls on each host asserted in full, and what
 * the hosts hold at the end.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HyperVSimulator } from "../../provider/simulator";
import { callLines, runLifecycle, type LifecycleRun } from "../../scripts/lifecycle/run";
import { REPO_ROOT } from "../harness/plugin";

const MOVE = (from: string, to: string) => [
  `[${from}] Msvm_ShutdownComponent.InitiateShutdown -> 0`,
  `[${from}] Msvm_ShutdownComponent.InitiateShutdown -> 0`,
  `[${from}] Msvm_CollectionReplicationService.InitiatePlannedFailover -> 4096 (job)`,
  `[${to}] Msvm_CollectionReplicationService.InitiateFailover -> 4096 (job)`,
  `[${to}] Msvm_CollectionReplicationService.CommitFailover -> 4096 (job)`,
  `[${to}] Msvm_CollectionReplicationService.ReverseReplicationRelationship -> 4096 (job)`,
  `[${to}] Msvm_ComputerSystem.RequestStateChange(RequestedState 2) -> 4096 (job)`,
  `[${to}] Msvm_ComputerSystem.RequestStateChange(RequestedState 2) -> 4096 (job)`,
];

/** The replica VMs' networks set (or cleared) on west: each adapter's test switch, then each VM's failover TCP/IP. */
const NETWORKS = [
  "[west] Msvm_VirtualSystemManagementService.ModifyResourceSettings -> 0",
  "[west] Msvm_VirtualSystemManagementService.ModifyResourceSettings -> 0",
  "[west] Msvm_ReplicationService.SetFailoverNetworkAdapterSettings -> 0",
  "[west] Msvm_ReplicationService.SetFailoverNetworkAdapterSettings -> 0",
];

let run: LifecycleRun;
const printed: string[] = [];

beforeAll(async () => {
  if (!fs.existsSync(path.join(REPO_ROOT, "dist", "doors", "dynamic.js"))) {
    throw new Error("dist/ is missing: the plugin loads the built package, so run `npm run build` first");
  }
  run = await runLifecycle({ print: (line) => printed.push(line) });
}, 180_000);

afterAll(() => {
  if (run) fs.rmSync(path.dirname(run.stateFile), { recursive: true, force: true });
});

describe("the lifecycle demo", () => {
  it("runs preview and six ups, each with exactly the calls its step needs, on the host that holds that side", () => {
    expect(run.steps.map((s) => [s.title.replace(/:.*/, ""), callLines(s.calls)])).toEqual([
      ["pulumi preview #1", []],
      [
        "pulumi up #1",
        [
          "[east] Msvm_CollectionManagementService.DefineCollection -> 0",
          "[east] Msvm_CollectionManagementService.AddMember -> 4096 (job)",
          "[east] Msvm_CollectionManagementService.AddMember -> 4096 (job)",
          "[east] Msvm_CollectionReplicationService.CreateReplicationRelationship -> 4096 (job)",
          "[east] Msvm_CollectionReplicationService.StartReplication -> 4096 (job)",
          "[east] Msvm_CollectionReplicationService.GetReplicationStatistics -> 0",
        ],
      ],
      [
        "pulumi up #2",
        [
          ...NETWORKS,
          "[west] Msvm_CollectionReplicationService.TestReplicaCollection -> 4096 (job)",
          "[west] Msvm_ComputerSystem.RequestStateChange(RequestedState 2) -> 4096 (job)",
          "[west] Msvm_ComputerSystem.RequestStateChange(RequestedState 2) -> 4096 (job)",
        ],
      ],
      [
        "pulumi up #3",
        ["[west] Msvm_CollectionReplicationService.RevertTestReplicaCollection -> 4096 (job)"],
      ],
      ["pulumi up #4", MOVE("east", "west")],
      ["pulumi up #5", MOVE("west", "east")],
      [
        "pulumi up #6",
        [
          ...NETWORKS,
          "[east] Msvm_CollectionReplicationService.RemoveReplicationRelationship -> 4096 (job)",
          "[west] Msvm_CollectionReplicationService.RemoveReplicationRelationship -> 4096 (job)",
        ],
      ],
    ]);
  });

  it("every replication call names the group the VmGroup made, whichever host received it", () => {
    const id = /CollectionID ([0-9a-f-]{36})/i.exec(printed.join("\n"))?.[1];
    expect(id).toBeDefined();
    const replication = run.steps.flatMap((s) =>
      s.calls.filter((c) => c.className === "Msvm_CollectionReplicationService"),
    );
    expect(replication).toHaveLength(15);
    expect(new Set(replication.map((c) => c.collectionId?.toLowerCase()))).toEqual(
      new Set([id?.toLowerCase()]),
    );
  });

  it("prints what each run left, and the initial copy replicating before the drill", () => {
    expect(printed).toContain("  CollectionReplication: Replicating; initial copy Completed, 100%");
    expect(printed).toContain(
      "  ReplicaNetworks: sql-a drills on Isolated, fails over as 10.2.0.11; sql-b drills on Isolated, fails over as 10.2.0.12",
    );
    expect(printed).toContainEqual(
      expect.stringMatching(
        /^ {2}CollectionTestFailover: test collection .+ is up; sql-a.* on Isolated, sql-b.* on Isolated$/,
      ),
    );
    expect(printed).toContain(
      "  ReplicatedCollection: east primary (Replicating), west replica (Replicating)",
    );
    expect(printed).toContain("  running on west: east replica (Replicating), west primary (Replicating)");
    expect(printed).toContain("  running on east: east primary (Replicating), west replica (Replicating)");
  });

  it("leaves the group on east and its replica VMs on west, neither replicating", async () => {
    const on = (host: string) => new HyperVSimulator({ stateFile: run.stateFile, hostName: host }).session();
    for (const host of ["east", "west"]) {
      const groups = await on(host).query("Msvm_VirtualSystemCollection");
      expect(groups.map((g) => [g.properties.ElementName, g.properties.ReplicationState])).toEqual([
        ["sql-cluster", 0],
      ]);
      const vms = await on(host).query("Msvm_ComputerSystem");
      expect(vms.map((vm) => vm.properties.ElementName)).toEqual(["sql-a", "sql-b"]);
    }
  });
});
