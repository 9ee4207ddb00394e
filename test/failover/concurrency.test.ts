/**
 * Calls for one collection are serialized inside the plugin, so two resources or two updates for it never issue
 * conflicting calls; different collections go ahead in parallel.
 */
import { describe, expect, it } from "vitest";
import { actingCalls, hostState, ID, inputs, methods, olds, setup } from "./fixtures";

const WEB = "11111111-2222-3333-4444-555555555555";

// Whichever code the host would answer a call on a busy collection with (32774 or 32775, undocumented), the lock
// keeps the second call from reaching the host at all.
describe.each([32774, 32775] as const)(
  "one collection, the host answering %i when busy",
  (busyReturnCode) => {
    it("two updates started together run one after the other, and the host ends as the last one says", async () => {
      const { sim, rt } = await setup({ busyReturnCode });

      const [first, second] = await Promise.all([
        rt.update(ID, olds("normal", 3), inputs("failedOver")),
        rt.update(ID, olds("normal", 3), inputs("normal")),
      ]);

      const [initiate, revert] = await actingCalls(sim);
      const jobs = await sim.jobs();
      expect([initiate, revert].map((c) => [c!.method, c!.returnValue])).toEqual([
        ["InitiateFailover", 4096],
        ["RevertFailover", 4096],
      ]);
      expect(jobs.map((j) => [j.method, j.jobState])).toEqual([
        ["InitiateFailover", 7],
        ["RevertFailover", 7],
      ]);
      expect(revert!.at).toBeGreaterThanOrEqual(jobs[0]!.finishedAt!);
      expect(first.outs).toMatchObject({ failoverState: "failedOver", replicationState: 5 });
      expect(second.outs).toMatchObject({ failoverState: "normal", replicationState: 3 });
      expect(await hostState(sim)).toBe(3);
    });

    it("two resources for it, one by id and one by name, fail it over with one InitiateFailover", async () => {
      const { sim, rt } = await setup({ busyReturnCode });

      const [byId, byName] = await Promise.all([
        rt.create(inputs("failedOver")),
        rt.create({ ...inputs("failedOver"), collectionId: undefined, collectionName: "sql-cluster" }),
      ]);

      expect(await methods(sim)).toEqual(["InitiateFailover"]);
      expect(byId.outs).toMatchObject({
        failoverState: "failedOver",
        lastOperation: { method: "InitiateFailover", jobState: "Completed" },
      });
      expect(byName.outs).toMatchObject({ failoverState: "failedOver", lastOperation: null });
      expect(await hostState(sim)).toBe(5);
    });
  },
);

describe("different collections", () => {
  it("fail over in parallel: the second call does not wait for the first job", async () => {
    const { sim, rt } = await setup();
    await sim.addCollection({ id: WEB, name: "web" });

    const [sql, web] = await Promise.all([
      rt.create(inputs("failedOver")),
      rt.create(inputs("failedOver", { collectionId: WEB })),
    ]);

    const calls = await actingCalls(sim);
    const jobs = await sim.jobs();
    expect(calls.map((c) => [c.method, c.collectionId])).toEqual([
      ["InitiateFailover", ID],
      ["InitiateFailover", WEB],
    ]);
    expect(calls[1]!.at).toBeLessThan(jobs[0]!.finishedAt!);
    expect([sql.outs?.replicationState, web.outs?.replicationState]).toEqual([5, 5]);
    expect((await sim.collections()).map((c) => c.replicationState)).toEqual([5, 5]);
  });
});
