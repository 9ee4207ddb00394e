/**
 * What names a pair: its two collections, each a CollectionID on the host its connection reaches, not the names the
 * program gives the sites. Through the real plugin: renaming or reordering the sites is no replacement; swapping the
 * blocks under the same activeSite is a move, and preview prints it; pointing the resource at another pair is a
 * replacement, and preview prints what its create would do; check refuses two sites naming one collection.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { describeAction } from "../../provider/failover/sites/stepWords";
import { withoutProvider } from "../harness/plugin";
import type { Rehearsal } from "./support";
import {
  callLines,
  EAST,
  inputs,
  PLANNED_MOVE,
  printedSince,
  rehearsal,
  sharePlugin,
  site as siteOf,
  siteSummary,
  WEST,
} from "./support";

sharePlugin();

const WEB_EAST = "2f3e4d5c-6b7a-4980-a1b2-c3d4e5f60718";
const WEB_WEST = "8a9b0c1d-2e3f-4a5b-8c7d-6e5f4a3b2c1d";

let r: Rehearsal;
let id: string;
let outs: Record<string, unknown>;

beforeEach(async () => {
  r = await rehearsal();
  ({ id, outs } = await r.plugin.create((await r.plugin.check({}, inputs(r, "east"))).inputs));
});
afterEach(async () => r?.close());

/** A site's block on this test's state file. */
const site = (host: string, collectionId: string) => siteOf(r, host, collectionId);

const program = (sites: Record<string, unknown>, activeSite: string) => ({
  ...inputs(r, activeSite),
  sites,
});

/** Check, then diff against the stored outputs; returns the diff and the `lines` lines the plugin printed for it. */
async function preview(sites: Record<string, unknown>, activeSite: string, lines: number) {
  const checked = await r.plugin.check({}, program(sites, activeSite));
  expect(checked.failures).toEqual([]);
  const before = r.plugin.stdout.length;
  const diff = await r.plugin.diff(id, outs, checked.inputs);
  return { diff, printed: await printedSince(r.plugin, before, lines), inputs: checked.inputs };
}

const RECORDED =
  /^\[\S+\] activeSite \S+.*: plan from the state recorded at \S+; preview with --refresh to plan from the hosts now/;

const SHUTDOWN =
  "(guest, Msvm_ShutdownComponent.InitiateShutdown) within 300 s; without a shutdown component, or if the guest does not shut down in time: the run stops before anything irreversible (allowHardPowerOff is false)";

