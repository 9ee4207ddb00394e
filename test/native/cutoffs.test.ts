/**
 * A `before:` cutoff means exactly the time written, through the native plugin as the engine drives it: Check
 * refuses a date that is not in the calendar (which JavaScript would roll forward) for every resource that takes
 * `recoveryPoint`, and Invoke refuses it for getRecoveryPoints, naming the part and calling nothing; with points on
 * 02-28, 03-01 and 03-02 and one with no CreationTime, a cutoff picks the newest dated point before it, and never
 * the undated one.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { tokenOf } from "../../provider/doors/native/provider";
import type { SimRecoveryPoint } from "../../provider/simulator";
import { HyperVSimulator } from "../../provider/simulator";
import type { NativePlugin, RpcError } from "../harness/nativePlugin";
import { urnOf } from "../harness/nativePlugin";
import { REPO_ROOT } from "../harness/plugin";
import { SQL, TYPE, useNativePlugins } from "./fixtures";

const f = useNativePlugins();
const GET_POINTS = "hyperv-replica:index:getRecoveryPoints";
const HOST = "[collection 'sql-cluster', host cutoffs.json (simulator)]";
let sim: HyperVSimulator;
let plugin: NativePlugin;
let points: {
  feb28: SimRecoveryPoint;
  mar1: SimRecoveryPoint;
  mar2: SimRecoveryPoint;
  undated: SimRecoveryPoint;
};

beforeAll(async () => {
  sim = new HyperVSimulator({ stateFile: path.join(f.dir, "cutoffs.json"), hostName: "hv-replica01" });
  await sim.init();
  await sim.addCollection({ id: SQL, name: "sql-cluster", members: ["sql-a"], recoveryPoints: 0 });
  const at = (creationTime: string | null) => sim.addRecoveryPoint(SQL, { creationTime });
  points = {
    undated: await at(null),
    feb28: await at("2026-02-28T12:00:00Z"),
    mar1: await at("2026-03-01T12:00:00Z"),
    mar2: await at("2026-03-02T12:00:00Z"),
  };
  await sim.setJobDuration("InitiateFailover", 50);
  plugin = await f.pluginFor("cutoffs.json");
});

const RULE =
  "a cutoff is taken exactly as written, never rolled over to a later time, so write one that exists (2026-11-27, or 2026-11-27T08:00:00Z)";
const IMPOSSIBLE = [
  ["2026-02-30", "day 30 is not in February 2026, which has 28 days (2026 is not a leap year)"],
  ["2026-02-31", "day 31 is not in February 2026, which has 28 days (2026 is not a leap year)"],
  ["2026-04-31", "day 31 is not in April 2026, which has 30 days"],
  ["2026-02-29", "day 29 is not in February 2026, which has 28 days (2026 is not a leap year)"],
] as const;
const reason = (when: string, problem: string) =>
  `'${when}' after 'before:' does not exist: ${problem}; ${RULE}`;

const replicatedTakesRecoveryPoint = (() => {
  const schema = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "schema.json"), "utf8"));
  return "recoveryPoint" in schema.resources[tokenOf("ReplicatedCollection")].inputProperties;
})();

async function hostUntouched() {
  expect(await sim.calls()).toEqual([]);
  expect(await sim.reads()).toEqual([]);
}

describe("Check refuses a date that is not in the calendar, naming the part, and calls nothing", () => {
  it.each(IMPOSSIBLE)("CollectionFailover: before:%s", async (when, problem) => {
    const news = { collectionId: SQL, failoverState: "failedOver", recoveryPoint: `before:${when}` };
    expect(await plugin.check(urnOf(TYPE, "sql"), {}, news)).toEqual({
      inputs: news,
      failures: [{ property: "recoveryPoint", reason: reason(when, problem) }],
    });
    await hostUntouched();
  });

  it.each(IMPOSSIBLE)("CollectionTestFailover: before:%s", async (when, problem) => {
    const news = { collectionId: SQL, recoveryPoint: `before:${when}` };
    expect(await plugin.check(urnOf(tokenOf("CollectionTestFailover"), "drill"), {}, news)).toEqual({
      inputs: news,
      failures: [{ property: "recoveryPoint", reason: reason(when, problem) }],
    });
    await hostUntouched();
  });

  it.skipIf(!replicatedTakesRecoveryPoint).each(IMPOSSIBLE)(
    `ReplicatedCollection: before:%s${replicatedTakesRecoveryPoint ? "" : " — skipped: it takes no recoveryPoint yet"}`,
    async (when, problem) => {
      const news = { recoveryPoint: `before:${when}` };
      const checked = await plugin.check(urnOf(tokenOf("ReplicatedCollection"), "pair"), {}, news);
      expect(checked.failures).toContainEqual({ property: "recoveryPoint", reason: reason(when, problem) });
      await hostUntouched();
    },
  );

  it.each(IMPOSSIBLE)("getRecoveryPoints through Invoke: before:%s", async (when, problem) => {
    const failures = await plugin.invokeFailures(GET_POINTS, {
      collectionId: SQL,
      recoveryPoint: `before:${when}`,
    });
    expect(failures).toEqual([{ property: "recoveryPoint", reason: reason(when, problem) }]);
    await hostUntouched();
  });
});

const shown = (p: SimRecoveryPoint, creationTime: string | null) => ({
  instanceId: p.instanceId,
  creationTime,
  consistencyLevel: "CrashConsistent",
});

describe("a cutoff with points on 02-28, 03-01, 03-02 and one with no CreationTime", () => {
  it("getRecoveryPoints shows the point before:2026-03-02 picks: 03-01, the newest dated one before it", async () => {
    const served = await plugin.invoke(GET_POINTS, { collectionId: SQL, recoveryPoint: "before:2026-03-02" });
    expect(served).toEqual({
      collectionId: SQL,
      collectionName: "sql-cluster",
      recoveryPoints: [
        shown(points.mar2, "2026-03-02T12:00:00.000Z"),
        shown(points.mar1, "2026-03-01T12:00:00.000Z"),
        shown(points.feb28, "2026-02-28T12:00:00.000Z"),
        shown(points.undated, null),
      ],
      chosen: shown(points.mar1, "2026-03-01T12:00:00.000Z"),
    });
  });

  it("a cutoff before every dated point never picks the undated one, says why, and calls nothing", async () => {
    const before = (await sim.calls()).length;
    const error = (await plugin
      .create(urnOf(TYPE, "too-early"), {
        collectionId: SQL,
        failoverState: "failedOver",
        recoveryPoint: "before:2026-02-28T12:00:00Z",
      })
      .catch((e: RpcError) => e)) as RpcError;
    expect(error.message).toBe(
      `Not found: no recovery point of this collection matches recoveryPoint 'before:2026-02-28T12:00:00Z' (${points.undated.instanceId} has no CreationTime, so its age is unknown and a cutoff never picks it); its points, newest first: ${points.mar2.instanceId} 2026-03-02T12:00:00.000Z CrashConsistent; ${points.mar1.instanceId} 2026-03-01T12:00:00.000Z CrashConsistent; ${points.feb28.instanceId} 2026-02-28T12:00:00.000Z CrashConsistent; ${points.undated.instanceId} (no time) CrashConsistent ${HOST}. Choose one of these (getRecoveryPoints lists them), or use 'latest'`,
    );
    expect(error.partial).toBeUndefined();
    expect((await sim.calls()).slice(before)).toEqual([]);
  });

  it("CollectionFailover with before:2026-03-01 fails over to the 02-28 point, not to 03-01", async () => {
    const before = (await sim.calls()).length;
    const created = await plugin.create(urnOf(TYPE, "sql"), {
      collectionId: SQL,
      failoverState: "failedOver",
      recoveryPoint: "before:2026-03-01",
    });
    expect(created.id).toBe(SQL);
    const failovers = (await sim.calls()).slice(before).filter((c) => c.method === "InitiateFailover");
    expect(failovers.map((c) => c.arguments)).toEqual([
      {
        Collection: { className: "Msvm_VirtualSystemCollection", keys: { CollectionID: SQL } },
        CollectionRecoveryPoint: {
          className: "Msvm_CollectionRecoveryPoint",
          keys: { InstanceID: points.feb28.instanceId, CollectionID: SQL },
        },
      },
    ]);
  });
});
