/**
 * Adopting a collection through the native plugin, as the engine runs the `import` resource option (ImportStep:
 * Read with the id and nothing stored, then Check and Diff of the program's inputs against what Read returned),
 * and `ignoreChanges: ["failoverState"]`, which the engine applies by putting the stored input in place of the
 * program's value before Check, and also sends to Diff and Update, where this door reads it.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { HyperVSimulator } from "../../provider/simulator";
import type { NativePlugin } from "../harness/nativePlugin";
import { urnOf } from "../harness/nativePlugin";
import { SQL, TYPE, useNativePlugins } from "./fixtures";

const PASSWORD = "Adopt-'me'-secret";
const DIFF_NONE = 1;
const DIFF_SOME = 2;
const f = useNativePlugins();

/** processIgnoreChanges: the stored input replaces the program's, or is removed when none is stored. */
function processIgnoreChanges(
  news: Record<string, unknown>,
  stored: Record<string, unknown>,
  [key]: [string],
) {
  const { [key]: _dropped, ...rest } = news;
  return key in stored ? { ...rest, [key]: stored[key] } : rest;
}

const MISSING_AFTER_REFRESH = `missing: the last refresh (or import) found the collection between states, so no failoverState was stored, and with ignoreChanges: ["failoverState"] the engine takes the stored value in place of the program's. Nothing was called. Wait until the collection settles (Get-VMReplication), refresh, then run again; or set failoverState to 'normal', 'failedOver' or 'committed' without ignoring it`;

const acting = async (sim: HyperVSimulator) =>
  (await sim.calls()).filter((c) => c.method !== "GetReplicationStatistics").map((c) => c.method);

describe("the import resource option adopts an existing collection", () => {
  const urn = urnOf(TYPE, "sql");
  let sim: HyperVSimulator;
  let plugin: NativePlugin;

  beforeAll(async () => {
    sim = await f.simulator("adopt.json", [{ id: SQL, name: "sql-cluster" }], 300);
    plugin = await f.pluginFor("adopt.json", { username: "CONTOSO\\dr", password: PASSWORD });
  });

  it("Read with the id and nothing stored returns the collection, and inputs without any password", async () => {
    const read = await plugin.read(urn, SQL, {}, {});
    expect(read.id).toBe(SQL);
    expect(read.inputs).toEqual({ collectionId: SQL, failoverState: "normal" });
    expect(read.props).toEqual({
      collectionId: SQL,
      collectionName: "sql-cluster",
      failoverState: "normal",
      replicationState: 3,
      replicationStateName: "Replicating",
      replicationMode: "Replica",
      failedOverReplicationType: "None",
      // The simulator answers with its state file's name, as the plugin opened it.
      hostSystemName: "adopt.json",
      lastOperation: null,
      replicationHealth: "Ok",
      replicationHealthIssues: [],
      lastApplyTime: expect.any(String),
      lastApplyConsistencyLevel: "CrashConsistent",
      virtualMachines: [
        {
          name: "sql-cluster-vm",
          id: expect.any(String),
          enabledState: 3,
          enabledStateName: "Off",
          replicationState: 3,
          replicationHealth: "Ok",
        },
      ],
      healthObservedAt: expect.any(String),
      observedAt: expect.any(String),
      recoveryPoint: "latest",
      requireHealthy: false,
      startVirtualMachines: true,
      jobTimeoutSeconds: 1800,
      cancelJobOnTimeout: false,
      connection: null,
    });
    // Only reads reached the host: the collection, its VMs and its health.
    expect(await acting(sim)).toEqual([]);
    expect(JSON.stringify(read)).not.toContain(PASSWORD);
  });

  it("a program that declares what the host shows: Check and Diff find nothing to do, and nothing is called", async () => {
    const read = await plugin.read(urn, SQL, {}, {});
    const program = { collectionId: SQL, failoverState: "normal" };
    const checked = await plugin.check(urn, read.inputs, program);
    expect(checked.failures).toEqual([]);
    const diff = await plugin.diff(urn, SQL, read.props, checked.inputs, read.inputs);
    expect(diff).toMatchObject({ changes: DIFF_NONE, replaces: [] });
    expect(await acting(sim)).toEqual([]);
  });

  it("a program that asks for another state: the import is followed by an update (Diff reports the change)", async () => {
    const read = await plugin.read(urn, SQL, {}, {});
    const checked = await plugin.check(urn, read.inputs, { collectionId: SQL, failoverState: "failedOver" });
    const diff = await plugin.diff(urn, SQL, read.props, checked.inputs, read.inputs);
    // The defaults Check filled in show as added, since the collection's own inputs never had them.
    const added = [
      "cancelJobOnTimeout",
      "jobTimeoutSeconds",
      "recoveryPoint",
      "requireHealthy",
      "startVirtualMachines",
    ];
    expect(diff).toEqual({
      changes: DIFF_SOME,
      replaces: [],
      diffs: ["failoverState", ...added],
      hasDetailedDiff: true,
      detailedDiff: {
        failoverState: { kind: "UPDATE", inputDiff: true },
        ...Object.fromEntries(added.map((k) => [k, { kind: "ADD", inputDiff: true }])),
      },
    });
    expect(await acting(sim)).toEqual([]);
  });

  it("refresh returns the stored connection without the password, even when the stored inputs held one", async () => {
    const connection = { transport: "simulator", username: "CONTOSO\\dr", password: PASSWORD };
    const inputs = { collectionId: SQL, failoverState: "normal", connection };
    const created = await plugin.create(urn, (await plugin.check(urn, {}, inputs)).inputs);
    const read = await plugin.read(urn, SQL, created.outs, inputs);
    expect(read.inputs).toMatchObject({
      failoverState: "normal",
      connection: { transport: "simulator", username: "CONTOSO\\dr" },
    });
    expect(JSON.stringify({ created, read })).not.toContain(PASSWORD);
  });
});

