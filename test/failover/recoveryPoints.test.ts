import { describe, expect, it } from "vitest";
import { parseRecoveryPoint, selectRecoveryPoint } from "../../provider/failover/recoveryPoints";
import type { RecoveryPoint } from "../../provider/hyperv";
import { ID, inputs, methods, setup, where } from "./fixtures";

const point = (id: string, time: string | null, level: number, name: string): RecoveryPoint => ({
  instanceId: `Microsoft:${id}`,
  collectionId: ID,
  creationTime: time,
  consistencyLevel: level,
  consistencyLevelName: name,
});
const APP_8 = point(
  "11111111-1111-4111-8111-111111111111",
  "2026-11-27T08:00:00.000Z",
  1,
  "ApplicationConsistent",
);
const CRASH_9 = point(
  "22222222-2222-4222-8222-222222222222",
  "2026-11-27T09:00:00.000Z",
  2,
  "CrashConsistent",
);
const CRASH_10 = point(
  "33333333-3333-4333-8333-333333333333",
  "2026-11-27T10:00:00.000Z",
  2,
  "CrashConsistent",
);
const POINTS = [CRASH_9, APP_8, CRASH_10];

describe("recovery point selectors", () => {
  it.each([
    ["latest", CRASH_10],
    ["latest-application-consistent", APP_8],
    ["before:2026-11-27T10:00:00Z", CRASH_9],
    ["before:2026-11-27T09:00:00.001Z", CRASH_9],
    ["before:2026-11-27T10:30:00+01:00", CRASH_9],
    ["before:2026-11-28", CRASH_10],
    ["before:2026-11-27T08:00:00Z", undefined],
    ["Microsoft:11111111-1111-4111-8111-111111111111", APP_8],
    ["microsoft:11111111-1111-4111-8111-111111111111", APP_8],
    ["Microsoft:44444444-4444-4444-8444-444444444444", undefined],
  ])("%s picks %o", (text, expected) => {
    const parsed = parseRecoveryPoint(text);
    if ("error" in parsed) throw new Error(parsed.error);
    expect(selectRecoveryPoint(parsed, POINTS)).toEqual(expected);
  });

  it("latest-application-consistent matches nothing when every point is crash-consistent", () => {
    expect(selectRecoveryPoint({ kind: "latestApplicationConsistent" }, [CRASH_9, CRASH_10])).toBeUndefined();
  });

  it.each([
    [
      "Latest",
      "'Latest' is not a recovery point selector; did you mean 'latest'? (selectors are case-sensitive)",
    ],
    ["yesterday", "'yesterday' is not a recovery point selector; use"],
    ["before:yesterday", "'yesterday' after 'before:' is not an ISO 8601 time"],
    ["before:2026-11-27T08:00:00", "'2026-11-27T08:00:00' after 'before:' is not an ISO 8601 time"],
    ["Microsoft:RP-1", "'Microsoft:RP-1' is not a recovery point selector; use"],
  ])("%s is rejected", (text, start) => {
    const parsed = parseRecoveryPoint(text);
    expect("error" in parsed && parsed.error.startsWith(start)).toBe(true);
  });
});

describe("a recovery point that cannot be used is refused before any call", () => {
  it("a collection with no recovery points, asked to fail over, says so and calls nothing", async () => {
    const { sim, rt } = await setup({ seed: { recoveryPoints: 0 } });
    await expect(rt.create(inputs("failedOver"))).rejects.toThrow(
      `Invalid state: the collection has no recovery points, so there is nothing to fail over to ${where()}. Wait until replication has delivered a recovery point to the replica (Get-VMReplication on the replica shows the last replication), then run again`,
    );
    expect(await methods(sim)).toEqual([]);
  });

  it("a point of another collection is refused, naming that collection", async () => {
    const { sim, rt } = await setup();
    const other = await sim.addCollection({ name: "web-tier", recoveryPoints: 1 });
    const [foreign] = await sim.recoveryPoints(other.id);
    await expect(rt.create(inputs("failedOver", { recoveryPoint: foreign!.instanceId }))).rejects.toThrow(
      `Invalid state: recovery point ${foreign!.instanceId} belongs to another collection (CollectionID ${other.id}), not to this one (${ID}) ${where()}. Use a recovery point of this collection (getRecoveryPoints lists them), or point the resource at the collection that point belongs to`,
    );
    expect(await methods(sim)).toEqual([]);
  });

  it("a selector that matches no point lists the points that exist", async () => {
    const { sim, rt } = await setup();
    const [older, newer] = await sim.recoveryPoints(ID);
    await expect(rt.create(inputs("failedOver", { recoveryPoint: "before:2020-01-01" }))).rejects.toThrow(
      `Not found: no recovery point of this collection matches recoveryPoint 'before:2020-01-01'; its points, newest first: ${newer!.instanceId} 2026-11-23T21:00:00.000Z CrashConsistent; ${older!.instanceId} 2026-11-23T20:00:00.000Z CrashConsistent ${where()}. Choose one of these (getRecoveryPoints lists them), or use 'latest'`,
    );
    expect(await methods(sim)).toEqual([]);
  });

  it("an InstanceID picks that point, is passed as the REF, and is recorded with the data-loss window", async () => {
    const { sim, rt, clock } = await setup();
    const [older] = await sim.recoveryPoints(ID);
    clock.advance(15 * 60_000);
    const created = await rt.create(inputs("failedOver", { recoveryPoint: older!.instanceId.toLowerCase() }));
    const [call] = await sim.calls();
    expect(call!.arguments.CollectionRecoveryPoint).toEqual({
      className: "Msvm_CollectionRecoveryPoint",
      keys: { InstanceID: older!.instanceId, CollectionID: ID },
    });
    expect(created.outs.lastOperation).toMatchObject({
      method: "InitiateFailover",
      recoveryPoint: {
        instanceId: older!.instanceId,
        creationTime: "2026-11-23T20:00:00.000Z",
        consistencyLevel: "CrashConsistent",
      },
      dataLossWindowSeconds: 75 * 60,
    });
  });
});
