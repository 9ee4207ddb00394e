import { newGuid } from "../ids";
import { checkUint16, recoveryPointView } from "./records";
import {
  requireCollection,
  STATISTICS_ANSWERS,
  type GuestShutdown,
  type SimState,
  type StatisticsAnswer,
  type StoredCollection,
} from "../store/state";
import { STATISTICS_COUNTERS, type StatisticsCounter } from "../methods/statistics";
import type { SimRecoveryPoint } from "../types";

/** A recovery point to add with {@link HyperVSimulator.addRecoveryPoint}. */
export interface SeedRecoveryPoint {
  /**
   * When it was taken: a Date, epoch milliseconds or an ISO 8601 string. Defaults to the clock's now. `null` seeds a
   * point the host reports with no CreationTime, whose age the provider cannot know.
   */
  creationTime?: Date | number | string | null;
  /** 0 Unknown, 1 Application, 2 Crash (the default), 3 Group crash. */
  consistencyLevel?: number;
}

/** Replication health to seed with {@link HyperVSimulator.setHealth}; absent fields are left as they are. */
export interface SeedHealth {
  /** The ReplicationHealthIssues strings GetReplicationStatistics returns (group- and VM-level messages). */
  issues?: string[];
  /** The statistics' ReplicationHealth: 0 N/A, 1 Ok, 2 Warning, 3 Critical. `null` = the worst member health. */
  replicationHealth?: number | null;
  /** Each member VM's ReplicationHealth, by VM name or id. */
  vmHealth?: Record<string, number>;
  /** Counters of Msvm_CollectionReplicationStatistics, by property name. */
  statistics?: Partial<Record<StatisticsCounter, number>>;
  /** LastWALReplicationTime, as for creationTime. */
  lastWALReplicationTime?: Date | number | string;
  /**
   * How GetReplicationStatistics answers: `completed` (rv 0, the default), or with a job (4096, JobType 111):
   * `jobWithStatistics` (the statistics in the same reply) or `jobThenCallAgain` (a call made once the job has
   * completed gets them).
   */
  answer?: StatisticsAnswer;
}

/** Turns a Date, epoch ms or ISO string into epoch ms, naming the field when it is not a time. */
export function toMillis(field: string, value: Date | number | string): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === "number" ? value : Date.parse(value);
  if (!Number.isFinite(ms))
    throw new RangeError(`${field} must be a time (ISO 8601 or epoch ms), got ${String(value)}`);
  return ms;
}

/** Adds a point for every member VM; the newest point also becomes the collection's last applied one. */
export function addRecoveryPoint(
  state: SimState,
  now: number,
  idOrName: string,
  seed: SeedRecoveryPoint,
): SimRecoveryPoint {
  const creationTime =
    seed.creationTime === undefined
      ? now
      : seed.creationTime === null
        ? null
        : toMillis("creationTime", seed.creationTime);
  const consistencyLevel = seed.consistencyLevel ?? 2;
  if (![0, 1, 2, 3].includes(consistencyLevel)) {
    throw new RangeError(
      `consistencyLevel must be 0 Unknown, 1 Application, 2 Crash or 3 Group crash, got ${consistencyLevel}`,
    );
  }
  const collection = requireCollection(state, idOrName);
  const point = {
    instanceId: `Microsoft:${newGuid()}`,
    collectionId: collection.id,
    creationTime,
    consistencyLevel,
    virtualMachineIds: collection.members.map((m) => m.id),
    recoveryPointIds: collection.members.map(() => `Microsoft:${newGuid()}`),
  };
  state.recoveryPoints.push(point);
  if (
    creationTime !== null &&
    (collection.lastApplyTime === null || creationTime >= collection.lastApplyTime)
  ) {
    collection.lastApplyTime = creationTime;
    collection.lastApplyConsistencyLevel = consistencyLevel;
  }
  return recoveryPointView(point);
}

function memberNamed(collection: StoredCollection, idOrName: string) {
  const member = collection.members.find(
    (m) => m.id.toLowerCase() === idOrName.toLowerCase() || m.name === idOrName,
  );
  if (!member) throw new Error(`collection "${collection.name}" has no member VM "${idOrName}"`);
  return member;
}

