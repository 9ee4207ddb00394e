/**
 * What a two-site resource reads about one site's collection besides the collection itself: its member VMs, its
 * newest recovery point (the data-loss window of an unplanned failover), and its replication settings (passed back
 * to ReverseReplicationRelationship).
 */
import type { CimInstance, CimScalar, CimSession } from "../cim";
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

export const SETTINGS_CLASS = "Msvm_CollectionReplicationSettingData";
export const ELEMENT_SETTING_DATA = "Msvm_ElementSettingData";

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

/**
 * The collection's replication settings as the embedded-instance string that ReverseReplicationRelationship takes.
 * Inferred: the settings are linked to the collection by Msvm_ElementSettingData (the fact sheet marks this as
 * inferred), and CIM-XML (DSP0201, as `GetText(TextFormat.WmiDtd20)` writes it) is accepted as the embedded form.
 * `undefined` when the host shows no settings.
 */
export async function relationshipSettings(
  session: CimSession,
  collection: Collection,
): Promise<string | undefined> {
  const found = await session.associators(collectionRef(collection.id), {
    association: ELEMENT_SETTING_DATA,
    resultClass: SETTINGS_CLASS,
  });
  return found[0] === undefined ? undefined : embeddedInstance(found[0]);
}

const escapeXml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos" }[c]};`);

function cimType(value: CimScalar): string {
  if (typeof value === "boolean") return "boolean";
  if (typeof value === "number") return Number.isInteger(value) ? "uint32" : "real64";
  return "string";
}

/** An instance as CIM-XML `<INSTANCE>` text; null properties are left out, arrays become VALUE.ARRAY. */
export function embeddedInstance(instance: CimInstance): string {
  const properties = Object.entries(instance.properties).flatMap(([name, value]) => {
    if (value === null || (typeof value === "object" && !Array.isArray(value))) return [];
    if (Array.isArray(value)) {
      const items = value as readonly CimScalar[];
      const type = items[0] === undefined ? "string" : cimType(items[0]);
      const values = items.map((v) => `<VALUE>${escapeXml(String(v))}</VALUE>`).join("");
      return [
        `<PROPERTY.ARRAY NAME="${name}" TYPE="${type}"><VALUE.ARRAY>${values}</VALUE.ARRAY></PROPERTY.ARRAY>`,
      ];
    }
    const scalar = value as CimScalar;
    return [
      `<PROPERTY NAME="${name}" TYPE="${cimType(scalar)}"><VALUE>${escapeXml(String(scalar))}</VALUE></PROPERTY>`,
    ];
  });
  return `<INSTANCE CLASSNAME="${instance.className}">${properties.join("")}</INSTANCE>`;
}
