/**
 * What a two-site resource reads about one site's collection besides the collection itself: its member VMs and its
 * newest recovery point (the data-loss window of an unplanned failover). Its replication settings are read by
 * replicationSettings.ts.
 */
import type { CimInstance, CimSession } from "../cim";
import { parseCimDateTime } from "../cim";
import { CLASS } from "./codes";
import type { Collection } from "./collections";
import { collectionRef } from "./collections";
import { runTimes } from "./members";

/** A member VM (Msvm_ComputerSystem in root\HyperVCluster\v2). */
export interface SiteMember {
  /** Msvm_ComputerSystem.Name, the VM's GUID. */
  readonly id: string;
  readonly name: string;
  /** 2 Enabled (running), 3 Disabled (off), 6 Offline (saved), 10 Starting, 4 Shutting down, ... */
  readonly enabledState: number;
  /** Msvm_ComputerSystem.ReplicationHealth (deprecated but present): 0 N/A, 1 Ok, 2 Warning, 3 Critical. */
  readonly replicationHealth: number;
  /** TimeOfLastStateChange (clock ms), or null when not reported. */
  readonly timeOfLastStateChange: number | null;
  /** OnTimeInMilliseconds, or null when not reported. */
  readonly onTimeMs: number | null;
}

const numberOf = (i: CimInstance, p: string, fallback: number) =>
  typeof i.properties[p] === "number" ? (i.properties[p] as number) : fallback;

/** The collection's members through Msvm_CollectedVirtualSystems (documented association), by name. */
export async function listMembers(session: CimSession, collection: Collection): Promise<SiteMember[]> {
  const found = await session.associators(collectionRef(collection.id), {
    association: CLASS.collectedVirtualSystems,
    resultClass: CLASS.computerSystem,
  });
  return found
    .map((i) => ({
      id: String(i.properties.Name),
      name:
        typeof i.properties.ElementName === "string" ? i.properties.ElementName : String(i.properties.Name),
      enabledState: numberOf(i, "EnabledState", 0),
      replicationHealth: numberOf(i, "ReplicationHealth", 0),
      ...runTimes(i),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** When the newest recovery point of the collection was taken (clock ms), or `undefined` when it has none. */
export async function newestRecoveryPoint(
  session: CimSession,
  collection: Collection,
): Promise<number | undefined> {
  const points = await session.query(CLASS.recoveryPoint, { CollectionID: collection.id });
  const times = points
    .map((p) => parseCimDateTime(p.properties.CreationTime))
    .filter((t): t is number => t !== undefined);
  return times.length === 0 ? undefined : Math.max(...times);
}
