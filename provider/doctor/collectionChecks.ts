/**
 * The checks about each collection the program names: found exactly once, its mode, state and health (the worst of
 * its member VMs' ReplicationHealth, read without calling GetReplicationStatistics, a method), and its recovery
 * points with the newest one's age.
 */
import type { CimSession } from "../cim";
import type { Collection, CollectionSelector, MemberVm } from "../hyperv";
import {
  AmbiguousCollectionError,
  describeSelector,
  findCollection,
  listRecoveryPoints,
  readMembers,
  replicationHealthName,
  replicationModeName,
  replicationStateName,
} from "../hyperv";
import { messageOf } from "./hostChecks";
import type { CheckResult } from "./types";
import { notPassed, pass } from "./types";

/** ReplicationMode 2: the replica side, where the failover methods are called. */
const REPLICA_MODE = 2;
/** Per-VM ReplicationHealth: 2 Warning, 3 Critical (documented for Msvm_ComputerSystem). */
const HEALTH_WARNING = 2;

const worstHealth = (members: readonly MemberVm[]) =>
  members.reduce<number | null>((worst, m) => Math.max(worst ?? 0, m.replicationHealth ?? 0), null);

function describe(collection: Collection, health: number | null): string {
  const state = `${replicationStateName(collection.replicationState)} (${collection.replicationState})`;
  const shownHealth =
    health === null ? "no member VMs" : `health ${replicationHealthName(health)} (${health})`;
  return `${collection.id}: ${replicationModeName(collection.replicationMode)}, ${state}, ${shownHealth}`;
}

async function findOnce(session: CimSession, selector: CollectionSelector) {
  if ("id" in selector) return findCollection(session, selector);
  try {
    return await findCollection(session, selector);
  } catch (error) {
    if (error instanceof AmbiguousCollectionError) return error;
    throw error;
  }
}

/** Found exactly once, with its mode, state and health. Returns the collection for the recovery point check. */
export async function collectionCheck(
  session: CimSession,
  selector: CollectionSelector,
): Promise<{ check: CheckResult; collection?: Collection }> {
  const name = describeSelector(selector);
  const id = `collection:${name}`;
  const title = `Collection ${name}`;
  try {
    const found = await findOnce(session, selector);
    if (found === undefined) {
      return {
        check: notPassed(
          "fail",
          id,
          title,
          "not found",
          "Check the name or CollectionID (Get-VMGroup on the replica cluster lists them) and that the connection reaches the replica cluster",
        ),
      };
    }
    if (found instanceof AmbiguousCollectionError) {
      const ids = found.collectionIds.join(", ");
      return {
        check: notPassed(
          "fail",
          id,
          title,
          `found ${found.collectionIds.length} times: ${ids}`,
          "Name it by collectionId, the CollectionID of the one you mean",
        ),
      };
    }
    const members = await readMembers(session, found.id, { collection: name, host: session.target });
    const health = worstHealth(members);
    const detail = describe(found, health);
    if (found.replicationMode !== REPLICA_MODE) {
      return {
        collection: found,
        check: notPassed(
          "warn",
          id,
          title,
          detail,
          "The failover resources act on the replica side: point the connection at the replica cluster",
        ),
      };
    }
    if (health !== null && health >= HEALTH_WARNING) {
      return {
        collection: found,
        check: notPassed(
          "warn",
          id,
          title,
          detail,
          "Check replication on the member VMs (Measure-VMReplication) before a drill",
        ),
      };
    }
    return { collection: found, check: pass(id, title, detail) };
  } catch (error) {
    return {
      check: notPassed(
        "fail",
        id,
        title,
        messageOf(error),
        "Check that the account may read the collection's classes",
      ),
    };
  }
}

const minutes = (ms: number) => `${Math.round(ms / 60_000)} min`;

/** Recovery points exist, and the newest one is younger than `maxAgeMs`. */
export async function recoveryPointCheck(
  session: CimSession,
  collection: Collection,
  now: number,
  maxAgeMs: number,
): Promise<CheckResult> {
  const id = `recoveryPoints:${collection.name}`;
  const title = `Recovery points of ${collection.name}`;
  try {
    const points = await listRecoveryPoints(session, collection.id, {
      collection: collection.name,
      host: session.target,
    });
    const newest = points[0];
    if (newest === undefined) {
      return notPassed(
        "fail",
        id,
        title,
        "none",
        "Wait for replication to create recovery points (Get-VMSnapshot -SnapshotType Replica on a member); a failover has nothing to apply without one",
      );
    }
    if (newest.creationTime === null) {
      return notPassed(
        "warn",
        id,
        title,
        `${points.length}; the newest has no CreationTime`,
        "Check the points on the host; recoveryPoint 'before:<time>' cannot choose among points without times",
      );
    }
    const age = now - Date.parse(newest.creationTime);
    const detail = `${points.length}; the newest (${newest.consistencyLevelName}) is ${minutes(age)} old`;
    if (age <= maxAgeMs) return pass(id, title, detail);
    return notPassed(
      "warn",
      id,
      title,
      detail,
      `Older than ${minutes(maxAgeMs)}: check that replication runs (Measure-VMReplication), or raise --max-point-age`,
    );
  } catch (error) {
    return notPassed(
      "fail",
      id,
      title,
      messageOf(error),
      "Check that the account may read Msvm_CollectionRecoveryPoint",
    );
  }
}
