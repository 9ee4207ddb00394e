/**
 * A rehearsal of the dr-failover example as a pipeline runs it, without the Pulumi CLI: `hyperv-replica-sim` (a real
 * process) seeds the state file named in Pulumi.rehearsal.yaml; the program runs under setMocks to get each
 * resource's inputs, serialized provider included; and those inputs go through the real Pulumi plugin, started
 * fresh for each `pulumi up` with the stack file's config, as the engine would send them. Fail both collections over,
 * then revert both.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cli, requireBuild } from "../cli/run";
import { makeProjectDir, Plugin, withoutProvider } from "../harness/plugin";
import { DR_FAILOVER, linkPackageIntoExample, runProgram, stackConfig } from "./support";

interface Managed {
  id: string;
  inputs: Record<string, unknown>;
  outs: Record<string, unknown>;
}

let project: string;
const config = () => stackConfig("rehearsal", DR_FAILOVER);
/** The stack's state: each resource's id, inputs and outputs, as the engine keeps them between runs. */
const stack = new Map<string, Managed>();

beforeAll(() => {
  requireBuild();
  linkPackageIntoExample(DR_FAILOVER);
  project = makeProjectDir("hvr-dr-failover-");
  const stateFile = config()["hyperv-replica:simulatorStateFile"]!;
  // The seeding command Pulumi.rehearsal.yaml documents, run in the project directory.
  const seeded = cli(
    [
      "init",
      stateFile,
      "--collection",
      "sql-cluster:sql-node-a,sql-node-b",
      "--collection",
      "app-tier:app-01,app-02",
    ],
    project,
  );
  expect(seeded.stderr).toBe("");
  expect(seeded.status).toBe(0);
  expect(cli(["job-duration", stateFile, "all", "300"], project).status).toBe(0);
});

afterAll(() => {
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

/** One `pulumi up`: run the program, then check and create or diff and update each resource in order. */
async function up(failoverState: string): Promise<string[]> {
  const stackConfig = { ...config(), "dr-failover:failoverState": failoverState };
  const { registered } = await runProgram(stackConfig, DR_FAILOVER);
  const plugin = await Plugin.start({ cwd: project, project: "dr-failover" });
  const steps: string[] = [];
  try {
    await plugin.configure(stackConfig);
    for (const { name, inputs: news } of registered) {
      const before = stack.get(name);
      const { inputs, failures } = await plugin.check(before?.inputs ?? {}, news);
      expect(failures).toEqual([]);
      if (!before) {
        const { id, outs } = await plugin.create(inputs);
        stack.set(name, { id, inputs, outs });
        steps.push(`create ${name}`);
      } else if ((await plugin.diff(before.id, before.outs, inputs)).changes) {
        const { outs } = await plugin.update(before.id, before.outs, inputs);
        stack.set(name, { id: before.id, inputs, outs });
        steps.push(`update ${name}`);
      }
    }
  } finally {
    await plugin.stop();
  }
  return steps;
}

/** The state file, read by the CLI as a pipeline step would. */
function show(): { id: string; name: string; replicationState: number; replicationStateName: string }[] {
  const result = cli(["show", config()["hyperv-replica:simulatorStateFile"]!, "--json"], project);
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout);
}

function calls(): { className: string; method: string; collectionId: string; returnValue: number }[] {
  const result = cli(["calls", config()["hyperv-replica:simulatorStateFile"]!, "--json"], project);
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout);
}

const states = () => show().map((c) => [c.name, `${c.replicationStateName} (${c.replicationState})`]);

/** The call log as `Class.Method collection -> return value`. */
function methods(): string[] {
  const names = new Map(show().map((c) => [c.id, c.name]));
  return calls().map((c) => `${c.className}.${c.method} ${names.get(c.collectionId)} -> ${c.returnValue}`);
}