describe("the sites map names two collections, whatever the program calls them", () => {
  it("swapping the east and west blocks under activeSite east is a move: an update whose preview prints the planned move", async () => {
    const swapped = { east: site("west", WEST), west: site("east", EAST) };
    const { diff, printed, inputs: checked } = await preview(swapped, "east", 9);
    expect(diff).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect(printed[0]).toMatch(RECORDED);
    expect(printed[0]).toContain(
      "[east+west] activeSite east (the collection recorded as site west): plan from",
    );
    // Under the program's new names: "west" is now the collection on host east, the primary.
    expect(printed.slice(1)).toEqual([
      `  1. west: ${describeAction("StopVMs")}`,
      `       VM 'sql-a': shut down ${SHUTDOWN}`,
      `       VM 'sql-b': shut down ${SHUTDOWN}`,
      `  2. west: ${describeAction("InitiatePlannedFailover")}`,
      `  3. east: ${describeAction("InitiateFailover")}`,
      `  4. east: ${describeAction("CommitFailover")}`,
      `  5. east: ${describeAction("ReverseReplicationRelationship")}`,
      `  6. east: ${describeAction("StartVMs")}`,
    ]);
    expect(await r.sim.calls()).toEqual([]);

    outs = (await r.plugin.update(id, outs, checked)).outs;
    // callLines names each call by the host it reached: the move the preview showed, host east to host west.
    expect(callLines(await r.sim.calls())).toEqual(PLANNED_MOVE);
    expect(siteSummary(outs, "east")).toEqual({
      role: "primary",
      replicationStateName: "Replicating",
      vms: ["sql-a=Running", "sql-b=Running"],
    });
    expect(withoutProvider(outs)).toMatchObject({
      runningSite: "east",
      pendingSteps: [],
      sites: { east: { collectionId: WEST }, west: { collectionId: EAST } },
    });
  });

  it("renaming the sites, activeSite following its collection, is an update with nothing to do and no call", async () => {
    const renamed = { primary: site("east", EAST), dr: site("west", WEST) };
    const { diff, printed, inputs: checked } = await preview(renamed, "primary", 1);
    expect(diff).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(RECORDED);
    expect(printed[0]).toMatch(
      /^\[dr\+primary\] activeSite primary \(the collection recorded as site east\): .*: nothing to do$/,
    );

    outs = (await r.plugin.update(id, outs, checked)).outs;
    expect(await r.sim.calls()).toEqual([]);
    expect(siteSummary(outs, "primary")).toEqual({
      role: "primary",
      replicationStateName: "Replicating",
      vms: ["sql-a=Running", "sql-b=Running"],
    });
    expect(withoutProvider(outs)).toMatchObject({
      runningSite: "primary",
      pendingSteps: [],
      lastChange: null,
    });
  });

  it("writing the west block first is no change at all", async () => {
    const { diff, printed } = await preview(
      { west: site("west", WEST), east: site("east", EAST) },
      "east",
      0,
    );
    expect(diff).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(printed).toEqual([]);
  });

  it("another pair is a replacement: preview reads both sites and prints what the create would do, and the create does it", async () => {
    await r.sim.addPair({
      name: "web",
      members: ["web-a"],
      primary: { host: "east", id: WEB_EAST },
      replica: { host: "west", id: WEB_WEST },
    });
    const web = { east: site("east", WEB_EAST), west: site("west", WEB_WEST) };
    const { diff, printed, inputs: checked } = await preview(web, "west", 7);
    expect(diff).toEqual({ changes: true, replaces: ["sites"], deleteBeforeReplace: false });
    expect(printed).toEqual([
      "[east+west] replacement: sites names another collection, and creating the new resource brings it to activeSite west; plan from both sites read now:",
      "  1. east: StopVMs",
      "  2. east: InitiatePlannedFailover",
      "  3. west: InitiateFailover",
      "  4. west: CommitFailover",
      "  5. west: ReverseReplicationRelationship",
      "  6. west: StartVMs",
    ]);
    expect(await r.sim.calls()).toEqual([]);

    const created = await r.plugin.create(checked);
    const onWeb = (c: { collectionId?: string }) => [WEB_EAST, WEB_WEST].includes(c.collectionId ?? "");
    expect((await r.sim.calls()).every(onWeb)).toBe(true);
    expect(
      (await r.sim.calls()).map((c) => `${c.collectionId === WEB_EAST ? "east" : "west"}: ${c.method}`),
    ).toEqual([
      "east: InitiateShutdown",
      "east: InitiatePlannedFailover",
      "west: InitiateFailover",
      "west: CommitFailover",
      "west: ReverseReplicationRelationship",
      "west: RequestStateChange",
    ]);
    expect(withoutProvider(created.outs)).toMatchObject({ runningSite: "west", pendingSteps: [] });
  });
});

describe("one process, two resources over the same pair", () => {
  it("under other site names they share the run lock: one planned move, and the second run calls nothing", async () => {
    const named = { primary: site("east", EAST), dr: site("west", WEST) };
    const second = await r.plugin.create((await r.plugin.check({}, program(named, "primary"))).inputs);
    const [toWest, toDr] = await Promise.all([
      r.plugin.check({}, inputs(r, "west")),
      r.plugin.check({}, program(named, "dr")),
    ]);

    const [first, other] = await Promise.all([
      r.plugin.update(id, outs, toWest.inputs),
      r.plugin.update(second.id, second.outs, toDr.inputs),
    ]);

    expect(callLines(await r.sim.calls())).toEqual(PLANNED_MOVE);
    const moved = [first.outs, other.outs].map((o) => withoutProvider(o));
    expect(moved.map((o) => [o.runningSite, o.pendingSteps])).toEqual([
      ["west", []],
      ["dr", []],
    ]);
    // Exactly one of the two made the move; the other, run after it, found nothing to do.
    expect(moved.map((o) => (o.lastChange as { path: string } | null)?.path ?? null).sort()).toEqual([
      null,
      "plannedMove",
    ]);
  });
});

describe("check", () => {
  it("refuses two sites that name the same collection on the same cluster, and calls nothing", async () => {
    const { failures } = await r.plugin.check(
      {},
      program({ east: site("east", EAST), west: site("east", EAST.toUpperCase()) }, "east"),
    );
    expect(failures).toEqual([
      {
        property: "sites.west",
        reason: `names the same collection on the same cluster as sites.east: CollectionID ${EAST.toUpperCase()} through east (simulator) for both. The two sites are the primary's and the replica's collections, each on its own cluster: give each site its own collectionId and connection`,
      },
    ]);
    expect(await r.sim.calls()).toEqual([]);
  });

  it("accepts one CollectionID on two clusters (a replica may keep its primary's id: inferred)", async () => {
    const { failures } = await r.plugin.check(
      {},
      program({ east: site("east", EAST), west: site("west", EAST) }, "east"),
    );
    expect(failures).toEqual([]);
  });
});
