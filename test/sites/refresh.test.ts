/**
 * Refresh of a two-site pair through the real plugin: the resource leaves the stack only when every site answers
 * without its collection; one site without it keeps the resource and says why.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withoutProvider } from "../harness/plugin";
import type { Rehearsal } from "./support";
import { EAST, inputs, rehearsal, siteSummary, WEST } from "./support";

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
