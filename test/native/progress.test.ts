/**
 * A job's progress through the native plugin, for every resource: each change of the job is an ephemeral line (the
 * engine shows it in place of the last), and each step leaves one permanent line, its outcome. Counted from what a
 * fake engine's Log service receives for the resource's URN.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { tokenOf } from "../../provider/doors/native/provider";
import type { LoggedLine } from "../harness/nativePlugin";
import { urnOf } from "../harness/nativePlugin";
import { SQL, TYPE, useNativePlugins, WEB } from "./fixtures";

const f = useNativePlugins();
const JOB_MS = 1500;
const PERCENT = /job \S+: \d+%/;

function count(lines: readonly LoggedLine[], urn: string) {
  const mine = lines.filter((l) => l.urn === urn);
  return {
    ephemeralProgress: mine.filter((l) => l.ephemeral && PERCENT.test(l.message)).length,
    permanentProgress: mine.filter((l) => !l.ephemeral && PERCENT.test(l.message)).length,
    ephemeralOther: mine.filter((l) => l.ephemeral && !PERCENT.test(l.message)).map((l) => l.message),
    permanent: mine.filter((l) => !l.ephemeral).map((l) => l.message),
  };
}

describe("CollectionFailover: an InitiateFailover job", () => {
  const urn = urnOf(TYPE, "progress-failover");
  let seen: ReturnType<typeof count>;

  beforeAll(async () => {
    await f.simulator("failover.json", [{ id: SQL, name: "sql-cluster" }], JOB_MS);
    const plugin = await f.pluginFor("failover.json");
    await plugin.create(urn, { collectionId: SQL, failoverState: "failedOver" });
    seen = count(f.engine.lines, urn);
  });

  it("shows its progress as ephemeral lines only", () => {
    expect(seen.ephemeralProgress).toBeGreaterThanOrEqual(2);
    expect(seen.permanentProgress).toBe(0);
    expect(seen.ephemeralOther).toEqual([]);
  });

  it("leaves one permanent line for the step, its outcome", () => {
    expect(seen.permanent.filter((l) => l.includes("InitiateFailover"))).toEqual([
      "[sql-cluster] InitiateFailover done: Replicating (3) -> Recovered (5)",
    ]);
  });
});

describe("CollectionTestFailover: a TestReplicaCollection job", () => {
  const urn = urnOf(tokenOf("CollectionTestFailover"), "progress-drill");
  let seen: ReturnType<typeof count>;

  beforeAll(async () => {
    const sim = await f.simulator("drill.json", [{ id: SQL, name: "sql-cluster" }], JOB_MS);
    await sim.setJobDuration("TestReplicaCollection", JOB_MS);
    const plugin = await f.pluginFor("drill.json");
    await plugin.create(urn, { collectionId: SQL, startVirtualMachines: false });
    seen = count(f.engine.lines, urn);
  });

  it("shows its progress as ephemeral lines only", () => {
    expect(seen.ephemeralProgress).toBeGreaterThanOrEqual(2);
    expect(seen.permanentProgress).toBe(0);
    expect(seen.ephemeralOther).toEqual([]);
  });

  it("keeps the step's permanent lines", () => {
    expect(seen.permanent.some((l) => l.includes("TestReplicaCollection"))).toBe(true);
  });
});

describe("two CollectionFailovers whose jobs run at once, watched by the one job watcher of their session", () => {
  const urns = { sql: urnOf(TYPE, "progress-sql"), web: urnOf(TYPE, "progress-web") };
  let lines: readonly LoggedLine[];

  beforeAll(async () => {
    await f.simulator(
      "together.json",
      [
        { id: SQL, name: "sql-cluster" },
        { id: WEB, name: "web-cluster" },
      ],
      JOB_MS,
    );
    const plugin = await f.pluginFor("together.json");
    await Promise.all([
      plugin.create(urns.sql, { collectionId: SQL, failoverState: "failedOver" }),
      plugin.create(urns.web, { collectionId: WEB, failoverState: "failedOver" }),
    ]);
    lines = f.engine.lines;
  });

  it("each show their job's progress under their own resource, never under the other", () => {
    for (const [mine, theirs] of [
      [urns.sql, "[web-cluster]"],
      [urns.web, "[sql-cluster]"],
    ] as const) {
      const progress = lines.filter((l) => l.urn === mine && l.ephemeral && PERCENT.test(l.message));
      expect(progress.length).toBeGreaterThanOrEqual(1);
      expect(progress.filter((l) => l.message.includes(theirs))).toEqual([]);
    }
  });
});