describe("examples/dr-failover rehearsed through the plugin on a state file seeded by the CLI", () => {
  it("starts with both collections replicating and no calls", () => {
    expect(states()).toEqual([
      ["sql-cluster", "Replicating (3)"],
      ["app-tier", "Replicating (3)"],
    ]);
    expect(calls()).toEqual([]);
  });

  it("failoverState failedOver: creates both, the SQL cluster first, each with one InitiateFailover", async () => {
    expect(await up("failedOver")).toEqual(["create sql-cluster", "create app-tier"]);

    expect(states()).toEqual([
      ["sql-cluster", "Recovered (5)"],
      ["app-tier", "Recovered (5)"],
    ]);
    // Each failover starts the collection's VMs (one RequestStateChange 2 each), then reads the health.
    expect(methods()).toEqual([
      "Msvm_CollectionReplicationService.InitiateFailover sql-cluster -> 4096",
      "Msvm_ComputerSystem.RequestStateChange sql-cluster -> 4096",
      "Msvm_ComputerSystem.RequestStateChange sql-cluster -> 4096",
      "Msvm_CollectionReplicationService.GetReplicationStatistics sql-cluster -> 0",
      "Msvm_CollectionReplicationService.InitiateFailover app-tier -> 4096",
      "Msvm_ComputerSystem.RequestStateChange app-tier -> 4096",
      "Msvm_ComputerSystem.RequestStateChange app-tier -> 4096",
      "Msvm_CollectionReplicationService.GetReplicationStatistics app-tier -> 0",
    ]);
    expect(withoutProvider(stack.get("sql-cluster")!.outs)).toMatchObject({
      collectionName: "sql-cluster",
      failoverState: "failedOver",
      replicationStateName: "Recovered",
      lastOperation: { method: "InitiateFailover", jobState: "Completed", errorCode: 0 },
      jobTimeoutSeconds: 3600,
      connection: null,
    });
  });

  it("failoverState normal: updates both, each with one RevertFailover, and both replicate again", async () => {
    expect(await up("normal")).toEqual(["update sql-cluster", "update app-tier"]);

    expect(states()).toEqual([
      ["sql-cluster", "Replicating (3)"],
      ["app-tier", "Replicating (3)"],
    ]);
    // The running VMs are turned off (RequestStateChange 3) before each RevertFailover.
    expect(methods().slice(8)).toEqual([
      "Msvm_ComputerSystem.RequestStateChange sql-cluster -> 4096",
      "Msvm_ComputerSystem.RequestStateChange sql-cluster -> 4096",
      "Msvm_CollectionReplicationService.RevertFailover sql-cluster -> 4096",
      "Msvm_CollectionReplicationService.GetReplicationStatistics sql-cluster -> 0",
      "Msvm_ComputerSystem.RequestStateChange app-tier -> 4096",
      "Msvm_ComputerSystem.RequestStateChange app-tier -> 4096",
      "Msvm_CollectionReplicationService.RevertFailover app-tier -> 4096",
      "Msvm_CollectionReplicationService.GetReplicationStatistics app-tier -> 0",
    ]);
    for (const name of ["sql-cluster", "app-tier"]) {
      expect(stack.get(name)!.outs).toMatchObject({
        failoverState: "normal",
        lastOperation: { method: "RevertFailover", jobState: "Completed" },
      });
    }
  });

  it("a second up with the same config changes nothing and calls nothing", async () => {
    const before = calls().length;
    expect(await up("normal")).toEqual([]);
    expect(calls()).toHaveLength(before);
  });

  it("the CLI's text view of the call log shows the failover and the revert in order", () => {
    const result = cli(["calls", config()["hyperv-replica:simulatorStateFile"]!], project);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^TIME\s+CALL\s+COLLECTION\s+RESULT$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(1, 3).join(" "))).toEqual([
      "Msvm_CollectionReplicationService.InitiateFailover sql-cluster",
      "Msvm_ComputerSystem.RequestStateChange sql-cluster",
      "Msvm_ComputerSystem.RequestStateChange sql-cluster",
      "Msvm_CollectionReplicationService.GetReplicationStatistics sql-cluster",
      "Msvm_CollectionReplicationService.InitiateFailover app-tier",
      "Msvm_ComputerSystem.RequestStateChange app-tier",
      "Msvm_ComputerSystem.RequestStateChange app-tier",
      "Msvm_CollectionReplicationService.GetReplicationStatistics app-tier",
      "Msvm_ComputerSystem.RequestStateChange sql-cluster",
      "Msvm_ComputerSystem.RequestStateChange sql-cluster",
      "Msvm_CollectionReplicationService.RevertFailover sql-cluster",
      "Msvm_CollectionReplicationService.GetReplicationStatistics sql-cluster",
      "Msvm_ComputerSystem.RequestStateChange app-tier",
      "Msvm_ComputerSystem.RequestStateChange app-tier",
      "Msvm_CollectionReplicationService.RevertFailover app-tier",
      "Msvm_CollectionReplicationService.GetReplicationStatistics app-tier",
    ]);
    expect(fs.existsSync(path.join(project, ".rehearsal", "cluster.json"))).toBe(true);
  });
});
