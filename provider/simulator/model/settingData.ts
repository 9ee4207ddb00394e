/**
 * Msvm_CollectionReplicationSettingData as the simulator serves it: the settings string a collection was given
 * (CreateReplicationRelationship, ModifyReplicationSettings, ReverseReplicationRelationship, or a seed) read back
 * as an instance, linked to the collection by Msvm_ElementSettingData. Both the link and the CIM-XML
 * (DSP0201) form of the embedded instance are inferred (the fact sheet, §1 and §6).
 */
import type { CimInstance, CimScalar, CimValue } from "../../cim";
import { formatEmbeddedInstance, parseEmbeddedInstance } from "../../cim";
import type { AssociationDef } from "./associations";
import type { ClassDef } from "./classes";
import { Cls, sameText } from "../constants";
import { collectionById, hostCollections, type StoredCollection } from "../store/state";

export const SETTINGS_CLASS = "Msvm_CollectionReplicationSettingData";
export const ELEMENT_SETTING_DATA = "Msvm_ElementSettingData";

/** Settings as CIM-XML text, the embedded-instance string the service's methods take. */
export function settingsXml(properties: Readonly<Record<string, CimScalar>>): string {
  return formatEmbeddedInstance({
    className: SETTINGS_CLASS,
    properties: Object.entries(properties).map(([name, value]) => ({
      name,
      type: typeof value === "boolean" ? "boolean" : typeof value === "number" ? "uint16" : "string",
      value: String(value),
    })),
  });
}

/** CIM-XML text as instance properties, typed by TYPE (NULLs left out); text that is not an instance gives none. */
export function parseSettings(text: string): Record<string, CimValue> {
  const properties: Record<string, CimValue> = {};
  for (const { name, type, value } of parseEmbeddedInstance(text)?.properties ?? []) {
    if (value === null) continue;
    const typed = (v: string): CimScalar =>
      type === "boolean"
        ? v.toLowerCase() === "true"
        : /^(uint|sint|real)(8|16|32)$/.test(type)
          ? Number(v)
          : v;
    properties[name] = Array.isArray(value) ? (value as string[]).map(typed) : typed(value as string);
  }
  return properties;
}

function settingsInstance(collection: StoredCollection): CimInstance | undefined {
  if (collection.settings === undefined) return undefined;
  return {
    className: SETTINGS_CLASS,
    properties: {
      ...parseSettings(collection.settings),
      InstanceID: `Microsoft:${collection.id}\\Replication`,
    },
  };
}

export const SETTINGS_CLASS_DEF: ClassDef = {
  name: SETTINGS_CLASS,
  keys: ["InstanceID"],
  properties: ["InstanceID", "ReplicationInterval", "RecoveryConnectionPoint", "PrimaryConnectionPoint"],
  ancestors: ["Msvm_CollectionSettingData", "CIM_SettingData", "CIM_ManagedElement"],
  instances: (state, ctx) => hostCollections(state, ctx.hostName).flatMap((c) => settingsInstance(c) ?? []),
};

export const ELEMENT_SETTING_DATA_DEF: AssociationDef = {
  name: ELEMENT_SETTING_DATA,
  related(state, ctx, source) {
    if (source.className !== Cls.collection) return [];
    const collection = collectionById(state, String(source.properties["CollectionID"]), ctx.hostName);
    const settings = collection && settingsInstance(collection);
    return settings ? [settings] : [];
  },
};

/** The collection whose settings an InstanceID names. */
export const settingsOwner = (instanceId: string, c: StoredCollection) =>
  sameText(instanceId, `Microsoft:${c.id}\\Replication`);
