/**
 * The settings ReverseReplicationRelationship takes, built from the ones the relationship has. Microsoft's sample
 * (Windows-classic-samples `Samples/Hyper-V/Replica/cs/ManageReplication.cs`) reads the relationship's settings and
 * then: "Simply reverse the recovery server name with that of primary, other properties are already populated."
 * Sending them unchanged would make the new primary replicate to itself. With certificate authentication the
 * settings must also carry the new primary's own certificate (`Set-VMReplication -CertificateThumbprint`: "Specify
 * the thumbprint of a valid computer certificate from the Personal store"), which the old settings do not hold.
 */
import type { CimInstance, CimSession, CimValue, EmbeddedProperty } from "../cim";
import { formatEmbeddedInstance } from "../cim";
import type { Collection } from "./collections";
import { collectionRef } from "./collections";

export const SETTINGS_CLASS = "Msvm_CollectionReplicationSettingData";
export const ELEMENT_SETTING_DATA = "Msvm_ElementSettingData";

/** AuthenticationType: "Kerberos authentication (1)", "Certificate based authentication (2)" (documented). */
export const AuthenticationType = { Kerberos: 1, Certificate: 2 } as const;

/** The class's property types, from its MOF syntax on the ClusHyperV page (documented). */
const SETTING_TYPES: Readonly<Record<string, string>> = {
  Caption: "string",
  Description: "string",
  InstanceID: "string",
  ElementName: "string",
  AuthenticationType: "uint16",
  CertificateThumbPrint: "string",
  RootCertificateThumbPrint: "string",
  CompressionEnabled: "boolean",
  BypassProxyServer: "boolean",
  RecoveryConnectionPoint: "string",
  PrimaryConnectionPoint: "string",
  RecoveryServerPortNumber: "uint16",
  ReplicateHostKvpItems: "boolean",
  ApplicationConsistentSnapshotInterval: "uint16",
  RecoveryHistory: "uint16",
  AutoResynchronizeEnabled: "boolean",
  AutoResynchronizeIntervalStart: "datetime",
  AutoResynchronizeIntervalEnd: "datetime",
  ReplicationInterval: "uint16",
  IncludedDisks: "string",
  RecoveryServerHosts: "string",
  PrimaryReplicationEntityIDs: "string",
};

/**
 * The collection's replication settings, or `undefined` when the host shows none. Inferred: they are linked to the
 * collection by Msvm_ElementSettingData (the fact sheet marks the link as inferred).
 */
export async function readReplicationSettings(
  session: CimSession,
  collection: Collection,
): Promise<CimInstance | undefined> {
  const found = await session.associators(collectionRef(collection.id), {
    association: ELEMENT_SETTING_DATA,
    resultClass: SETTINGS_CLASS,
  });
  return found[0];
}

/** What a reverse changes, for the log and for the reader of a refusal. */
export interface Reversal {
  readonly text: string;
  /** The new RecoveryConnectionPoint: the old primary's. */
  readonly recoveryConnectionPoint: string;
  /** The new PrimaryConnectionPoint: the old recovery side's, the collection that reverses. */
  readonly primaryConnectionPoint: string;
  readonly authenticationType: number;
}

/** Why the reversed settings cannot be built; `detail` says it about the settings, without naming a site. */
export type ReversalProblem =
  | { readonly problem: "connectionPoint" | "authentication"; readonly detail: string }
  | { readonly problem: "thumbprint"; readonly detail: string };

const text = (v: CimValue | undefined) => (typeof v === "string" && v.trim() !== "" ? v : undefined);

/**
 * The settings with the connection points swapped and, under certificate authentication, the new primary's own
 * thumbprint; every other property is sent as read. Pure: the caller reads the settings and reports a problem.
 */
export function reverseSettings(
  settings: CimInstance,
  certificateThumbprint: string | undefined,
): Reversal | ReversalProblem {
  const p = settings.properties;
  const primary = text(p.PrimaryConnectionPoint);
  const recovery = text(p.RecoveryConnectionPoint);
  if (primary === undefined || recovery === undefined) {
    const missing = [primary ? "" : "PrimaryConnectionPoint", recovery ? "" : "RecoveryConnectionPoint"];
    return {
      problem: "connectionPoint",
      detail: `the replication settings name no ${missing.filter(Boolean).join(" and no ")}, so the reversed settings cannot say where to replicate`,
    };
  }
  if (primary.toLowerCase() === recovery.toLowerCase()) {
    return {
      problem: "connectionPoint",
      detail: `the replication settings name ${primary} as both PrimaryConnectionPoint and RecoveryConnectionPoint, so which side is the other cannot be told`,
    };
  }
  const authenticationType = p.AuthenticationType;
  if (
    authenticationType !== AuthenticationType.Kerberos &&
    authenticationType !== AuthenticationType.Certificate
  ) {
    return {
      problem: "authentication",
      detail: `the replication settings show AuthenticationType ${String(authenticationType ?? "none")}, neither 1 (Kerberos) nor 2 (certificate)`,
    };
  }
  const certificate = authenticationType === AuthenticationType.Certificate;
  if (certificate && certificateThumbprint === undefined) {
    return {
      problem: "thumbprint",
      detail:
        "the pair uses certificate authentication (AuthenticationType 2), and the reversed settings need the new primary's own certificate thumbprint, which the old settings do not hold",
    };
  }
  const changed: Record<string, CimValue> = {
    RecoveryConnectionPoint: primary,
    PrimaryConnectionPoint: recovery,
    ...(certificate ? { CertificateThumbPrint: certificateThumbprint?.toUpperCase() ?? null } : {}),
  };
  const properties = { ...p, ...changed };
  return {
    text: formatEmbeddedInstance({ className: settings.className, properties: asEmbedded(properties) }),
    recoveryConnectionPoint: primary,
    primaryConnectionPoint: recovery,
    authenticationType,
  };
}

export const isReversal = (r: Reversal | ReversalProblem): r is Reversal => "text" in r;

/** Properties as CIM-XML, typed by the MOF; one the MOF does not list is typed from its value (inferred). */
export function asEmbedded(properties: Readonly<Record<string, CimValue>>): EmbeddedProperty[] {
  return Object.entries(properties).flatMap(([name, value]): EmbeddedProperty[] => {
    if (value !== null && typeof value === "object" && !Array.isArray(value)) return [];
    const items = Array.isArray(value) ? (value as readonly (string | number | boolean)[]) : undefined;
    const sample = items ? items[0] : value;
    const type = SETTING_TYPES[name] ?? guessType(sample as string | number | boolean | null | undefined);
    const out = items ? items.map(String) : value === null ? null : String(value);
    return [{ name, type, value: out }];
  });
}

function guessType(value: string | number | boolean | null | undefined): string {
  if (typeof value === "boolean") return "boolean";
  if (typeof value === "number") return Number.isInteger(value) ? "uint32" : "real64";
  return "string";
}
