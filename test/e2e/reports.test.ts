/**
 * A report through the real Pulumi plugin on the simulator: a drill and a failover each leave `lastReport` with
 * the calls the host received, the host's job times, a plausible RTO and RPO, and the collections before and
 * after; with `reportDirectory`, the Markdown and HTML files too. The connection carries a password, which appears
 * in none of it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectionFailoverProvider } from "../../provider/resources/collectionFailover/provider";
import { collectionTestFailoverProvider } from "../../provider/resources/collectionTestFailover/provider";
import type { Report } from "../../provider/runtime/report";
import { HyperVSimulator } from "../../provider/simulator";
import { makeProjectDir, Plugin, REPO_ROOT, serializeProvider } from "../harness/plugin";

const SQL = "6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10";
const APP = "0d9e8f7a-6b5c-4d3e-2f1a-0b9c8d7e6f5a";
const PASSWORD = "S3cret-P@ss-report";
const HOUR = 3_600_000;
const connection = {
  transport: "simulator",
  simulatorStateFile: "cluster.json",
  username: "CONTOSO\\svc-dr",
  password: PASSWORD,
};

let project: string;
let plugin: Plugin;
let sim: HyperVSimulator;
/** When each collection's one recovery point was taken (epoch ms). */
const pointTimes: Record<string, number> = {};

beforeAll(async () => {
  if (!fs.existsSync(path.join(REPO_ROOT, "dist", "doors", "dynamic.js"))) {
    throw new Error("dist/ is missing: the plugin loads the built package, so run `npm run build` first");
  }
  project = makeProjectDir("hvr-reports-");
  sim = new HyperVSimulator({ stateFile: path.join(project, "cluster.json"), hostName: "hv-replica01" });
  await sim.init();
  const now = Date.now();
  await sim.addCollection({ id: SQL, name: "sql-cluster", members: ["sql-a", "sql-b"], recoveryPoints: 0 });
  await sim.addCollection({ id: APP, name: "app-tier", members: ["app-01"], recoveryPoints: 0 });
  pointTimes[SQL] = now - 2 * HOUR;
  pointTimes[APP] = now - HOUR;
  await sim.addRecoveryPoint(SQL, { creationTime: pointTimes[SQL], consistencyLevel: 2 });
  await sim.addRecoveryPoint(APP, { creationTime: pointTimes[APP], consistencyLevel: 1 });
  for (const method of ["InitiateFailover", "TestReplicaCollection"]) await sim.setJobDuration(method, 400);
  await sim.setJobDuration("RequestStateChange", 200);
  plugin = await Plugin.start({ cwd: project });
  await plugin.configure({});
});

