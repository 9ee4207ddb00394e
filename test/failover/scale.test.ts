/**
 * What a run costs the host: one job watcher per connection reads every job in flight in one request per tick, a
 * running job is looked for through the collection's own association only, and a no-op is one CIM call (health and
 * member VMs are read where they can have moved, and at refresh: provider/failover/details.ts says why).
 */
import { describe, expect, it } from "vitest";
import { actingCalls, ID, inputs, olds, setup, T0 } from "./fixtures";

const OTHERS = ["7c1d2e3f-0000-4000-8000-000000000001", "7c1d2e3f-0000-4000-8000-000000000002"];

/** Three collections in Replicating: the fixture's sql-cluster and two more. */
async function threeCollections(options: Parameters<typeof setup>[0] = {}) {
  const world = await setup(options);
  for (const [i, id] of OTHERS.entries()) await world.sim.addCollection({ id, name: `app-${i}` });
  return world;
}

describe("one job watcher per connection", () => {
  it("reads every job in flight in one request per tick, wakes each waiter from it, and stops when none is left", async () => {
    const { sim, rt, seam } = await threeCollections();
    await sim.setJobDuration("InitiateFailover", 10_000);

    const results = await Promise.all(
      [ID, ...OTHERS].map((collectionId) => rt.create(inputs("failedOver", { collectionId }))),
    );

    const calls = await actingCalls(sim);
    const jobReads = seam.filter((c) => c.className === "Msvm_ConcreteJob");
    const lastEnd = Math.max(...calls.map((c) => c.at)) + 10_000;
    expect(calls.map((c) => [c.method, c.returnValue])).toEqual([
      ["InitiateFailover", 4096],
      ["InitiateFailover", 4096],
      ["InitiateFailover", 4096],
    ]);
    expect(results.map((r) => r.outs?.failoverState)).toEqual(["failedOver", "failedOver", "failedOver"]);
    expect(new Set(jobReads.map((c) => c.op))).toEqual(new Set(["getMany"]));
    // The host saw the same reads, and while all three were in flight each one asked for all three jobs.
    const hostJobReads = (await sim.reads()).filter((r) => r.className === "Msvm_ConcreteJob");
    expect(hostJobReads.map((r) => r.at)).toEqual(jobReads.map((c) => c.at));
    expect(Math.max(...hostJobReads.map((r) => r.refs ?? 0))).toBe(3);
    expect(hostJobReads.filter((r) => r.refs === 3).length).toBeGreaterThan(hostJobReads.length / 2);
    // No two reads at one moment: each tick is one request for all three jobs.
    expect(new Set(jobReads.map((c) => c.at)).size).toBe(jobReads.length);
    const pauses = jobReads.slice(1).map((c, i) => c.at - jobReads[i]!.at);
    expect(Math.max(...pauses)).toBeLessThanOrEqual(500);
    // The last read is the one that saw the last job end, within one tick of it.
    expect(jobReads.at(-1)!.at - lastEnd).toBeGreaterThanOrEqual(0);
    expect(jobReads.at(-1)!.at - lastEnd).toBeLessThanOrEqual(500);
    for (const result of results) {
      // finishedAt is the job's own end (TimeOfLastStateChange); observedAt is the read after the poll that saw it.
      const { startedAt, finishedAt } = result.outs?.lastOperation as Record<string, string>;
      expect(Date.parse(finishedAt!)).toBe(Date.parse(startedAt!) + 10_000);
      const seenAfterEnd = Date.parse(result.outs?.observedAt as string) - Date.parse(finishedAt!);
      expect(seenAfterEnd).toBeGreaterThanOrEqual(0);
      expect(seenAfterEnd).toBeLessThanOrEqual(500);
    }
  });

  it("reads nothing while no job is in flight", async () => {
    const { sim, rt, seam, clock } = await setup();
    await sim.setJobDuration("InitiateFailover", 2_000);
    await rt.create(inputs("failedOver"));
    const readsAfterRun = seam.length;

    clock.advance(60_000);
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(seam.length).toBe(readsAfterRun);
  });
});

/** A stack state written by this version: it records the host's SystemName, so nothing needs to read it again. */
const recorded = (state: Record<string, unknown>) => ({ ...state, hostSystemName: "hv-replica01" });

/** Health and member VMs as an earlier run read them, at a time of its own. */
const EARLIER = "2026-11-23T20:00:00.000Z";
const readEarlier = {
  replicationHealth: "Warning",
  replicationHealthIssues: ["sql-b: replication is behind"],
  virtualMachines: [
    {
      name: "sql-a",
      id: "A",
      enabledState: 2,
      enabledStateName: "Running",
      replicationState: 5,
      replicationHealth: "Ok",
    },
  ],
  healthObservedAt: EARLIER,
};

/** Reading health and member VMs: the members association, the replication service (once per session), the method. */
const HEALTH_SEAM = [
  { at: T0, op: "associators", className: "Msvm_VirtualSystemCollection" },
  { at: T0, op: "query", className: "Msvm_CollectionReplicationService" },
  { at: T0, op: "invoke", className: "Msvm_CollectionReplicationService" },
];

/** The host's log: reads, and GetReplicationStatistics among the calls. */
const statisticsCalls = async (sim: Awaited<ReturnType<typeof setup>>["sim"]) =>
  (await sim.calls()).filter((c) => c.method === "GetReplicationStatistics").length;

