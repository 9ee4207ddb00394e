/**
 * A deliberately small model of what each step does to the two collections (the simulator's inferred table,
 * reduced to what the planner reads), so that planner tests can walk a whole sequence without a host.
 */
import type { PairObservation, SiteCollection, SiteStep } from "../../../provider/failover/sites/types";

export const HOUR = 3_600_000;
export const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);

export const A_ID = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
export const B_ID = "bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb";
/** The newest recovery point on either site, and the one a failed-over replica runs on (LastApplyTime). */
export const POINT = NOW - HOUR / 4;

/**
 * A site's collection. VMs "on" have run for two hours (longer than the default rehearsal window); VMs "off" last
 * changed state before the recovery point, so they have not run since any failover to it.
 */
export function site(
  replicationMode: number,
  replicationState: number,
  vms: "on" | "off",
  extra: Partial<SiteCollection> = {},
): SiteCollection {
  const times =
    vms === "on"
      ? { enabledState: 2, timeOfLastStateChange: NOW - 2 * HOUR, onTimeMs: 2 * HOUR }
      : { enabledState: 3, timeOfLastStateChange: NOW - 3 * HOUR, onTimeMs: 0 };
  return {
    replicationMode,
    replicationState,
    failedOverReplicationType: 0,
    members: [
      { id: "vm-1", name: "sql-a", ...times },
      { id: "vm-2", name: "sql-b", ...times },
    ],
    newestRecoveryPoint: POINT,
    lastApplyTime: POINT,
    ...extra,
  };
}

export const primary = (state: number, vms: "on" | "off" = "on") => site(1, state, vms);
export const replica = (state: number, vms: "on" | "off" = "off") => site(2, state, vms);

export function pair(a: SiteCollection | "down", b: SiteCollection | "down"): PairObservation {
  const seen = (c: SiteCollection | "down", collectionId: string) =>
    c === "down"
      ? { reachable: false as const, error: "did not answer" }
      : { reachable: true as const, collection: { collectionId, ...c } };
  return { A: seen(a, A_ID), B: seen(b, B_ID) };
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
  const vms = (enabledState: number) =>
    c.members.map((m) => ({
      ...m,
      enabledState,
      timeOfLastStateChange: NOW,
      onTimeMs: 0,
      // As the driver does (withMeasuredRuns): what the VM had run is remembered when this run stops it.
      ...(enabledState === 3 ? { measuredRunMs: m.onTimeMs ?? null } : {}),
    }));
  switch (s.action) {
    case "StopVMs":
      return set(s.site, { members: vms(3) });
    case "StartVMs":
      return set(s.site, { members: vms(2) });
    case "InitiatePlannedFailover":
      return set(s.site, { replicationState: 11, failedOverReplicationType: 2 });
    case "RevertPlannedFailover":
      return set(s.site, { replicationState: 3, failedOverReplicationType: 0 });
    case "InitiateFailover": {
      // As the simulator's pair rules: 2 Planned when the other site was prepared, else 1 Regular.
      const partner = o[other];
      const prepared = partner?.reachable && partner.collection.failedOverReplicationType === 2;
      return set(s.site, { replicationState: 5, failedOverReplicationType: prepared ? 2 : 1 });
    }
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