function checkHealth(field: string, value: number): void {
  if (![0, 1, 2, 3].includes(value)) {
    throw new RangeError(`${field} must be 0 N/A, 1 Ok, 2 Warning or 3 Critical, got ${value}`);
  }
}

export function setHealth(state: SimState, idOrName: string, seed: SeedHealth): void {
  const collection = requireCollection(state, idOrName);
  if (seed.issues !== undefined && !seed.issues.every((i) => typeof i === "string")) {
    throw new TypeError("issues must be strings");
  }
  if (seed.replicationHealth !== undefined && seed.replicationHealth !== null) {
    checkHealth("replicationHealth", seed.replicationHealth);
  }
  const vmHealth = Object.entries(seed.vmHealth ?? {}).map(([vm, health]) => {
    checkHealth(`vmHealth.${vm}`, health);
    return { member: memberNamed(collection, vm), health };
  });
  const counters = Object.entries(seed.statistics ?? {});
  for (const [name, value] of counters) {
    if (!(name in STATISTICS_COUNTERS)) {
      throw new RangeError(`${name} is not a counter; use ${Object.keys(STATISTICS_COUNTERS).join(", ")}`);
    }
    if (!Number.isSafeInteger(value) || (value as number) < 0) {
      throw new RangeError(`${name} must be a whole number of 0 or more, got ${String(value)}`);
    }
  }
  if (seed.answer !== undefined && !STATISTICS_ANSWERS.includes(seed.answer)) {
    throw new RangeError(`answer must be ${STATISTICS_ANSWERS.join(", ")}, got ${String(seed.answer)}`);
  }
  const wal = seed.lastWALReplicationTime;
  const walMs = wal === undefined ? undefined : toMillis("lastWALReplicationTime", wal);
  // Checked in full first, so bad input changes nothing.
  for (const { member, health } of vmHealth) member.replicationHealth = health;
  if (seed.issues !== undefined) collection.healthIssues = [...seed.issues];
  const stats = { ...collection.statistics };
  if (seed.replicationHealth === null) delete stats.replicationHealth;
  else if (seed.replicationHealth !== undefined) stats.replicationHealth = seed.replicationHealth;
  if (counters.length > 0)
    stats.counters = { ...stats.counters, ...(Object.fromEntries(counters) as Record<string, number>) };
  if (walMs !== undefined) stats.lastWALReplicationTime = walMs;
  if (seed.answer !== undefined) stats.answer = seed.answer;
  collection.statistics = stats;
}

/**
 * Sets a member VM's EnabledState behind the provider's back (an operator starting or stopping it), as of `since`
 * (its TimeOfLastStateChange; default now): a seed of what a disaster leaves, VMs that have run for days.
 */
export function setVmState(
  state: SimState,
  idOrName: string,
  vm: string,
  enabledState: number,
  since: number,
): void {
  checkUint16("enabledState", enabledState);
  Object.assign(memberNamed(requireCollection(state, idOrName), vm), { enabledState, enabledSince: since });
}

export const GUEST_SHUTDOWNS: readonly GuestShutdown[] = ["shutsDown", "neverShutsDown", "noComponent"];

/** Sets how a member VM's guest answers a shutdown request (shutdownComponent.ts). */
export function setGuestShutdown(state: SimState, idOrName: string, vm: string, guest: GuestShutdown): void {
  if (!GUEST_SHUTDOWNS.includes(guest)) {
    throw new RangeError(`a guest is one of ${GUEST_SHUTDOWNS.join(", ")}, got ${String(guest)}`);
  }
  memberNamed(requireCollection(state, idOrName), vm).guest = guest;
}

/** Adds member VMs (off, unless the collection is a primary) with generated GUIDs. */
export function addMembers(state: SimState, idOrName: string, names: string[], now: number): void {
  if (!names.every((n) => typeof n === "string" && n !== ""))
    throw new TypeError("members must be non-empty VM names");
  const collection = requireCollection(state, idOrName);
  // VMs are named by the seeding API and the CLI, so two of one name in a collection could not be told apart.
  const taken = new Set(collection.members.map((m) => m.name.toLowerCase()));
  for (const name of names) {
    if (taken.has(name.toLowerCase()))
      throw new Error(`${collection.name} already has a member VM named '${name}'`);
    taken.add(name.toLowerCase());
  }
  collection.members.push(...names.map((name) => ({ id: newGuid(), name, enabledSince: now })));
}
