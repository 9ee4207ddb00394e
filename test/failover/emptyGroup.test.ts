/**
 * A collection with no member VMs: the failover is still called (Hyper-V decides what an empty group means), but a
 * warning line comes first, before any method is called, and says what to check.
 */
import { describe, expect, it } from "vitest";
import { hostState, ID, inputs, methods, olds, setup } from "./fixtures";

const GUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
const warning = (method: string) =>
  `[sql-cluster] warning: the collection has no member VMs (Msvm_CollectedVirtualSystems lists none for CollectionID ${ID}); calling ${method} anyway. Check that collectionId or collectionName names the group you meant (Get-VMGroup lists each group's VMs), or add its VMs with Add-VMGroupMember`;

describe("a group with no member VMs", () => {
  it("gets a warning line before InitiateFailover is called, then the failover runs as usual", async () => {
    // The order in which the warning and the method calls reached the host.
    const events: string[] = [];
    const { sim, rt, lines } = await setup({
      seed: { members: [] },
      onLog: (line) => {
        if (line.includes("warning:")) events.push("warning");
      },
      tap: {
        invoke(next, method) {
          events.push(method);
          return next();
        },
      },
    });

    const created = await rt.create(inputs("failedOver"));

    expect(lines[0]).toBe(warning("InitiateFailover"));
    expect(lines.filter((l) => l.includes("warning"))).toEqual([warning("InitiateFailover")]);
    expect(events).toEqual(["warning", "InitiateFailover", "GetReplicationStatistics"]);
    expect(await methods(sim)).toEqual(["InitiateFailover"]);
    expect(await hostState(sim)).toBe(5);
    expect(created).toEqual({
      id: ID,
      outs: {
        collectionId: ID,
        collectionName: "sql-cluster",
        failoverState: "failedOver",
        replicationState: 5,
        replicationStateName: "Recovered",
        replicationMode: "Replica",
        failedOverReplicationType: "Regular",
        hostSystemName: "hv-replica01",
        lastOperation: {
          method: "InitiateFailover",
          jobId: expect.stringMatching(GUID),
          jobState: "Completed",
          errorCode: 0,
          startedAt: "2026-11-23T21:00:00.000Z",
          finishedAt: "2026-11-23T21:00:03.000Z",
          recoveryPoint: {
            instanceId: expect.stringMatching(/^Microsoft:/),
            creationTime: "2026-11-23T21:00:00.000Z",
            consistencyLevel: "CrashConsistent",
          },
          dataLossWindowSeconds: 0,
        },
        replicationHealth: "Ok",
        replicationHealthIssues: [],
        lastApplyTime: "2026-11-23T21:00:00.000Z",
        lastApplyConsistencyLevel: "CrashConsistent",
        virtualMachines: [],
        healthObservedAt: "2026-11-23T21:00:03.000Z",
        observedAt: "2026-11-23T21:00:03.000Z",
        recoveryPoint: "latest",
        requireHealthy: false,
        startVirtualMachines: false,
        jobTimeoutSeconds: 1800,
        cancelJobOnTimeout: false,
        connection: null,
        lastReport: expect.objectContaining({ action: "failover", outcome: "succeeded", rtoSeconds: null }),
      },
    });
  });

  it("warns before RevertFailover too, and a group with members gets no warning", async () => {
    const empty = await setup({ seed: { members: [], replicationState: 5, failedOverReplicationType: 1 } });
    await empty.rt.update(ID, olds("failedOver", 5), inputs("normal"));
    expect(empty.lines.filter((l) => l.includes("warning"))).toEqual([warning("RevertFailover")]);
    expect(await methods(empty.sim)).toEqual(["RevertFailover"]);

    const full = await setup();
    await full.rt.create(inputs("failedOver"));
    expect(full.lines.filter((l) => l.includes("warning"))).toEqual([]);
    expect(await methods(full.sim)).toEqual(["InitiateFailover"]);
  });

  it("a no-op calls nothing and warns of nothing", async () => {
    const { sim, rt, lines, seam } = await setup({ seed: { members: [] } });
    await rt.create(inputs("normal"));
    expect(lines.filter((l) => l.includes("warning"))).toEqual([]);
    expect(await methods(sim)).toEqual([]);
    // Nothing moved, so not even the health is read: the collection's own read is the whole run.
    expect(seam.filter((c) => c.op === "invoke")).toEqual([]);
  });
});
