/**
 * Recovery points of a collection (Msvm_CollectionRecoveryPoint, keys InstanceID and CollectionID). The fact sheet
 * documents CreationTime and ConsistencyLevel (0 Unknown, 1 App-consistent, 2 Crash-consistent, 3 Group
 * crash-consistent); CollectionID is a key, so a query on it lists one collection's points.
 */
import type { CimCallOptions, CimInstance, CimSession } from "../cim";
import { parseCimDateTime } from "../cim";
import { CLASS, consistencyLevelName } from "./codes";
import type { ErrorContext } from "./errors";
import { withContext } from "./errors";

export interface RecoveryPoint {
  readonly instanceId: string;
  readonly collectionId: string;
  /** CreationTime as ISO 8601, or null when the host gave none. */
  readonly creationTime: string | null;
  readonly consistencyLevel: number;
  /** `ApplicationConsistent`, `CrashConsistent`, `GroupCrashConsistent` or `Unknown`. */
  readonly consistencyLevelName: string;
}

export function toRecoveryPoint(instance: CimInstance): RecoveryPoint {
  const p = instance.properties;
  const time = parseCimDateTime(p.CreationTime);
  const level = typeof p.ConsistencyLevel === "number" ? p.ConsistencyLevel : 0;
  return {
    instanceId: String(p.InstanceID ?? ""),
    collectionId: String(p.CollectionID ?? ""),
    creationTime: time === undefined ? null : new Date(time).toISOString(),
    consistencyLevel: level,
    consistencyLevelName: consistencyLevelName(level),
  };
}

const newestFirst = (a: RecoveryPoint, b: RecoveryPoint) =>
  (b.creationTime ?? "").localeCompare(a.creationTime ?? "");

/** The collection's recovery points, newest first (a point without CreationTime sorts last). */
export async function listRecoveryPoints(
  session: CimSession,
  collectionId: string,
  context: ErrorContext,
  options?: CimCallOptions,
): Promise<RecoveryPoint[]> {
  try {
    const found = await session.query(CLASS.recoveryPoint, { CollectionID: collectionId }, options);
    return found.map(toRecoveryPoint).sort(newestFirst);
  } catch (error) {
    throw withContext(error, context);
  }
}

/** Every recovery point with this InstanceID, whatever its collection: to tell a point of another collection. */
export async function findRecoveryPointAnywhere(
  session: CimSession,
  instanceId: string,
  context: ErrorContext,
): Promise<RecoveryPoint[]> {
  try {
    return (await session.query(CLASS.recoveryPoint, { InstanceID: instanceId })).map(toRecoveryPoint);
  } catch (error) {
    throw withContext(error, context);
  }
}
