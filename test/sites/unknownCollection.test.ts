/**
 * A collectionId that is another resource's output (VmGroup.collectionId, CollectionReplication's) is unknown
 * during preview. Through the real plugin on the simulator's two sites: Check lets it through for every resource
 * that takes one, calling nothing, and a Diff against a recorded resource never answers "no change": another
 * collection may be coming, so the preview says it may be replaced or changed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectionFailoverProvider } from "../../provider/resources/collectionFailover/provider";
import { collectionTestFailoverProvider } from "../../provider/resources/collectionTestFailover/provider";
import { serializeProvider, UNKNOWN } from "../harness/plugin";
import type { Rehearsal } from "./support";
import { inputs, printed, rehearsal, sharePlugin, WEST } from "./support";

sharePlugin();

let r: Rehearsal;
let providers: { failover: string; drill: string };
const west = () => ({ transport: "simulator", simulatorStateFile: r.stateFile, simulatorHost: "west" });

beforeAll(async () => {
  r = await rehearsal();
  await r.sim.setJobDuration("TestReplicaCollection", 100);
  await r.sim.setJobDuration("RevertTestReplicaCollection", 100);
  providers = {
    failover: await serializeProvider(collectionFailoverProvider),
    drill: await serializeProvider(collectionTestFailoverProvider),
  };
}, 60_000);
afterAll(() => r?.close());

/** Check, then Create with the known id; then Diff with the id unknown, as a preview after the group is replaced. */
async function recordedThenUnknown(known: Record<string, unknown>, unknown: Record<string, unknown>) {
  const calls = (await r.sim.calls()).length;
  const checked = await r.plugin.check({}, unknown);
  expect(checked.failures).toEqual([]);
  expect((await r.sim.calls()).length).toBe(calls);
  const created = await r.plugin.create((await r.plugin.check({}, known)).inputs);
  const before = (await r.sim.calls()).length;
  const diff = await r.plugin.diff(
    created.id,
    created.outs,
    (await r.plugin.check(created.outs, unknown)).inputs,
  );
  expect((await r.sim.calls()).length).toBe(before);
  return { diff, created };
}

describe("an unknown collectionId during preview", () => {
  it("CollectionFailover: Check passes, and a recorded failover may be replaced (collectionId)", async () => {
    const program = (collectionId: string) => ({ collectionId, failoverState: "normal", connection: west() });
    const { diff } = await recordedThenUnknown(
      { ...program(WEST), __provider: providers.failover },
      { ...program(UNKNOWN), __provider: providers.failover },
    );
    expect(diff).toEqual({ changes: true, replaces: ["collectionId"], deleteBeforeReplace: false });
  });

  it("CollectionTestFailover: Check passes, and a drill that is up may be replaced (collectionId)", async () => {
    const program = (collectionId: string) => ({
      collectionId,
      connection: west(),
      __provider: providers.drill,
    });
    const { diff, created } = await recordedThenUnknown(program(WEST), program(UNKNOWN));
    expect(diff).toMatchObject({ changes: true, replaces: ["collectionId"] });
    await r.plugin.delete(created.id, created.outs);
  });

  it("ReplicatedCollection: Check passes, and a recorded pair may be replaced (sites), saying why and reading nothing", async () => {
    const unknownEast = inputs(r, "east");
    const sites = unknownEast.sites as Record<string, Record<string, unknown>>;
    const { diff } = await recordedThenUnknown(inputs(r, "east"), {
      ...unknownEast,
      sites: { ...sites, east: { ...sites.east, collectionId: UNKNOWN } },
    });
    expect(diff).toEqual({ changes: true, replaces: ["sites"], deleteBeforeReplace: false });
    expect(
      await printed(
        r.plugin,
        "[east+west] a site's collectionId (or connection) is not known until the resource it comes from is created: if it names another collection, this resource is replaced (the new pair is read and recorded; deleting this one calls nothing), else it is planned from both sites then; nothing is read or called now",
        r.from,
      ),
    ).toBe(true);
  });
});
