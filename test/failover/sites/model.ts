/**
 * A deliberately small model of what each step does to the two collections (the simulator's inferred table,
 * reduced to what the planner reads), so that planner tests can walk a whole sequence without a host.
 */
import type { PairObservation, SiteCollection, SiteStep } from "../../../provider/failover/sites/types";

export const HOUR = 3_600_000;
export const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);

export function site(
  replicationMode: number,
  replicationState: number,
  vms: "on" | "off",
  extra: Partial<SiteCollection> = {},
): SiteCollection {
  const enabledState = vms === "on" ? 2 : 3;
  return {
    replicationMode,
    replicationState,
    failedOverReplicationType: 0,
    members: [
      { id: "vm-1", name: "sql-a", enabledState },
      { id: "vm-2", name: "sql-b", enabledState },
    ],
    newestRecoveryPoint: NOW - HOUR / 4,
    ...extra,
  };
}

export const primary = (state: number, vms: "on" | "off" = "on") => site(1, state, vms);
export const replica = (state: number, vms: "on" | "off" = "off") => site(2, state, vms);

export function pair(a: SiteCollection | "down", b: SiteCollection | "down"): PairObservation {
  const seen = (c: SiteCollection | "down") =>
    c === "down"
      ? { reachable: false as const, error: "did not answer" }
      : { reachable: true as const, collection: c };
  return { A: seen(a), B: seen(b) };
}

/** Applies one step to the model. */
export function apply(o: PairObservation, s: SiteStep): PairObservation {
  const other = s.site === "A" ? "B" : "A";
  const get = (name: string): SiteCollection => {
    const seen = o[name];
    if (!seen?.reachable) throw new Error(`step on unreachable ${name}`);
    return seen.collection;
  };
  const c = get(s.site);
  const set = (name: string, change: Partial<SiteCollection>) => ({
    ...o,
    [name]: { reachable: true as const, collection: { ...get(name), ...change } },
  });
  const vms = (enabledState: number) => c.members.map((m) => ({ ...m, enabledState }));
  switch (s.action) {
    case "StopVMs":
      return set(s.site, { members: vms(3) });
    case "StartVMs":
      return set(s.site, { members: vms(2) });
    case "InitiatePlannedFailover":
      return set(s.site, { replicationState: 11, failedOverReplicationType: 2 });
    case "RevertPlannedFailover":
      return set(s.site, { replicationState: 3, failedOverReplicationType: 0 });
    case "InitiateFailover":
      return set(s.site, { replicationState: 5, failedOverReplicationType: 1 });
    case "RevertFailover":
      return set(s.site, { replicationState: 3, failedOverReplicationType: 0 });
    case "CommitFailover":
      return set(s.site, { replicationState: 6 });
    case "PrepareForReverseReplication":
      return set(s.site, { replicationMode: 2, replicationState: 1 });
    case "ReverseReplicationRelationship": {
      const flipped = set(s.site, { replicationMode: 1, replicationState: 3, failedOverReplicationType: 0 });
      const old = flipped[other];
      if (!old?.reachable) return flipped;
      return {
        ...flipped,
        [other]: {
          reachable: true,
          collection: {
            ...old.collection,
            replicationMode: 2,
            replicationState: 3,
            failedOverReplicationType: 0,
          },
        },
      };
    }
  }
}