afterAll(async () => {
  await plugin?.stop();
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

/** Creates the resource and times the create on the agent's clock. */
async function created(provider: unknown, program: Record<string, unknown>) {
  const { inputs, failures } = await plugin.check({}, { ...program, connection, __provider: provider });
  expect(failures).toEqual([]);
  const before = (await sim.calls()).length;
  const from = Date.now();
  const { outs } = await plugin.create(inputs);
  const to = Date.now();
  const calls = (await sim.calls()).slice(before).filter((c) => c.method !== "GetReplicationStatistics");
  return { report: outs.lastReport as Report, outs, calls, from, to };
}

/** RTO within the create's own duration; RPO the point's age at the first step, within the create's span. */
function expectPlausible(report: Report, pointTime: number, from: number, to: number) {
  const start = Date.parse(report.startedAt);
  expect(start).toBeGreaterThanOrEqual(from - 1000);
  expect(report.rtoSeconds).toBeGreaterThan(0);
  expect(report.rtoSeconds!).toBeLessThanOrEqual((to - from) / 1000);
  expect(report.rpoSeconds!).toBeGreaterThanOrEqual((from - pointTime) / 1000 - 1);
  expect(report.rpoSeconds!).toBeLessThanOrEqual((to - pointTime) / 1000);
}

const files = (dir: string) => fs.readdirSync(path.join(project, dir)).sort();
const read = (dir: string, file: string) => fs.readFileSync(path.join(project, dir, file), "utf8");

describe("a drill's report", () => {
  let drill: Awaited<ReturnType<typeof created>>;

  beforeAll(async () => {
    const provider = await serializeProvider(collectionTestFailoverProvider);
    drill = await created(provider, { collectionName: "sql-cluster", reportDirectory: "dr-reports" });
  });

  it("lists every call the host received, each timed by its own job", async () => {
    const { report, calls } = drill;
    expect(report.steps.map((s) => [s.call.className, s.call.method, s.jobId, s.timesFrom])).toEqual(
      calls.map((c) => [c.className, c.method, c.jobId, "host job"]),
    );
    expect(report.steps.map((s) => s.title)).toEqual([
      "make the test collection (TestReplicaCollection)",
      "start VM 'sql-a - Test' (RequestStateChange 2)",
      "start VM 'sql-b - Test' (RequestStateChange 2)",
    ]);
    const jobs = await sim.jobs();
    for (const step of report.steps) {
      const job = jobs.find((j) => j.instanceId === step.jobId)!;
      expect(Date.parse(step.finishedAt!)).toBe(job.finishedAt);
    }
  });

  it("has a plausible RTO and RPO, the test VMs as bars, and the health before and after", async () => {
    const { report, from, to } = drill;
    const [point] = await sim.recoveryPoints(SQL);
    expect(report).toMatchObject({
      resource: "CollectionTestFailover",
      action: "test failover",
      outcome: "succeeded",
    });
    expect(report.recoveryPoint?.instanceId).toBe(point!.instanceId);
    expectPlausible(report, pointTimes[SQL]!, from, to);
    expect(report.virtualMachines.map((vm) => vm.name)).toEqual(["sql-a - Test", "sql-b - Test"]);
    expect(report.before.map((s) => [s.collectionName, s.replicationState, s.health])).toEqual([
      ["sql-cluster", "Replicating", "Ok"],
    ]);
    expect(report.after.map((s) => [s.collectionName, s.recovers])).toEqual([
      ["sql-cluster", false],
      ["sql-cluster - Test", true],
    ]);
    expect(report.summary).toMatch(
      /^CollectionTestFailover 'sql-cluster': test failover succeeded in 3 steps; RTO [\d.]+ s; RPO 2 h 0 min;/,
    );
  });

  it("takes the test collection's end state from the run's own reads: after the last call only the replica is read", async () => {
    const lastCall = drill.calls.at(-1)!.at;
    const reads = (await sim.reads()).filter(
      (r) => r.at > lastCall && r.at <= drill.to && r.className !== "Msvm_ConcreteJob",
    );
    // The test VMs once, after starting them (for the outputs and the report); the replica for the report.
    expect(reads.map((r) => `${r.op} ${r.className}`)).toEqual([
      "associators Msvm_VirtualSystemCollection",
      "get Msvm_VirtualSystemCollection",
      "associators Msvm_VirtualSystemCollection",
    ]);
  });

  it("is written as a Markdown summary and an HTML page in the folder the program named", () => {
    const written = files("dr-reports");
    expect(written).toHaveLength(2);
    expect(written[0]).toMatch(/^\d{8}T\d{6}Z-CollectionTestFailover-sql-cluster\.html$/);
    expect(written[1]).toBe(written[0]!.replace(/\.html$/, ".md"));
    expect(read("dr-reports", written[1]!)).toContain(drill.report.summary);
    expect(read("dr-reports", written[0]!)).toContain('<rect class="vm-bar');
  });

  it("holds no password: not in the output, not in the files, not in what the plugin printed", () => {
    expect(JSON.stringify(drill.report)).not.toContain(PASSWORD);
    for (const file of files("dr-reports")) expect(read("dr-reports", file)).not.toContain(PASSWORD);
    expect(plugin.stdout.join("\n")).not.toContain(PASSWORD);
  });
});

describe("a failover's report", () => {
  it("times the failover and the VM start by their jobs, with RTO until app-01 ran and RPO from the point", async () => {
    const provider = await serializeProvider(collectionFailoverProvider);
    const { report, outs, calls, from, to } = await created(provider, {
      collectionId: APP,
      failoverState: "failedOver",
    });
    const [point] = await sim.recoveryPoints(APP);
    expect(calls.map((c) => c.method)).toEqual(["InitiateFailover", "RequestStateChange"]);
    expect(report).toMatchObject({
      resource: "CollectionFailover",
      name: "app-tier",
      action: "failover",
      outcome: "succeeded",
      recoveryPoint: { instanceId: point!.instanceId, consistencyLevel: "ApplicationConsistent" },
    });
    expect(report.steps.map((s) => [s.title, s.timesFrom])).toEqual([
      ["fail over (InitiateFailover)", "host job"],
      ["start VM 'app-01' (RequestStateChange 2)", "host job"],
    ]);
    expectPlausible(report, pointTimes[APP]!, from, to);
    const running = Date.parse(report.after[0]!.virtualMachines[0]!.runningSince!);
    expect(report.rtoSeconds).toBe(Math.round((running - Date.parse(report.startedAt)) / 100) / 10);
    expect(report.before[0]).toMatchObject({ replicationState: "Replicating", health: "Ok" });
    expect(report.after[0]).toMatchObject({ replicationState: "Recovered", recovers: true });
    // The end state is what the run itself read after starting app-01, for its outputs: after the last call the host
    // is asked for the VMs once (besides the job it watches), and not again for the report.
    expect(report.after[0]!.virtualMachines.map((vm) => [vm.name, vm.state])).toEqual(
      (outs.virtualMachines as { name: string; enabledStateName: string }[]).map((vm) => [
        vm.name,
        vm.enabledStateName,
      ]),
    );
    // The state before is what the run read to decide (the collection, its running jobs, its VMs, its points), not
    // read again just before InitiateFailover.
    const readsBefore = (await sim.reads()).filter((r) => r.at >= from && r.at <= calls[0]!.at);
    expect(readsBefore.map((r) => `${r.op} ${r.className}`)).toEqual([
      "get Msvm_VirtualSystemCollection",
      "associators Msvm_VirtualSystemCollection",
      "associators Msvm_VirtualSystemCollection",
      "query Msvm_CollectionRecoveryPoint",
    ]);
    const lastCall = calls.at(-1)!.at;
    const readsAfter = (await sim.reads()).filter(
      (r) => r.at > lastCall && r.className !== "Msvm_ConcreteJob",
    );
    expect(readsAfter.map((r) => `${r.op} ${r.className}`)).toEqual([
      "associators Msvm_VirtualSystemCollection",
    ]);
    expect(JSON.stringify(report)).not.toContain(PASSWORD);
  });
});
