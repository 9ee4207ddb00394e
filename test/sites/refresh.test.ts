/**
 * Refresh of a two-site pair through the real plugin: the resource leaves the stack only when every site answers
 * without its collection; one site without it keeps the resource and says why.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withoutProvider } from "../harness/plugin";
import type { Rehearsal } from "./support";
import { EAST, inputs, rehearsal, sharePlugin, siteSummary, WEST } from "./support";

sharePlugin();

let r: Rehearsal;
let outs: Record<string, unknown>;
let id: string;

beforeAll(async () => {
  r = await rehearsal();
  const checked = await r.plugin.check({}, inputs(r, "east"));
  ({ id, outs } = await r.plugin.create(checked.inputs));
});
afterAll(async () => r?.close());

describe("ReplicatedCollection refresh", () => {
  it("reads both sites while both collections exist", async () => {
    const refreshed = await r.plugin.read(id, outs);
    expect(refreshed.id).toBe(id);
    expect(siteSummary(refreshed.props!, "east").role).toBe("primary");
    expect(siteSummary(refreshed.props!, "west").role).toBe("replica");
  });

  it("records the cluster that answered on each site", async () => {
    const sites = withoutProvider(outs).sites as Record<string, { hostSystemName: string | null }>;
    expect(Object.fromEntries(Object.entries(sites).map(([n, site]) => [n, site.hostSystemName]))).toEqual({
      east: "east",
      west: "west",
    });
  });

  it("a refresh whose connections reach other clusters fails, naming both clusters, and keeps the pair", async () => {
    const before = (await r.sim.calls()).length;
    const elsewhere = (site: string, host: string) => {
      const sites = outs.sites as Record<string, Record<string, unknown>>;
      const connection = { ...(sites[site]!.connection as object), simulatorHost: host };
      return { ...sites[site], connection };
    };
    // Both sites pointed at clusters that have neither collection: before, this dropped the pair from the stack.
    const typo = { ...outs, sites: { east: elsewhere("east", "north"), west: elsewhere("west", "south") } };
    const error = await r.plugin.read(id, typo).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toBe(
      `Different cluster: refresh of site east reached host 'north', which has no collection with CollectionID ${EAST}, but site east was recorded on host 'east' [collection '${EAST}', host north (simulator)]. The pair was kept in the stack. Point sites.east.connection at the cluster the collection lives on, then refresh again; if the collection was really removed from that cluster, remove the resource from the stack with pulumi state delete <urn>`,
    );
    const westOnly = { ...outs, sites: { ...(outs.sites as object), west: elsewhere("west", "south") } };
    const westError = await r.plugin.read(id, westOnly).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(westError?.message).toBe(
      `Different cluster: refresh of site west reached host 'south', which has no collection with CollectionID ${WEST}, but site west was recorded on host 'west' [collection '${WEST}', host south (simulator)]. The pair was kept in the stack. Point sites.west.connection at the cluster the collection lives on, then refresh again; if the collection was really removed from that cluster, remove the resource from the stack with pulumi state delete <urn>`,
    );
    expect((await r.sim.calls()).slice(before)).toEqual([]);
    expect((await r.plugin.read(id, outs)).id).toBe(id);
  });

  it("keeps the resource when only one site has lost the collection, and names both sites", async () => {
    await r.sim.removeCollection(WEST);
    const error = await r.plugin.read(id, outs).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.message).toContain("Refresh kept the pair: its collection answers on east but not on west");
    expect(error?.message).toContain(`no collection has CollectionID ${WEST} on site west`);
    expect(error?.message).toContain("sites.west.connection");
    expect((await r.sim.calls()).filter((c) => c.method !== undefined)).toEqual([]);
  });

  it("drops the resource once neither site has the collection", async () => {
    await r.sim.removeCollection(EAST);
    const refreshed = await r.plugin.read(id, outs);
    expect(refreshed.id).toBe("");
    expect(withoutProvider(refreshed.props ?? {})).toEqual({});
  });
});
