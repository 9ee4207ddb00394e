/**
 * What CreateReplicationRelationship and ModifyReplicationSettings check in the CollectionReplicationSettingData
 * string they are given, and how long StartReplication's initial copy runs. The ranges are the documented ones of
 * Msvm_CollectionReplicationSettingData (ClusHyperV `msvm-collectionreplicationsettingdata.md`, quoted below); the
 * answer for a string that breaks them, 32773 "Invalid parameter" (a documented return code of both methods), is
 * inferred: the pages list the code, not when it is given. Properties the string leaves out are not checked (the
 * host keeps its defaults for them, inferred), so an instance with no properties is accepted.
 */
import type { CimValue } from "../../../cim";
import { parseEmbeddedInstance } from "../../../cim";
import { sameText } from "../../constants";
import { parseSettings } from "../../model/settingData";
import type { StoredCollection } from "../../store/state";

const SETTINGS_CLASS = "Msvm_CollectionReplicationSettingData";

type Check = (value: CimValue) => boolean;
const oneOf =
  (...allowed: readonly (number | boolean)[]): Check =>
  (v) =>
    allowed.includes(v as number | boolean);
const between =
  (min: number, max: number): Check =>
  (v) =>
    typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
const atMost =
  (max: number): Check =>
  (v) =>
    typeof v === "string" && v.length <= max;

/** Each documented limit, by property. */
const LIMITS: Readonly<Record<string, Check>> = {
  // "Valid values fpr this property are "30", "300", "900"." (sic)
  ReplicationInterval: oneOf(30, 300, 900),
  // "This property can contain values from "0" to "16"."
  RecoveryHistory: between(0, 16),
  // "This property can contain values from 1 hour to 12 hours."
  ApplicationConsistentSnapshotInterval: between(1, 12),
  // "Kerberos authentication (1)", "Certificate based authentication (2)"
  AuthenticationType: oneOf(1, 2),
  // Qualifiers: Maxlen (128), Maxlen (256)
  CertificateThumbPrint: atMost(128),
  RootCertificateThumbPrint: atMost(128),
  RecoveryConnectionPoint: atMost(256),
  PrimaryConnectionPoint: atMost(256),
  // uint16; port 0 names no port (inferred).
  RecoveryServerPortNumber: between(1, 65535),
};

/** Why the string is refused (for the simulator's own tests), or `undefined` when the host would take it. */
export function settingsProblem(text: string): string | undefined {
  const instance = parseEmbeddedInstance(text);
  if (instance === undefined) return "not one well-formed CIM-XML <INSTANCE>";
  if (!sameText(instance.className, SETTINGS_CLASS)) return `an instance of ${instance.className}`;
  const values = parseSettings(text);
  for (const [name, value] of Object.entries(values)) {
    const limit = Object.entries(LIMITS).find(([k]) => sameText(k, name))?.[1];
    if (limit && !limit(value)) return `${name} ${JSON.stringify(value)} is outside its documented range`;
  }
  // Inferred: "The certificate thumb print to use when AuthenticationType is set to "2"" - none, nothing to use.
  if (values.AuthenticationType === 2 && typeof values.CertificateThumbPrint !== "string") {
    return "AuthenticationType 2 without a CertificateThumbPrint";
  }
  return undefined;
}

/**
 * How fast the simulated initial copy moves data, and its fixed part (inferred: the docs give no figure; 100 MiB/s
 * is a 1 GbE link nearly full, and the fixed 5 s is the StartReplication job's default length before data sizes
 * were modelled, so collections seeded without a size keep their old timing).
 */
export const INITIAL_COPY_BYTES_PER_SECOND = 100 * 1024 * 1024;
export const INITIAL_COPY_FIXED_MS = 5000;

/**
 * The length of the initial copy: the fixed part, plus the collection's data at the copy rate (inferred: a network
 * copy's time follows the data it sends; an export writes the same data to disk, taken at the same rate).
 */
export function initialReplicationMs(collection: Pick<StoredCollection, "dataSizeBytes">): number {
  const bytes = collection.dataSizeBytes ?? 0;
  return INITIAL_COPY_FIXED_MS + Math.ceil((bytes / INITIAL_COPY_BYTES_PER_SECOND) * 1000);
}
