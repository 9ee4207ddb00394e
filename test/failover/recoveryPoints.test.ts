import { describe, expect, it } from "vitest";
import { parseCimDateTime } from "../../provider/cim";
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

const RULE =
  "a cutoff is taken exactly as written, never rolled over to a later time, so write one that exists (2026-11-27, or 2026-11-27T08:00:00Z)";

describe("a cutoff means exactly the time written", () => {
  it.each([
    ["2026-02-30", "day 30 is not in February 2026, which has 28 days (2026 is not a leap year)"],
    ["2026-02-31", "day 31 is not in February 2026, which has 28 days (2026 is not a leap year)"],
    ["2026-02-29", "day 29 is not in February 2026, which has 28 days (2026 is not a leap year)"],
    ["2026-04-31", "day 31 is not in April 2026, which has 30 days"],
    ["2026-06-00", "day 00 is not in June 2026, which has 30 days"],
    ["2026-13-01", "month 13 is not a month (they run from 01 to 12)"],
    ["2026-00-10", "month 00 is not a month (they run from 01 to 12)"],
    ["2026-02-30T08:00:00Z", "day 30 is not in February 2026, which has 28 days (2026 is not a leap year)"],
    [
      "2026-03-01T24:00:00Z",
      "hour 24 is not an hour (they run from 00 to 23; midnight is 00:00 of the next day)",
    ],
    ["2026-03-01T08:60Z", "minute 60 is not a minute (they run from 00 to 59)"],
    ["2026-03-01T08:00:60Z", "second 60 is not a second (they run from 00 to 59)"],
    ["2026-03-01T08:00+14:30", "zone offset +14:30 is not a zone (offsets run from -12:00 to +14:00)"],
    ["2026-03-01T08:00-12:30", "zone offset -12:30 is not a zone (offsets run from -12:00 to +14:00)"],
    ["2026-03-01T08:00+01:60", "zone offset +01:60 is not a zone (offsets run from -12:00 to +14:00)"],
  ])("before:%s is refused, naming the part that does not exist", (when, problem) => {
    expect(parseRecoveryPoint(`before:${when}`)).toEqual({
      error: `'${when}' after 'before:' does not exist: ${problem}; ${RULE}`,
    });
  });

  it.each([
    ["2028-02-29", "2028-02-29T00:00:00.000Z"],
    ["2000-02-29", "2000-02-29T00:00:00.000Z"],
    ["2026-02-28T23:59:59Z", "2026-02-28T23:59:59.000Z"],
    ["2026-03-01T01:00+14:00", "2026-02-28T11:00:00.000Z"],
    ["2026-02-28T12:00-12:00", "2026-03-01T00:00:00.000Z"],
    ["2026-03-01T10:00:00.1239999Z", "2026-03-01T10:00:00.123Z"],
    ["0099-12-31", "0099-12-31T00:00:00.000Z"],
  ])("before:%s is the time %s", (when, iso) => {
    expect(parseRecoveryPoint(`before:${when}`)).toEqual({ kind: "before", time: Date.parse(iso) });
  });

  const FEB_28 = point(
    "aaaaaaaa-1111-4111-8111-111111111111",
    "2026-02-28T12:00:00.000Z",
    2,
    "CrashConsistent",
  );
  const MAR_1 = point(
    "bbbbbbbb-1111-4111-8111-111111111111",
    "2026-03-01T12:00:00.000Z",
    2,
    "CrashConsistent",
  );
  const MAR_2 = point(
    "cccccccc-1111-4111-8111-111111111111",
    "2026-03-02T12:00:00.000Z",
    2,
    "CrashConsistent",
  );
  const UNDATED = point("dddddddd-1111-4111-8111-111111111111", null, 2, "CrashConsistent");

  it.each([
    ["before:2026-03-01", FEB_28],
    ["before:2026-03-02", MAR_1],
    ["before:2026-03-01T12:00:00.001Z", MAR_1],
    ["before:2026-02-28T12:00:00Z", undefined],
    ["latest", MAR_2],
  ])("with points on 02-28, 03-01, 03-02 and one with no CreationTime, %s picks %o", (text, expected) => {
    const parsed = parseRecoveryPoint(text);
    if ("error" in parsed) throw new Error(parsed.error);
    expect(selectRecoveryPoint(parsed, [UNDATED, MAR_1, FEB_28, MAR_2])).toEqual(expected);
  });

  it.each([
    ["20260230120000.000000+000", undefined],
    ["20260229120000.000000+000", undefined],
    ["20260431000000.000000+000", undefined],
    ["20260301240000.000000+000", undefined],
    ["20260228235959.999999+060", Date.parse("2026-02-28T22:59:59.999Z")],
  ])("a host's CreationTime %s that is not in the calendar is unknown, not a later time", (cim, expected) => {
    expect(parseCimDateTime(cim)).toBe(expected);
  });

  it("a point with no CreationTime is never picked for a cutoff, even when it is the only point", () => {
    expect(
      selectRecoveryPoint({ kind: "before", time: Date.parse("2030-01-01") }, [UNDATED]),
    ).toBeUndefined();
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

  it("a cutoff whose only candidate has no CreationTime says its age is unknown, and calls nothing", async () => {
    const { sim, rt } = await setup({ seed: { recoveryPoints: 0 } });
    const undated = await sim.addRecoveryPoint(ID, { creationTime: null });
    await expect(rt.create(inputs("failedOver", { recoveryPoint: "before:2030-01-01" }))).rejects.toThrow(
      `Not found: no recovery point of this collection matches recoveryPoint 'before:2030-01-01' (${undated.instanceId} has no CreationTime, so its age is unknown and a cutoff never picks it); its points, newest first: ${undated.instanceId} (no time) CrashConsistent ${where()}. Choose one of these (getRecoveryPoints lists them), or use 'latest'`,
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