describe('ignoreChanges: ["failoverState"] through the native plugin', () => {
  const urn = urnOf(TYPE, "sql");
  const program = { collectionId: SQL, failoverState: "normal" };
  let sim: HyperVSimulator;
  let plugin: NativePlugin;
  let inputs: Record<string, unknown>;
  let outs: Record<string, unknown>;

  beforeAll(async () => {
    sim = await f.simulator("ignore.json", [{ id: SQL, name: "sql-cluster" }], 300);
    plugin = await f.pluginFor("ignore.json");
    inputs = (await plugin.check(urn, {}, program)).inputs;
    ({ outs } = await plugin.create(urn, inputs));
    // A failover made outside Pulumi.
    await sim.setCollection(SQL, { replicationState: 5, failedOverReplicationType: 1 });
  });

  it("after refresh, the stored input is the host's state: Check and Diff find nothing, and nothing is called", async () => {
    const refreshed = await plugin.read(urn, SQL, outs, inputs);
    expect(refreshed.inputs).toMatchObject({ failoverState: "failedOver" });
    expect(refreshed.props).toMatchObject({ failoverState: "failedOver", replicationState: 5 });
    const news = processIgnoreChanges(program, refreshed.inputs, ["failoverState"]);
    const checked = await plugin.check(urn, refreshed.inputs, news);
    expect(checked).toMatchObject({ failures: [], inputs: { failoverState: "failedOver" } });
    const diff = await plugin.diff(urn, SQL, refreshed.props, checked.inputs, refreshed.inputs, [
      "failoverState",
    ]);
    expect(diff).toMatchObject({ changes: DIFF_NONE, replaces: [], diffs: [] });
    expect(await acting(sim)).toEqual([]);
  });

  it("Diff honours the ignoreChanges the engine sends even against a stale stored input; without it, the same Diff reverts", async () => {
    const refreshed = await plugin.read(urn, SQL, outs, inputs);
    const stale = { ...inputs, failoverState: "normal" };
    expect(await plugin.diff(urn, SQL, refreshed.props, stale, inputs, ["failoverState"])).toMatchObject({
      changes: DIFF_NONE,
      diffs: [],
    });
    expect(await plugin.diff(urn, SQL, refreshed.props, stale, inputs)).toMatchObject({
      changes: DIFF_SOME,
      diffs: ["failoverState"],
    });
    expect(await acting(sim)).toEqual([]);
  });

  it("an Update made for another reason calls no failover method, and records what the host shows", async () => {
    const refreshed = await plugin.read(urn, SQL, outs, inputs);
    const news = { ...inputs, failoverState: "normal", jobTimeoutSeconds: 600 };
    const updated = await plugin.update(urn, SQL, refreshed.props, news, ["failoverState"]);
    expect(updated).toMatchObject({
      failoverState: "failedOver",
      replicationState: 5,
      jobTimeoutSeconds: 600,
    });
    expect(await acting(sim)).toEqual([]);
  });

  it("a refresh that finds the collection between states stores no failoverState, so the engine drops it and Check refuses", async () => {
    await sim.setCollection(SQL, { replicationState: 16 });
    const refreshed = await plugin.read(urn, SQL, outs, inputs);
    expect(refreshed.props).toMatchObject({ failoverState: "partiallyFailedOver" });
    expect(refreshed.inputs).not.toHaveProperty("failoverState");
    const news = processIgnoreChanges(program, refreshed.inputs, ["failoverState"]);
    const checked = await plugin.check(urn, refreshed.inputs, news);
    expect(checked.failures).toEqual([
      {
        property: "failoverState",
        reason: MISSING_AFTER_REFRESH,
      },
    ]);
    expect(await acting(sim)).toEqual([]);
  });
});

