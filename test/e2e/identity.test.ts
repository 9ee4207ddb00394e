/**
 * Identity through the real plugin: a resource acts only on the CollectionID it tracks, a rename on the host is not a
 * replacement, and refresh never drops a resource because it reached another cluster.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { collectionFailoverProvider } from "../../provider/resources/collectionFailover/provider";
import { HyperVSimulator } from "../../provider/simulator";
import type { PluginError } from "../harness/plugin";
import { makeProjectDir, Plugin, serializeProvider, withoutProvider } from "../harness/plugin";

const OLD = "6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10";
const NEW = "7c1d2f5e-3b63-4d9f-8e52-1b8f4f2cad21";
const RENAMED = "0d9e8f7a-6b5c-4d3e-2f1a-0b9c8d7e6f5a";

let project: string;
let plugin: Plugin;
let sim: HyperVSimulator;
let provider: string;

const connection = { transport: "simulator", simulatorStateFile: "cluster.json" };
const program = (failoverState: string, collectionName: string) => ({
  collectionName,
  failoverState,
  connection,
  __provider: provider,
});
const invokes = async () => (await sim.calls()).map((c) => [c.method, c.collectionId, c.returnValue]);

beforeAll(async () => {
  project = makeProjectDir();
  sim = new HyperVSimulator({ stateFile: path.join(project, "cluster.json"), hostName: "cluster.json" });
  await sim.init();
  await sim.addCollection({ id: OLD, name: "sql-cluster", members: ["sql-a"] });
  await sim.addCollection({ id: RENAMED, name: "web-tier", members: ["web-a"] });
  const other = new HyperVSimulator({ stateFile: path.join(project, "other.json") });
  await other.init();
  plugin = await Plugin.start({ cwd: project });
  await plugin.configure({});
  provider = await serializeProvider(collectionFailoverProvider);
});

afterAll(async () => {
  await plugin?.stop();
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

describe("a collection deleted and re-created under the same name between preview and up", () => {
  let outs: Record<string, unknown>;

  it("the update calls nothing and names both CollectionIDs and what to do", async () => {
    const created = await plugin.create((await plugin.check({}, program("normal", "sql-cluster"))).inputs);
    expect(created.id).toBe(OLD);
    outs = created.outs;
    // Create read the health (GetReplicationStatistics); from here on nothing may be called.
    const before = (await invokes()).length;
    const { inputs: desired } = await plugin.check({}, program("failedOver", "sql-cluster"));
    expect(await plugin.diff(OLD, outs, desired)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });

    await sim.removeCollection(OLD);
    await sim.addCollection({ id: NEW, name: "sql-cluster", members: ["sql-a"] });
    const error = (await plugin.update(OLD, outs, desired).catch((e: unknown) => e)) as PluginError;

    expect(error.details).toBe(
      `Collection re-pointed: this resource tracks CollectionID ${OLD}, but collectionName 'sql-cluster' now names CollectionID ${NEW} [collection 'sql-cluster', host cluster.json (simulator)]. Nothing was called. If the collection was deleted and re-created, or you mean the other one, replace this resource on purpose (pulumi up --replace <urn>); to keep acting on the tracked one, set collectionId '${OLD}' in the program instead of collectionName`,
    );
    expect((await invokes()).slice(before)).toEqual([]);
    expect((await sim.collection(NEW))?.replicationState).toBe(3);
  });

  it("refresh on the same cluster then says the tracked collection is gone", async () => {
    expect((await plugin.read(OLD, outs)).id).toBe("");
  });
});

describe("a collection renamed on the host", () => {
  let outs: Record<string, unknown>;

  it("refresh keeps the CollectionID and shows the new name", async () => {
    ({ outs } = await plugin.create((await plugin.check({}, program("normal", "web-tier"))).inputs));
    await sim.setCollection(RENAMED, { name: "web-tier-2026" });
    const refreshed = await plugin.read(RENAMED, outs);
    expect(refreshed.id).toBe(RENAMED);
    // The create called nothing, so the refresh is the first run to read the health and the member VMs.
    expect(withoutProvider(refreshed.props)).toEqual({
      ...withoutProvider(outs),
      collectionName: "web-tier-2026",
      observedAt: expect.any(String),
      healthObservedAt: expect.any(String),
      replicationHealth: "Ok",
      virtualMachines: (await sim.collection(RENAMED))!.members.map((vm) => ({
        name: vm.name,
        id: vm.id,
        enabledState: 3,
        enabledStateName: "Off",
        replicationState: 3,
        replicationHealth: "Ok",
      })),
    });
    outs = refreshed.props!;
  });

  it("preview proposes an update, not a replacement, and prints that the program's name no longer matches", async () => {
    const { inputs: same } = await plugin.check({}, program("normal", "web-tier"));
    expect(await plugin.diff(RENAMED, outs, same)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    });
    // The plugin's stdout arrives on its own pipe, possibly just after the gRPC reply.
    await vi.waitFor(() =>
      expect(plugin.stdout).toContain(
        `[web-tier-2026] the program's collectionName 'web-tier' no longer matches the host: CollectionID ${RENAMED} was last read as 'web-tier-2026'. This resource keeps tracking that CollectionID (a rename is not a replacement); the update calls nothing if 'web-tier' now names another collection`,
      ),
    );
  });

  it("up fails the renamed collection over by its CollectionID and records the host's name", async () => {
    const { inputs: desired } = await plugin.check({}, program("failedOver", "web-tier"));
    const { outs: after } = await plugin.update(RENAMED, outs, desired);
    // After the failover the VMs are started and the health is read; the failover call is the one before those.
    expect((await invokes()).filter(([method]) => method === "InitiateFailover")).toEqual([
      ["InitiateFailover", RENAMED, 4096],
    ]);
    expect(after).toMatchObject({
      collectionId: RENAMED,
      collectionName: "web-tier-2026",
      failoverState: "failedOver",
    });
    expect(await sim.collection(RENAMED)).toMatchObject({ name: "web-tier-2026", replicationState: 5 });
    await vi.waitFor(() =>
      expect(plugin.stdout).toContain(
        `[web-tier-2026] the program's collectionName 'web-tier' no longer matches the host: CollectionID ${RENAMED} is now named 'web-tier-2026'. This resource keeps tracking that CollectionID; set collectionName 'web-tier-2026' (or collectionId '${RENAMED}') in the program`,
      ),
    );
    outs = after;
  });

  it("refresh that reaches another cluster fails, naming both, instead of dropping the resource", async () => {
    const before = await invokes();
    const typo = { ...outs, connection: { ...connection, simulatorStateFile: "other.json" } };
    const error = (await plugin.read(RENAMED, typo).catch((e: unknown) => e)) as PluginError;
    expect(error.details).toBe(
      `Different cluster: refresh reached host 'other.json', which has no collection with CollectionID ${RENAMED}, but this resource was recorded on host 'cluster.json' [collection 'web-tier-2026', host other.json (simulator)]. The resource was kept in the stack. Point the connection (hyperv-replica:* stack config, or the resource's connection) at the cluster the collection lives on, then refresh again; if the collection was really removed from that cluster, remove the resource from the stack with pulumi state delete <urn>`,
    );
    expect(await invokes()).toEqual(before);
  });
});
