import { toCimDateTime } from "../../cim";
import { CRASH_CONSISTENT, ReplicationMode, ReplicationState, sameText } from "../constants";
import { newGuid } from "../ids";
import { enabledStateOf, replicationHealthOf } from "../methods/members";
import type { SimState, StoredCollection, StoredRecoveryPoint } from "../store/state";
import type { SeedCollection, SimCollection, SimRecoveryPoint } from "../types";

const HOUR_MS = 3_600_000;

/** Rejects values a real host could never hold, with the field named. */
export function checkUint16(field: string, value: unknown): void {
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > 0xffff) {
    throw new RangeError(`${field} must be an integer from 0 to 65535, got ${String(value)}`);
  }
}

function checkSeed(seed: SeedCollection): void {
  if (typeof seed.name !== "string" || seed.name === "")
    throw new TypeError("a collection needs a non-empty name");
  if (seed.id !== undefined && (typeof seed.id !== "string" || seed.id === "" || seed.id.length > 256)) {
    throw new TypeError("a collection id must be a non-empty string of at most 256 characters");
  }
  for (const field of ["replicationState", "replicationMode", "failedOverReplicationType"] as const) {
    if (seed[field] !== undefined) checkUint16(field, seed[field]);
  }
  if (seed.members !== undefined && !seed.members.every((m) => typeof m === "string" && m !== "")) {
    throw new TypeError("members must be non-empty VM names");
  }
  const size = seed.dataSizeBytes ?? 0;
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new RangeError(`dataSizeBytes must be 0 or a positive integer, got ${String(size)}`);
  }
  const points = seed.recoveryPoints ?? 0;
  if (!Number.isInteger(points) || points < 0) {
    throw new RangeError(`recoveryPoints must be 0 or a positive integer, got ${String(points)}`);
  }
}

/** A collection, its member VMs and its recovery points (one hour apart, the newest taken `now`). */
export function seedRecords(
  seed: SeedCollection,
  now: number,
): { collection: StoredCollection; points: StoredRecoveryPoint[] } {
  checkSeed(seed);
  const id = seed.id ?? newGuid();
  const members = (seed.members ?? []).map((name) => ({ id: newGuid(), name, enabledSince: now }));
  const count = seed.recoveryPoints ?? 2;
  const points = Array.from({ length: count }, (_, i) => ({
    instanceId: `Microsoft:${newGuid()}`,
    collectionId: id,
    creationTime: now - (count - 1 - i) * HOUR_MS,
    consistencyLevel: CRASH_CONSISTENT,
    virtualMachineIds: members.map((m) => m.id),
    recoveryPointIds: members.map(() => `Microsoft:${newGuid()}`),
  }));
  const newest = points.at(-1);
  const collection: StoredCollection = {
    id,
    name: seed.name,
    replicationState: seed.replicationState ?? ReplicationState.replicating,
    replicationMode: seed.replicationMode ?? ReplicationMode.replica,
    failedOverReplicationType: seed.failedOverReplicationType ?? 0,
    members,
    lastApplyTime: newest?.creationTime ?? null,
    lastApplyConsistencyLevel: newest?.consistencyLevel ?? 0,
    ...(seed.dataSizeBytes ? { dataSizeBytes: seed.dataSizeBytes } : {}),
  };
  return { collection, points };
}

export function collectionView(c: StoredCollection): SimCollection {
  return {
    id: c.id,
    name: c.name,
    replicationState: c.replicationState,
    replicationMode: c.replicationMode,
    failedOverReplicationType: c.failedOverReplicationType,
    members: c.members.map((m) => ({
      id: m.id,
      name: m.name,
      enabledState: enabledStateOf(c, m),
      replicationHealth: replicationHealthOf(c, m),
    })),
    ...(c.testOf !== undefined ? { testOf: c.testOf } : {}),
    ...(c.site !== undefined ? { site: c.site } : {}),
  };
}

export function recoveryPointView(p: StoredRecoveryPoint): SimRecoveryPoint {
  return {
    instanceId: p.instanceId,
    collectionId: p.collectionId,
    creationTime: p.creationTime === null ? null : toCimDateTime(p.creationTime),
    consistencyLevel: p.consistencyLevel,
    virtualMachineIds: [...p.virtualMachineIds],
    recoveryPointIds: [...(p.recoveryPointIds ?? [])],
  };
}

/** The recovery points of a collection, oldest first (an undated one before all). */
export function recoveryPointsOf(state: SimState, collectionId: string): SimRecoveryPoint[] {
  return state.recoveryPoints
    .filter((p) => sameText(p.collectionId, collectionId))
    .sort((a, b) => (a.creationTime ?? -Infinity) - (b.creationTime ?? -Infinity))
    .map(recoveryPointView);
}