describe("an import of an id that names no collection", () => {
  const MISTYPED = "6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c1x";
  let sim: HyperVSimulator;
  let plugin: NativePlugin;

  beforeAll(async () => {
    sim = await f.simulator("mistyped.json", [{ id: SQL, name: "sql-cluster" }], 300);
    plugin = await f.pluginFor("mistyped.json");
  });

  const notFound = (kind: string) =>
    `Not found: no collection to import: Msvm_VirtualSystemCollection in root\\HyperVCluster\\v2 has no instance with CollectionID '${MISTYPED}' (the host that answered is SystemName 'mistyped.json') [collection '${MISTYPED}', host ${kind}]. Nothing was imported. Check the id (Get-VMGroup | Select-Object Name, Id on a node of the cluster lists them), and that the connection (the hyperv-replica:* stack config, or the provider's) points at the cluster the collection lives on`;

  it.each([
    ["CollectionFailover", TYPE],
    ["CollectionTestFailover", TYPE.replace("CollectionFailover", "CollectionTestFailover")],
  ])("%s: Read says not found, with what was searched, and calls nothing", async (name, type) => {
    const error = await plugin.read(urnOf(type, `mistyped-${name}`), MISTYPED, {}, {}).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(notFound("mistyped.json (simulator)"));
    expect(await acting(sim)).toEqual([]);
  });

  it("ReplicatedCollection: Read says not found for the site whose CollectionID names none, and calls nothing", async () => {
    const urn = urnOf(TYPE.replace("CollectionFailover", "ReplicatedCollection"), "mistyped-pair");
    const error = await plugin.read(urn, `east:${SQL},west:${MISTYPED}`, {}, {}).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe(notFound("mistyped.json (simulator)"));
    expect(await acting(sim)).toEqual([]);
  });

  it("ReplicatedCollection: Read refuses an id that does not name two sites, and calls nothing", async () => {
    const urn = urnOf(TYPE.replace("CollectionFailover", "ReplicatedCollection"), "one-site");
    const before = (await sim.calls()).length;
    const error = await plugin.read(urn, SQL, {}, {}).catch((e: Error) => e);
    expect((error as Error).message).toBe(
      `Invalid import id: '${SQL}' does not name two sites. Nothing was imported. Import a ReplicatedCollection by <site>:<CollectionID>,<site>:<CollectionID> (for example east:6b0c1f4e-...,west:0d9e8f7a-...), the two site names of the program's sites map`,
    );
    expect((await sim.calls()).length).toBe(before);
  });
});
