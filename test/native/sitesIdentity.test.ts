/**
 * The native plugin's Diff for ReplicatedCollection: the same runtime decides, so swapping the two sites' blocks
 * under the same activeSite is an update of `sites` (never a replacement), and the engine is sent the planned move.
 */
import * as path from "node:path";
import { describeAction } from "../../provider/failover/sites/stepWords";
import { describe, expect, it } from "vitest";
import { tokenOf } from "../../provider/doors/native/provider";
import { HyperVSimulator } from "../../provider/simulator";
import { urnOf } from "../harness/nativePlugin";
import { useNativePlugins } from "./fixtures";

const EAST = "6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10";
const WEST = "0d9e8f7a-6b5c-4d3e-2f1a-0b9c8d7e6f5a";
const urn = urnOf(tokenOf("ReplicatedCollection"), "sql");
const fixture = useNativePlugins();

describe("native plugin: ReplicatedCollection's sites are named by their collections", () => {
  it("swapping the east and west blocks is an update of sites whose preview sends the engine the planned move", async () => {
    const stateFile = path.join(fixture.dir, "pair.json");
    const sim = new HyperVSimulator({ stateFile, hostName: "east" });
    await sim.init();
    await sim.addPair({
      name: "sql-cluster",
      members: ["sql-a"],
      primary: { host: "east", id: EAST },
      replica: { host: "west", id: WEST },
    });
    const site = (host: string, collectionId: string) => ({
      collectionId,
      connection: { transport: "simulator", simulatorStateFile: stateFile, simulatorHost: host },
    });
    const plugin = await fixture.start();
    await plugin.configure({ jobPollInitialMs: "50", jobPollMaxMs: "100" });
    const program = { sites: { east: site("east", EAST), west: site("west", WEST) }, activeSite: "east" };
    const oldInputs = (await plugin.check(urn, {}, program)).inputs;
    const created = await plugin.create(urn, oldInputs);
    const swapped = (
      await plugin.check(
        urn,
        {},
        { ...program, sites: { east: site("west", WEST), west: site("east", EAST) } },
      )
    ).inputs;
    const before = fixture.engine.lines.length;

    const diff = await plugin.diff(urn, created.id, created.outs, swapped, oldInputs);

    // 2 is DiffResponse.DIFF_SOME.
    expect(diff).toEqual({
      changes: 2,
      replaces: [],
      diffs: ["sites"],
      hasDetailedDiff: true,
      detailedDiff: { sites: { kind: "UPDATE", inputDiff: true } },
    });
    // Log lines reach the engine on their own RPCs: wait (bounded) for the head line and the six steps.
    const mine = () => fixture.engine.lines.slice(before).filter((l) => l.urn === urn);
    for (let waited = 0; waited < 5000 && mine().length < 8; waited += 10)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(mine().map((l) => l.message)).toEqual([
      expect.stringMatching(
        /^\[east\+west\] activeSite east \(the collection recorded as site west\): plan from the state recorded at /,
      ),
      `  1. west: ${describeAction("StopVMs")}`,
      "       VM 'sql-a': shut down (guest, Msvm_ShutdownComponent.InitiateShutdown) within 300 s; without a shutdown component, or if the guest does not shut down in time: the run stops before anything irreversible (allowHardPowerOff is false)",
      `  2. west: ${describeAction("InitiatePlannedFailover")}`,
      `  3. east: ${describeAction("InitiateFailover")}`,
      `  4. east: ${describeAction("CommitFailover")}`,
      `  5. east: ${describeAction("ReverseReplicationRelationship")}`,
      `  6. east: ${describeAction("StartVMs")}`,
    ]);
    expect(await sim.calls()).toEqual([]);
  });
});
