/**
 * A collection's VMs start together, through the real plugin on a simulator state file: every RequestStateChange(2)
 * reaches the host before any of their jobs ends (the host's own job records say when each began and ended), boot
 * groups start one after the other with their delay, and a VM that fails to start is named while the others run.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { collectionFailoverProvider } from "../../provider/resources/collectionFailover/provider";
import { collectionTestFailoverProvider } from "../../provider/resources/collectionTestFailover/provider";
import type { SimJob } from "../../provider/simulator";
import { HyperVSimulator } from "../../provider/simulator";
import type { PluginError } from "../harness/plugin";
import { makeProjectDir, Plugin, REPO_ROOT, serializeProvider, withoutProvider } from "../harness/plugin";

const SQL = "6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10";
const VM_JOB_MS = 1000;
/** The members, in the order the host lists them. */
const VMS = ["app-1", "app-2", "app-3", "sql-db"];

/** The plugin's working directory, shared by the file's tests, and each test's own state file. */
let project: string;
let stateFile: string;
let sim: HyperVSimulator;
let plugin: Plugin;
/** The connection to this test's state file (an absolute path: the plugin's folder is the file's). */
let connection: Record<string, string>;

// One plugin for the file: each test has a state file of its own and reads the plugin's lines from its own start on.
beforeAll(async () => {
  if (!fs.existsSync(path.join(REPO_ROOT, "dist", "doors", "dynamic.js")))
    throw new Error("dist/ is missing: the plugin loads the built package, so run `npm run build` first");
  project = makeProjectDir("hvr-vms-");
  plugin = await Plugin.start({ cwd: project });
  await plugin.configure({ "hyperv-replica:jobPollInitialMs": "50", "hyperv-replica:jobPollMaxMs": "200" });
});
afterAll(async () => {
  await plugin?.stop();
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

beforeEach(async () => {
  stateFile = path.join(fs.mkdtempSync(path.join(project, "test-")), "cluster.json");
  connection = { transport: "simulator", simulatorStateFile: stateFile };
  sim = new HyperVSimulator({ stateFile, hostName: "cluster.json" });
  await sim.init();
  await sim.addCollection({ id: SQL, name: "sql-cluster", members: VMS });
  await sim.setJobDuration("InitiateFailover", 100);
  await sim.setJobDuration("TestReplicaCollection", 100);
  await sim.setJobDuration("RequestStateChange", VM_JOB_MS);
});

async function failover(extra: Record<string, unknown> = {}) {
  const news = {
    collectionId: SQL,
    failoverState: "failedOver",
    connection,
    __provider: await serializeProvider(collectionFailoverProvider),
    ...extra,
  };
  const checked = await plugin.check({}, news);
  expect(checked.failures).toEqual([]);
  return plugin.create(checked.inputs);
}

/** The VMs' start jobs as the host recorded them, by VM name, in the order they were asked. */
async function startJobs(): Promise<(SimJob & { vm: string })[]> {
  const names = new Map(
    (await sim.collections()).flatMap((c) => c.members.map((m) => [m.id, m.name] as const)),
  );
  return (await sim.jobs())
    .filter((j) => j.method === "RequestStateChange")
    .map((j) => ({ ...j, vm: names.get(j.vmId ?? "") ?? "?" }));
}

const vmStates = (outs: Record<string, unknown>) =>
  (outs.virtualMachines as { name: string; enabledStateName: string }[]).map(
    (vm) => `${vm.name}=${vm.enabledStateName}`,
  );

describe("CollectionFailover starts its VMs together", () => {
  it("asks for every VM before any start job ends, and returns once all run", async () => {
    const { outs } = await failover();
    const jobs = await startJobs();
    // Asked together: the order in which the host receives them is not the program's to choose.
    expect(jobs.map((j) => j.vm).sort()).toEqual(VMS);
    const firstEnd = Math.min(...jobs.map((j) => j.finishedAt ?? Infinity));
    expect(jobs.filter((j) => j.submittedAt >= firstEnd)).toEqual([]);
    expect(jobs.map((j) => j.jobState)).toEqual([7, 7, 7, 7]);
    expect(vmStates(outs)).toEqual(VMS.map((vm) => `${vm}=Running`));
  });

  it("starts boot groups one after the other, each after the one before runs and its delay has passed", async () => {
    const from = plugin.stdout.length;
    const bootGroups = [
      { virtualMachines: ["sql-db"], delaySeconds: 2 },
      { virtualMachines: ["app-1", "app-2"] },
    ];
    const { outs } = await failover({ bootGroups });
    const jobs = await startJobs();
    expect(jobs.map((j) => j.vm)).toEqual(["sql-db", "app-1", "app-2", "app-3"]);
    const [db, app1, app2, rest] = jobs;
    // The second group is asked for no sooner than the database's job ended plus delaySeconds, both together.
    expect(app1!.submittedAt).toBeGreaterThanOrEqual(db!.finishedAt! + 2000);
    expect(app2!.submittedAt).toBeLessThan(app1!.finishedAt!);
    // The VMs in no group come last, once the second group runs; no delay was asked after it.
    expect(rest!.submittedAt).toBeGreaterThanOrEqual(Math.max(app1!.finishedAt!, app2!.finishedAt!));
    expect(vmStates(outs)).toEqual(VMS.map((vm) => `${vm}=Running`));
    // The plugin's stdout arrives on its own pipe, possibly just after the gRPC reply.
    await vi.waitFor(() =>
      expect(plugin.stdout.slice(from).filter((l) => /boot group|no boot group/.test(l))).toEqual([
        "[sql-cluster] boot group 1: 'sql-db'",
        "[sql-cluster] boot group 1 is running; waiting 2 s (delaySeconds) before boot group 2",
        "[sql-cluster] boot group 2: 'app-1', 'app-2'",
        "[sql-cluster] the VMs in no boot group: 'app-3'",
      ]),
    );
  });

  it("names the VM that failed to start, and records the failover with the other VMs running", async () => {
    await sim.injectFault({
      kind: "jobFails",
      method: "RequestStateChange",
      jobState: 10,
      errorCode: 32768,
      errorDescription: "'app-1' failed to start.",
      times: 1,
    });
    const bootGroups = [{ virtualMachines: ["app-1"] }];
    const error = (await failover({ bootGroups }).catch((e: unknown) => e)) as PluginError;
    expect(error.details).toContain("method RequestStateChange(2) on VM 'app-1'");
    expect(error.details).toContain("'app-1' failed to start.");
    const stored = withoutProvider(error.partial?.properties);
    expect(stored.failoverState).toBe("failedOver");
    // The group that failed stops the order: nothing after it is started, and the outputs say so.
    expect(vmStates(stored)).toEqual(VMS.map((vm) => `${vm}=Off`));
    expect((await startJobs()).map((j) => `${j.vm} ${j.jobState}`)).toEqual(["app-1 10"]);
  });

  it("names every VM that failed when several do, and starts the rest", async () => {
    await sim.injectFault({
      kind: "jobFails",
      method: "RequestStateChange",
      jobState: 10,
      errorCode: 32768,
      errorDescription: "The VM failed to start.",
      times: 2,
    });
    const error = (await failover().catch((e: unknown) => e)) as PluginError;
    // The fault takes the first two start requests the host receives, whichever VMs those are.
    const failed = (await startJobs()).filter((j) => j.jobState === 10).map((j) => j.vm);
    expect(failed).toHaveLength(2);
    expect(error.details).toMatch(/^2 of 4 VMs failed: VM '[^']+': .*; VM '[^']+': .*/);
    for (const vm of failed) expect(error.details).toContain(`VM '${vm}': Hyper-V job failed`);
    expect(vmStates(withoutProvider(error.partial?.properties))).toEqual(
      VMS.map((vm) => `${vm}=${failed.includes(vm) ? "Off" : "Running"}`),
    );
  });

  it("refuses boot groups that name a VM the collection does not have, before any call", async () => {
    const bootGroups = [{ virtualMachines: ["sql-dbb"] }];
    const error = (await failover({ bootGroups }).catch((e: unknown) => e)) as PluginError;
    expect(error.details).toBe(
      "Invalid state: bootGroups names VMs that are not members of the collection: bootGroups[0].virtualMachines[0] 'sql-dbb'; nothing was called [collection 'sql-cluster', host cluster.json (simulator)]. Name the member VMs by their names (ElementName; the collection has 'app-1', 'app-2', 'app-3', 'sql-db'), or remove those entries",
    );
    expect(await sim.calls()).toEqual([]);
  });
});

describe("CollectionFailover's preview", () => {
  it("names the boot order, and refuses a name the VMs last read do not carry, calling nothing", async () => {
    const provider = await serializeProvider(collectionFailoverProvider);
    const news = (failoverState: string, extra: Record<string, unknown> = {}) => ({
      collectionId: SQL,
      failoverState,
      connection,
      __provider: provider,
      ...extra,
    });
    const { id, outs } = await plugin.create((await plugin.check({}, news("normal"))).inputs);
    const calls = (await sim.calls()).length;
    const from = plugin.stdout.length;
    // A short delay: the update below waits it out between the groups.
    const bootGroups = [{ virtualMachines: ["sql-db"], delaySeconds: 1 }];
    await plugin.diff(id, outs, (await plugin.check({}, news("failedOver", { bootGroups }))).inputs);
    const line =
      "then start the member VMs with RequestStateChange(2) in boot order: 'sql-db'; after 1 s the VMs in no boot group, if any,";
    // The plugin's lines reach the test apart from the diff's answer: wait (at most 5 s) for the line.
    for (
      let waited = 0;
      waited < 5000 && !plugin.stdout.slice(from).some((l) => l.includes(line));
      waited += 10
    )
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(plugin.stdout.slice(from).join("\n")).toContain(line);
    expect((await sim.calls()).length).toBe(calls);

    // Once the stack has read the VMs (the failover started them), a name none of them carries fails the preview.
    const failedOver = (await plugin.check({}, news("failedOver", { bootGroups }))).inputs;
    const { outs: after } = await plugin.update(id, outs, failedOver);
    const wrong = [{ virtualMachines: ["sql-dbb"] }];
    const inputs = (await plugin.check({}, news("failedOver", { bootGroups: wrong }))).inputs;
    const before = (await sim.calls()).length;
    const error = (await plugin.diff(id, after, inputs).catch((e: unknown) => e)) as PluginError;
    expect(error.details).toBe(
      `Invalid state: bootGroups names VMs that are not members of the collection as last read (at ${String(after.healthObservedAt)}: 'app-1', 'app-2', 'app-3', 'sql-db'): bootGroups[0].virtualMachines[0] 'sql-dbb'; nothing was called [collection 'sql-cluster']. Name member VMs by their names (ElementName), or remove those entries; if VMs were added since, preview with --refresh`,
    );
    expect((await sim.calls()).length).toBe(before);
  });
});

describe("CollectionTestFailover starts the test VMs in boot order", () => {
  it("matches the replica's VM names to the test VMs (' - Test') and starts group after group", async () => {
    const news = {
      collectionId: SQL,
      connection,
      bootGroups: [{ virtualMachines: ["sql-db"] }],
      __provider: await serializeProvider(collectionTestFailoverProvider),
    };
    const checked = await plugin.check({}, news);
    expect(checked.failures).toEqual([]);
    const { outs } = await plugin.create(checked.inputs);
    const jobs = await startJobs();
    expect(jobs.map((j) => j.vm)).toEqual(["sql-db - Test", "app-1 - Test", "app-2 - Test", "app-3 - Test"]);
    const [db, ...apps] = jobs;
    for (const app of apps) expect(app.submittedAt).toBeGreaterThanOrEqual(db!.finishedAt!);
    const firstAppEnd = Math.min(...apps.map((j) => j.finishedAt ?? Infinity));
    expect(apps.filter((j) => j.submittedAt >= firstAppEnd)).toEqual([]);
    expect(vmStates(outs)).toEqual(VMS.map((vm) => `${vm} - Test=Running`));
  });
});

describe("Check refuses malformed boot groups, calling nothing", () => {
  it("names each problem: a VM in two groups, a negative delay, an empty group, an unknown field", async () => {
    const news = {
      collectionId: SQL,
      failoverState: "failedOver",
      connection,
      bootGroups: [
        { virtualMachines: ["sql-db"], delaySeconds: -5 },
        { virtualMachines: ["app-1", "sql-db"] },
        { virtualMachines: [] },
        { virtualMachine: ["app-2"] },
      ],
      __provider: await serializeProvider(collectionFailoverProvider),
    };
    const { failures } = await plugin.check({}, news);
    expect(failures).toEqual([
      {
        property: "bootGroups[0].delaySeconds",
        reason:
          "-5 is not a whole number from 0 to 3600; it is how long, once this group's VMs run, to wait before the next group starts (default 0)",
      },
      {
        property: "bootGroups[1].virtualMachines[1]",
        reason:
          "'sql-db' is already in bootGroups[0].virtualMachines[0]: a VM starts in one group only; remove it from one of them",
      },
      {
        property: "bootGroups[2].virtualMachines",
        reason: "must list at least one VM by name, such as ['sql-db']; got []",
      },
      {
        property: "bootGroups[3].virtualMachine",
        reason: "unknown property; did you mean 'virtualMachines'?",
      },
      {
        property: "bootGroups[3].virtualMachines",
        reason: "must list at least one VM by name, such as ['sql-db']; got undefined",
      },
    ]);
    expect(await sim.calls()).toEqual([]);
    expect(await sim.reads()).toEqual([]);
  });
});
