/**
 * The one validator behind CollectionReplication's `check`. Each range is the one the ClusHyperV page of
 * Msvm_CollectionReplicationSettingData documents (quoted beside it) or, where marked, inferred; a refusal names
 * the property, the range and what to do, and no call is made.
 */
import { checkConnection, checkConnectionFields } from "../../runtime/connectionRules";
import type { CheckFailure, Rule } from "../../runtime/rules";
import {
  boolean,
  checkObject,
  GUID,
  integer,
  isUnknown,
  oneOf,
  present,
  show,
  text,
} from "../../runtime/rules";
import type { ConnectionInputs } from "../../runtime/types";
import { INITIAL_KEYS, SETTING_KEYS } from "./settings";

const PAGE = "Msvm_CollectionReplicationSettingData (ClusHyperV docs)";

const INPUT_KEYS = [
  "collectionId",
  ...SETTING_KEYS,
  ...INITIAL_KEYS,
  "paused",
  "resynchronize",
  "recoverySide",
  "removeRecoverySideOnDelete",
  "jobTimeoutSeconds",
  "initialReplicationTimeoutSeconds",
  "connection",
] as const;

const guid =
  (what: string): Rule =>
  (v) =>
    typeof v === "string" && GUID.test(v) ? undefined : `${show(v)} is not a GUID; use ${what}`;

const timeOfDay: Rule = (v) =>
  typeof v === "string" && /^([01]\d|2[0-3]):[0-5]\d$/.test(v)
    ? undefined
    : `${show(v)} is not a time of day; write it as HH:MM on the 24-hour clock, such as 18:30 (the documented default start) or 06:00 (the default end)`;

/** A SHA-1 thumbprint is 40 hex digits (inferred: what Windows shows); the page's limit is "Maxlen (128)". */
const thumbprint: Rule = (v) =>
  typeof v === "string" && /^[0-9a-fA-F]{40}$/.test(v)
    ? undefined
    : `${show(v)} is not a certificate thumbprint; use the 40 hexadecimal digits of the certificate's Thumbprint (Get-ChildItem Cert:\\LocalMachine\\My), without spaces`;

const isoTime: Rule = (v) =>
  typeof v === "string" && /^\d{4}-\d{2}-\d{2}T/.test(v) && Number.isFinite(Date.parse(v))
    ? undefined
    : `${show(v)} is not an ISO 8601 time; write it as 2026-12-24T22:00:00Z`;

/** Inferred: "the fully-qualified path of the directory" (StartReplication) is a drive path or a UNC share. */
const exportPath: Rule = (v) => {
  const bad = text("the directory the initial copy is exported to", 260)(v, "");
  if (bad) return bad;
  return /^([A-Za-z]:\\|\\\\[^\\]+\\[^\\]+)/.test(v as string)
    ? undefined
    : `${show(v)} is not a fully-qualified path (StartReplication: "the fully-qualified path of the directory to which the initial replication is exported"); use a drive path such as D:\\ir-export or a share such as \\\\fs01\\ir-export`;
};

const stringList: Rule = (v) =>
  Array.isArray(v) && v.every((d) => typeof d === "string" && d.trim() !== "")
    ? undefined
    : `must be a list of the InstanceIDs of the VHDs' resource allocation setting data (IncludedDisks: "an array of strings each containing the InstanceID of the resource allocation setting data (RASD) of the VHD"), got ${show(v)}`;

