/**
 * The file store formats only the records a transaction changed (store/stateText.ts), learning which from the
 * proxies it hands the change (store/tracking.ts). If a write slipped past them, the file would keep a record's old
 * text: each case checks the text made from the cache against the text made from nothing.
 */
import { types } from "node:util";
import { describe, expect, it } from "vitest";
import { emptyState, type SimState } from "../../provider/simulator/store/state";
import { StateText } from "../../provider/simulator/store/stateText";
import { Changes, track } from "../../provider/simulator/store/tracking";

function seeded(): SimState {
  const state = emptyState();
  for (const n of [1, 2, 3]) {
    state.collections.push({
      id: `c${n}`,
      name: `group-${n}`,
      replicationState: 3,
      replicationMode: 2,
      failedOverReplicationType: 0,
      members: [{ id: `vm${n}`, name: `vm-${n}` }],
      lastApplyTime: null,
      lastApplyConsistencyLevel: 1,
    });
    state.recoveryPoints.push({
      instanceId: `p${n}`,
      collectionId: `c${n}`,
      creationTime: n,
      consistencyLevel: 1,
      virtualMachineIds: [`vm${n}`],
    });
  }
  return state;
}

/** Runs `change` as the file store does, and returns what it noted and whether the cached text is still right. */
function commit(text: StateText, state: SimState, change: (s: SimState) => void) {
  const changes = new Changes();
  change(track(state, changes));
  text.forget(changes);
  return { changes, cached: text.format(state), fresh: new StateText().format(state) };
}

/** Every object in the state, to check that none is a proxy once the change is over. */
function objects(value: unknown): object[] {
  if (typeof value !== "object" || value === null) return [];
  return [value, ...Object.values(value).flatMap(objects)];
}

describe("the state file's text", () => {
  it.each<[string, (s: SimState) => void]>([
    ["a member's field", (s) => (s.collections[1]!.members[0]!.enabledState = 2)],
    ["a field removed from a record", (s) => delete s.collections[0]!.members[0]!.enabledState],
    ["a record found and changed", (s) => (s.collections.find((c) => c.id === "c3")!.replicationState = 5)],
    ["a record added", (s) => s.recoveryPoints.push({ ...s.recoveryPoints[0]!, instanceId: "p4" })],
    [
      "a list filtered and assigned",
      (s) => (s.recoveryPoints = s.recoveryPoints.filter((p) => p.instanceId !== "p2")),
    ],
    ["a record removed in place", (s) => s.collections.splice(0, 1)],
    ["a top-level field", (s) => (s.jobDurations["InitiateFailover"] = 10_000)],
    [
      "a fault added",
      (s) => s.faults.push({ kind: "callFails", method: "InitiateFailover", returnValue: 32768 } as never),
    ],
  ])("is the same from the cache as from nothing after %s", (_what, change) => {
    const text = new StateText();
    const state = seeded();
    text.format(state);
    const { changes, cached, fresh } = commit(text, state, change);
    expect(changes.any).toBe(true);
    expect(cached).toBe(fresh);
    expect(JSON.parse(cached)).toEqual(
      JSON.parse(JSON.stringify({ ...state, calls: undefined, reads: undefined })),
    );
    expect(objects(state).filter((o) => types.isProxy(o))).toEqual([]);
  });

  it("notes nothing for a change that only reads, or only logs a read", () => {
    const text = new StateText();
    const state = seeded();
    const before = text.format(state);
    const { changes, cached } = commit(text, state, (s) => {
      s.collections.filter((c) => c.replicationState === 3).map((c) => c.members.map((m) => m.name));
      s.reads.push({ at: 1, op: "query", className: "Msvm_VirtualSystemCollection" });
    });
    expect(changes.any).toBe(false);
    expect(cached).toBe(before);
  });

  it("leaves out a field set to undefined, as JSON does", () => {
    const state = { ...seeded(), busyReturnCode: undefined };
    expect(JSON.parse(new StateText().format(state))).not.toHaveProperty("busyReturnCode");
  });
});
