/**
 * Adoption and `ignoreChanges: ["failoverState"]` through the real dynamic-provider plugin, with the engine's
 * steps played as pulumi/pulumi's step generator plays them (ImportStep; processIgnoreChanges before Check). What
 * the dynamic provider cannot do is shown as it happens, with the calls the host received.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectionFailoverProvider } from "../../provider/resources/collectionFailover/provider";
import { HyperVSimulator } from "../../provider/simulator";
import type { PluginError } from "../harness/plugin";
import { makeProjectDir, Plugin, REPO_ROOT, serializeProvider, withoutProvider } from "../harness/plugin";

const SQL = "6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10";
let project: string;
let plugin: Plugin;
let sim: HyperVSimulator;
let provider: string;

beforeAll(async () => {
  if (!fs.existsSync(path.join(REPO_ROOT, "dist", "doors", "dynamic.js")))
    throw new Error("dist/ is missing: run `npm run build` first (npm test does)");
  project = makeProjectDir();
  sim = new HyperVSimulator({ stateFile: path.join(project, "cluster.json"), hostName: "hv-replica01" });
  await sim.init();
  await sim.addCollection({ id: SQL, name: "sql-cluster", members: ["sql-a"] });
  for (const method of ["InitiateFailover", "RevertFailover"]) await sim.setJobDuration(method, 200);
  plugin = await Plugin.start({ cwd: project });
  await plugin.configure({
    "hyperv-replica:transport": "simulator",
    "hyperv-replica:simulatorStateFile": "cluster.json",
    "hyperv-replica:jobPollInitialMs": "50",
    "hyperv-replica:jobPollMaxMs": "100",
  });
  provider = await serializeProvider(collectionFailoverProvider);
});

afterAll(async () => {
  await plugin?.stop();
  if (project) fs.rmSync(project, { recursive: true, force: true });
});

const program = (failoverState: string, extra: Record<string, unknown> = {}) => ({
  collectionName: "sql-cluster",
  failoverState,
  startVirtualMachines: false,
  __provider: provider,
  ...extra,
});

/** processIgnoreChanges: the stored input replaces the program's, or is removed when none is stored. */
function ignoring(news: Record<string, unknown>, stored: Record<string, unknown>, key: string) {
  const { [key]: _dropped, ...rest } = news;
  return key in stored ? { ...rest, [key]: stored[key] } : rest;
}

const acting = async () =>
  (await sim.calls()).filter((c) => c.method !== "GetReplicationStatistics").map((c) => c.method);

describe("adopting a collection with the dynamic provider", () => {
  it("the import resource option fails inside @pulumi/pulumi's dynamic-provider plugin, before any host call", async () => {
    // ImportStep reads with the id and nothing stored: no __provider text for the plugin to load.
    const error = (await plugin.read(SQL, {}, {}).catch((e: unknown) => e)) as PluginError;
    expect(error.message).toContain("code must be a string, not undefined");
    expect(await sim.calls()).toEqual([]);
  });

  it("declaring the resource adopts it: create reads the collection and calls nothing when it is as declared", async () => {
    const checked = await plugin.check({}, program("normal"));
    expect(checked.failures).toEqual([]);
    const created = await plugin.create(checked.inputs);
    expect(created.id).toBe(SQL);
    expect(withoutProvider(created.outs)).toMatchObject({
      collectionId: SQL,
      failoverState: "normal",
      replicationState: 3,
      lastOperation: null,
    });
    expect(await acting()).toEqual([]);
  });
});

describe('ignoreChanges: ["failoverState"] with the dynamic provider', () => {
  let inputs: Record<string, unknown>;
  let outs: Record<string, unknown>;

  beforeAll(async () => {
    inputs = (await plugin.check({}, program("normal"))).inputs;
    outs = (await plugin.create(inputs)).outs;
    // A failover made outside Pulumi.
    await sim.setCollection(SQL, { replicationState: 5, failedOverReplicationType: 1 });
  });

  it("after refresh, the stored input is the host's state: Check and Diff find nothing, and nothing is called", async () => {
    const refreshed = await plugin.read(SQL, outs, inputs);
    expect(refreshed.inputs).toMatchObject({ failoverState: "failedOver" });
    const news = ignoring(program("normal"), refreshed.inputs!, "failoverState");
    const checked = await plugin.check(refreshed.inputs!, news);
    expect(checked).toMatchObject({ failures: [], inputs: { failoverState: "failedOver" } });
    expect(await plugin.diff(SQL, refreshed.props!, checked.inputs)).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    // Without ignoreChanges, the same refresh leads to a revert: the program's normal against the host's failedOver.
    const plain = await plugin.check(refreshed.inputs!, program("normal"));
    expect((await plugin.diff(SQL, refreshed.props!, plain.inputs)).changes).toBe(true);
    expect(await acting()).toEqual([]);
  });

  it("the plugin drops DiffRequest.ignoreChanges: against a stale stored input, Diff reports the change", async () => {
    const refreshed = await plugin.read(SQL, outs, inputs);
    const stale = (await plugin.check(inputs, program("normal"))).inputs;
    expect((await plugin.diff(SQL, refreshed.props!, stale, ["failoverState"])).changes).toBe(true);
    expect(await acting()).toEqual([]);
  });

  it("an update made for another reason puts the host back to the stored input if the host moved since the refresh", async () => {
    // The host renames the collection; refresh records the name and failedOver.
    await sim.setCollection(SQL, { name: "sql-cluster-renamed" });
    const refreshed = await plugin.read(SQL, outs, inputs);
    expect(refreshed.props).toMatchObject({
      collectionName: "sql-cluster-renamed",
      failoverState: "failedOver",
    });
    // Someone reverts the failover outside Pulumi before the next up, which runs without --refresh.
    await sim.setCollection(SQL, { replicationState: 3, failedOverReplicationType: 0 });
    const news = ignoring(program("normal"), refreshed.inputs!, "failoverState");
    const checked = await plugin.check(refreshed.inputs!, news);
    expect(await plugin.diff(SQL, refreshed.props!, checked.inputs)).toMatchObject({
      changes: true,
      replaces: [],
    });
    const updated = await plugin.update(SQL, refreshed.props!, checked.inputs);
    // The dynamic provider cannot know failoverState was ignored: it failed the collection over again.
    expect(await acting()).toEqual(["InitiateFailover"]);
    expect(withoutProvider(updated.outs)).toMatchObject({ failoverState: "failedOver", replicationState: 5 });
  });

  it("a refresh that finds the collection between states stores no failoverState; Check refuses and nothing is called", async () => {
    await sim.setCollection(SQL, { replicationState: 16 });
    const before = await acting();
    const refreshed = await plugin.read(SQL, outs, inputs);
    expect(refreshed.props).toMatchObject({ failoverState: "partiallyFailedOver" });
    expect(refreshed.inputs).not.toHaveProperty("failoverState");
    const checked = await plugin.check(
      refreshed.inputs!,
      ignoring(program("normal"), refreshed.inputs!, "failoverState"),
    );
    expect(checked.failures.map((f) => f.property)).toEqual(["failoverState"]);
    expect(checked.failures[0]?.reason).toMatch(
      /^missing: the last refresh \(or import\) found the collection between states/,
    );
    expect(await acting()).toEqual(before);
  });
});
