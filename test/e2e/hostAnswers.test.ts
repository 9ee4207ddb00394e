/**
 * The host's answers read as Hyper-V gives them, through the real dynamic-provider plugin over gRPC, each collection
 * seeded as a disaster leaves the replica site: replication suspended, ReplicationState 13 with no test collection,
 * replication Critical, and GetReplicationStatistics answering with a job under requireHealthy.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectionFailoverProvider } from "../../provider/resources/collectionFailover/provider";
import { HyperVSimulator } from "../../provider/simulator";
import type { PluginError } from "../harness/plugin";
import { makeProjectDir, Plugin, serializeProvider, withoutProvider } from "../harness/plugin";

const SUSPENDED = "1a1a1a1a-0000-4000-8000-000000000007";
const THIRTEEN = "1a1a1a1a-0000-4000-8000-000000000013";
const CRITICAL = "1a1a1a1a-0000-4000-8000-000000000008";
const STATS = "1a1a1a1a-0000-4000-8000-000000000111";

let project: string;
let plugin: Plugin;
let sim: HyperVSimulator;
let provider: string;

beforeAll(async () => {
  project = makeProjectDir();
  sim = new HyperVSimulator({ stateFile: path.join(project, "cluster.json"), hostName: "hv-replica01" });
  await sim.init();
  await sim.addCollection({ id: SUSPENDED, name: "sql", replicationState: 7, members: ["sql-a"] });
  await sim.addCollection({ id: THIRTEEN, name: "erp", replicationState: 13, members: ["erp-a"] });
  await sim.addCollection({ id: CRITICAL, name: "web", replicationState: 8, members: ["web-a"] });
  await sim.addCollection({ id: STATS, name: "crm", members: ["crm-a"] });
  await sim.setHealth(STATS, { answer: "jobThenCallAgain", replicationHealth: 1 });
  for (const method of ["InitiateFailover", "ResumeReplication"]) await sim.setJobDuration(method, 300);
  plugin = await Plugin.start({ cwd: project });
  await plugin.configure({});
  provider = await serializeProvider(collectionFailoverProvider);
});

afterAll(async () => {
  await plugin?.stop();
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

const program = (collectionId: string, failoverState: string, extra: Record<string, unknown> = {}) => ({
  collectionId,
  failoverState,
  startVirtualMachines: false,
  connection: { transport: "simulator", simulatorStateFile: "cluster.json" },
  __provider: provider,
  ...extra,
});

/** The calls made for one collection, as `method -> return value`. */
const callsFor = async (id: string) =>
  (await sim.calls()).filter((c) => c.collectionId === id).map((c) => `${c.method} -> ${c.returnValue}`);

describe("a failover through the plugin, from what a disaster left", () => {
  it("resumes a Suspended replica before failing it over", async () => {
    const { inputs } = await plugin.check({}, program(SUSPENDED, "failedOver"));

    const { outs } = await plugin.create(inputs);

    expect(await callsFor(SUSPENDED)).toEqual([
      "ResumeReplication -> 4096",
      "InitiateFailover -> 4096",
      "GetReplicationStatistics -> 0",
    ]);
    expect(withoutProvider(outs)).toMatchObject({ failoverState: "failedOver", replicationState: 5 });
  });

  it("refuses ReplicationState 13 with no test collection linked, calling nothing", async () => {
    const { inputs } = await plugin.check({}, program(THIRTEEN, "normal"));

    const error = (await plugin.create(inputs).catch((e: unknown) => e)) as PluginError;

    expect(error.details).toBe(
      "Invalid state: it is ambiguous: ReplicationState TestFailoverInitiated (13), ReplicationMode Replica; Microsoft's docs label ReplicationState 13 'Partially recovered', and the provider reads it as a test failover only when a test collection is linked to the replica (Msvm_ReplicaCollectionDependency); none is, so this may be a partial failover and nothing is called [collection 'erp', host cluster.json (simulator)]. Check the member VMs on the replica cluster (Get-VMReplication: a VM failed over on its own shows FailedOverWaitingCompletion or FailedOver) and the Hyper-V-VMMS-Admin event log; bring the group to Replicating (3) or Recovered (5), or finish or remove its test failover (RevertTestReplicaCollection on the replica collection), then refresh and run again",
    );
    expect(await callsFor(THIRTEEN)).toEqual([]);
    expect((await sim.collection(THIRTEEN))?.replicationState).toBe(13);
  });

  it("refuses a Critical replica, calling nothing", async () => {
    const { inputs } = await plugin.check({}, program(CRITICAL, "failedOver"));

    const error = (await plugin.create(inputs).catch((e: unknown) => e)) as PluginError;

    expect(error.details).toBe(
      "Invalid state: it is normal: ReplicationState Critical (8), ReplicationMode Replica; replication is Critical (8), and Hyper-V Replica's per-VM failover (Start-VMFailover) will not fail over a VM whose replication needs resynchronizing (inferred for collections) [collection 'web', host cluster.json (simulator)]. Resynchronize the group from its primary (Msvm_CollectionReplicationService.Resynchronize on the primary cluster; per VM, Resume-VMReplication -Resynchronize) and wait for Replicating (3), then run again",
    );
    expect(await callsFor(CRITICAL)).toEqual([]);
  });

  it("waits for a statistics job before a requireHealthy failover, then fails over", async () => {
    const { inputs } = await plugin.check({}, program(STATS, "failedOver", { requireHealthy: true }));

    const { outs } = await plugin.create(inputs);

    expect(await callsFor(STATS)).toEqual([
      "GetReplicationStatistics -> 4096",
      "GetReplicationStatistics -> 0",
      "InitiateFailover -> 4096",
      "GetReplicationStatistics -> 0",
    ]);
    expect(withoutProvider(outs)).toMatchObject({
      failoverState: "failedOver",
      replicationState: 5,
      replicationHealth: "Ok",
    });
  });
});
