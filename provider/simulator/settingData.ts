/**
 * Msvm_CollectionReplicationSettingData as the simulator serves it: the settings string a collection was given
 * (CreateReplicationRelationship, ModifyReplicationSettings, ReverseReplicationRelationship, or a seed) read back
 * as an instance, linked to the collection by Msvm_ElementSettingData. Both the link and the CIM-XML
 * (DSP0201) form of the embedded instance are inferred (the fact sheet, §1 and §6).
 */
import type { CimInstance, CimScalar } from "../cim";
import type { AssociationDef } from "./associations";
import type { ClassDef } from "./classes";
import { Cls, sameText } from "./constants";
import { collectionById, type StoredCollection } from "./state";

export const SETTINGS_CLASS = "Msvm_CollectionReplicationSettingData";
export const ELEMENT_SETTING_DATA = "Msvm_ElementSettingData";

const escapeXml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "apos" }[c]};`);
const unescapeXml = (text: string) =>
  text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");

/** Settings as CIM-XML text, the embedded-instance string the service's methods take. */
export function settingsXml(properties: Readonly<Record<string, CimScalar>>): string {
  const body = Object.entries(properties)
    .map(([name, value]) => {
      const type = typeof value === "boolean" ? "boolean" : typeof value === "number" ? "uint32" : "string";
      return `<PROPERTY NAME="${name}" TYPE="${type}"><VALUE>${escapeXml(String(value))}</VALUE></PROPERTY>`;
    })
    .join("");
  return `<INSTANCE CLASSNAME="${SETTINGS_CLASS}">${body}</INSTANCE>`;
}

/** The scalar properties of a CIM-XML instance; text that is not one gives none. */
export function parseSettings(text: string): Record<string, CimScalar> {
  const properties: Record<string, CimScalar> = {};
  for (const m of text.matchAll(/<PROPERTY NAME="(\w+)" TYPE="(\w+)"><VALUE>([^<]*)<\/VALUE><\/PROPERTY>/g)) {
    const [, name = "", type, raw = ""] = m;
    const value = unescapeXml(raw);
    properties[name] = type === "boolean" ? value === "true" : type === "string" ? value : Number(value);
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
  instances: (state) => state.collections.flatMap((c) => settingsInstance(c) ?? []),
};

export const ELEMENT_SETTING_DATA_DEF: AssociationDef = {
  name: ELEMENT_SETTING_DATA,
  related(state, _ctx, source) {
    if (source.className !== Cls.collection) return [];
    const collection = collectionById(state, String(source.properties["CollectionID"]));
    const settings = collection && settingsInstance(collection);
    return settings ? [settings] : [];
  },
};

/** The collection whose settings an InstanceID names. */
export const settingsOwner = (instanceId: string, c: StoredCollection) =>
  sameText(instanceId, `Microsoft:${c.id}\\Replication`);