const RULES: Readonly<Record<string, Rule>> = {
  collectionId: guid("the VM group's CollectionID (VmGroup's collectionId output, or Get-VMGroup's Id)"),
  // "Maxlen (256)"
  recoveryConnectionPoint: text(
    "the recovery side's connection point: on a cluster, its Replica Broker's name (documented: 'For a recovery cluster, this is the broker CAP name'); for a standalone host, its name",
    256,
  ),
  // uint16, with 0 naming no port (inferred).
  recoveryServerPort: integer(1, 65535, "RecoveryServerPortNumber is a uint16 port (0 is no port; inferred)"),
  authentication: oneOf(["kerberos", "certificate"]),
  certificateThumbprint: thumbprint,
  compressionEnabled: boolean,
  bypassProxyServer: boolean,
  // "Valid values fpr this property are "30", "300", "900"." (sic)
  replicationIntervalSeconds: (v) =>
    v === 30 || v === 300 || v === 900
      ? undefined
      : `${show(v)} is not 30, 300 or 900, the only values ${PAGE} allows for ReplicationInterval ("Valid values ... are "30", "300", "900"")`,
  // "This property can contain values from "0" to "16"."
  recoveryHistory: integer(0, 16, `${PAGE}: RecoveryHistory "can contain values from "0" to "16""`),
  // "This property can contain values from 1 hour to 12 hours."
  applicationConsistentSnapshotIntervalHours: integer(
    1,
    12,
    `${PAGE}: ApplicationConsistentSnapshotInterval "can contain values from 1 hour to 12 hours"; leave it out for none`,
  ),
  autoResynchronize: boolean,
  autoResynchronizeWindowStart: timeOfDay,
  autoResynchronizeWindowEnd: timeOfDay,
  includedDisks: stringList,
  initialReplication: oneOf(["network", "export", "seeded"]),
  initialReplicationStartTime: isoTime,
  initialReplicationExportPath: exportPath,
  paused: boolean,
  resynchronize: oneOf(["never", "whenNeeded"]),
  recoverySide: () => undefined,
  removeRecoverySideOnDelete: boolean,
  jobTimeoutSeconds: integer(1, 7 * 24 * 3600, "it bounds the wait for each Hyper-V job (default 1800)"),
  initialReplicationTimeoutSeconds: integer(
    1,
    90 * 24 * 3600,
    "it bounds the wait for the initial copy (default 604800, a week)",
  ),
  connection: () => undefined,
};

/** How the inputs fit together: authentication and its thumbprint, the initial copy's method and its fields. */
function crossChecks(news: Record<string, unknown>): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const fail = (property: string, reason: string) => failures.push({ property, reason });
  const known = (v: unknown) => present(v) && !isUnknown(v);
  const certificate = news.authentication === "certificate";
  if (certificate && !present(news.certificateThumbprint))
    fail(
      "certificateThumbprint",
      'missing: certificate authentication (AuthenticationType 2) needs "The certificate thumb print to use"; set it, or use authentication: "kerberos"',
    );
  if (known(news.authentication) && !certificate && present(news.certificateThumbprint))
    fail(
      "certificateThumbprint",
      'is only used with authentication: "certificate" (documented: "when AuthenticationType is set to "2""); remove it, or set authentication: "certificate"',
    );
  const method = news.initialReplication ?? "network";
  if (method === "export" && !present(news.initialReplicationExportPath))
    fail(
      "initialReplicationExportPath",
      'missing: initialReplication "export" writes the copy to a directory; set the fully-qualified path',
    );
  if (known(method) && method !== "export" && present(news.initialReplicationExportPath))
    fail("initialReplicationExportPath", 'is only used with initialReplication: "export"; remove it');
  if (method === "export" && present(news.initialReplicationStartTime))
    fail(
      "initialReplicationStartTime",
      'is ignored for an export (StartReplication: "This parameter is ignored when the InitialReplicationType property is set to "2" (export)"); remove it',
    );
  if (news.removeRecoverySideOnDelete === true && !present(news.recoverySide))
    fail(
      "removeRecoverySideOnDelete",
      "needs recoverySide: the recovery-side collection's CollectionID (and connection) is what delete acts on; set recoverySide, or remove this",
    );
  return failures;
}

function checkRecoverySide(side: unknown): CheckFailure[] {
  if (!present(side) || isUnknown(side)) return [];
  if (typeof side !== "object" || Array.isArray(side))
    return [{ property: "recoverySide", reason: 'must be an object such as { collectionId: "<GUID>" }' }];
  const s = side as Record<string, unknown>;
  const failures = checkObject(
    s,
    { collectionId: guid("the recovery-side collection's CollectionID"), connection: () => undefined },
    ["collectionId", "connection"],
    "recoverySide.",
  );
  if (!present(s.collectionId))
    failures.push({
      property: "recoverySide.collectionId",
      reason: "missing: set the recovery-side CollectionID",
    });
  failures.push(...checkConnectionFields(s.connection, "recoverySide.connection."));
  return failures;
}

export function validateReplicationInputs(
  news: Record<string, unknown>,
  fromConfig: ConnectionInputs = {},
  configFailures: readonly CheckFailure[] = [],
): CheckFailure[] {
  const failures = checkObject(news, RULES, [...INPUT_KEYS], "");
  for (const required of ["collectionId", "recoveryConnectionPoint"]) {
    if (!present(news[required]))
      failures.push({ property: required, reason: `missing: ${required} is required` });
  }
  failures.push(...crossChecks(news));
  failures.push(...checkRecoverySide(news.recoverySide));
  failures.push(...checkConnection(news.connection, fromConfig, configFailures));
  return failures;
}