describe("a no-op is one CIM call: the collection's own read", () => {
  const collectionRead = (op: string) => [{ at: T0, op, className: "Msvm_VirtualSystemCollection" }];

  it("create by name: one query by ElementName once the connection knows its host's SystemName; health is not read yet", async () => {
    const { sim, rt, seam } = await setup();
    await sim.addCollection({ id: OTHERS[0], name: "app-0" });
    const byName = (collectionName: string) => ({
      ...inputs("normal"),
      collectionId: undefined,
      collectionName,
    });

    await rt.create(byName("app-0"));
    const seamBefore = seam.length;
    const readsBefore = (await sim.reads()).length;
    const created = await rt.create(byName("sql-cluster"));

    expect(seam.slice(0, seamBefore)).toEqual([
      ...collectionRead("query"),
      { at: T0, op: "query", className: "Msvm_CollectionReplicationService" },
    ]);
    expect(seam.slice(seamBefore)).toEqual(collectionRead("query"));
    expect((await sim.reads()).slice(readsBefore)).toEqual(collectionRead("query"));
    expect(await sim.calls()).toEqual([]);
    expect(created).toMatchObject({
      id: ID,
      outs: {
        failoverState: "normal",
        replicationState: 3,
        hostSystemName: "hv-replica01",
        replicationHealth: null,
        replicationHealthIssues: [],
        virtualMachines: [],
        healthObservedAt: null,
        observedAt: new Date(T0).toISOString(),
      },
    });
  });

  it("update where the host already shows the recorded state: one get by key; the health read earlier is kept with its time", async () => {
    const { sim, rt, seam } = await setup({ seed: { replicationState: 5, failedOverReplicationType: 1 } });
    const stored = recorded({ ...olds("failedOver", 5), ...readEarlier });

    const updated = await rt.update(ID, stored, inputs("failedOver", { collectionName: "sql-cluster" }));

    expect(seam).toEqual(collectionRead("get"));
    expect(await sim.reads()).toEqual(collectionRead("get"));
    expect(await sim.calls()).toEqual([]);
    expect(updated.outs).toMatchObject({
      failoverState: "failedOver",
      replicationState: 5,
      ...readEarlier,
      observedAt: new Date(T0).toISOString(),
    });
  });

  it("update that finds the collection elsewhere than recorded: the collection, then health and VMs read now", async () => {
    const { sim, rt, seam } = await setup({ seed: { replicationState: 5, failedOverReplicationType: 1 } });
    const stored = recorded({ ...olds("normal", 3), ...readEarlier });

    const updated = await rt.update(ID, stored, inputs("failedOver"));

    // The collection moved, so the newest failover job the host keeps is looked for (what ran last), then the
    // health and the member VMs are read.
    const jobLookup = { at: T0, op: "associators", className: "Msvm_VirtualSystemCollection" };
    expect(seam).toEqual([...collectionRead("get"), jobLookup, ...HEALTH_SEAM]);
    expect(await sim.reads()).toEqual([...collectionRead("get"), jobLookup, ...HEALTH_SEAM.slice(0, 2)]);
    expect(await statisticsCalls(sim)).toBe(1);
    expect(await actingCalls(sim)).toEqual([]);
    expect(updated.outs).toMatchObject({
      failoverState: "failedOver",
      replicationState: 5,
      replicationHealth: "Ok",
      replicationHealthIssues: [],
      virtualMachines: [{ name: "sql-a" }, { name: "sql-b" }],
      healthObservedAt: new Date(T0).toISOString(),
    });
  });

  it("read (refresh): the collection, its members and GetReplicationStatistics; the service is queried once per session", async () => {
    const { sim, rt, seam } = await setup();
    const stored = recorded({ ...olds("normal", 3), ...readEarlier });

    const first = await rt.read(ID, stored);
    const afterFirst = seam.length;
    await rt.read(ID, stored);

    expect(seam.slice(0, afterFirst)).toEqual([...collectionRead("get"), ...HEALTH_SEAM]);
    expect(seam.slice(afterFirst)).toEqual([
      ...collectionRead("get"),
      { at: T0, op: "associators", className: "Msvm_VirtualSystemCollection" },
      { at: T0, op: "invoke", className: "Msvm_CollectionReplicationService" },
    ]);
    expect(await statisticsCalls(sim)).toBe(2);
    expect(await actingCalls(sim)).toEqual([]);
    expect(first).toMatchObject({
      id: ID,
      props: {
        failoverState: "normal",
        replicationHealth: "Ok",
        healthObservedAt: new Date(T0).toISOString(),
      },
    });
  });

  it("a change still looks for a running job first, through the collection's association only", async () => {
    const { sim, rt, seam } = await setup();
    await sim.setJobDuration("InitiateFailover", 0);

    await rt.create(inputs("failedOver"));

    expect(seam.slice(0, 2).map((c) => [c.op, c.className])).toEqual([
      ["get", "Msvm_VirtualSystemCollection"],
      ["associators", "Msvm_VirtualSystemCollection"],
    ]);
    expect(seam.filter((c) => c.op === "query" && c.className === "Msvm_ConcreteJob")).toEqual([]);
  });
});
