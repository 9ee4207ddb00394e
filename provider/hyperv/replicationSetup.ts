/**
 * The settings of a collection's replication relationship, between the provider's plain shape and the properties of
 * Msvm_CollectionReplicationSettingData (ClusHyperV `msvm-collectionreplicationsettingdata.md`), and the arguments of
 * StartReplication (`msvm-collectionreplicationservice-startreplication.md`). Pure: the calls are made by the
 * resource, through callServiceMethod. The settings become CIM-XML text here and travel to PowerShell as one string
 * argument, data like any other; nothing of them is ever part of a script.
 */
import type { CimArguments, CimInstance, CimValue } from "../cim";
import { formatEmbeddedInstance, toCimDateTime, toCimInterval } from "../cim";
import { AuthenticationType, asEmbedded, SETTINGS_CLASS } from "./replicationSettings";

export interface ReplicationSettings {
  /** RecoveryConnectionPoint: the recovery cluster's Replica Broker name, or a standalone host's name. */
  readonly recoveryConnectionPoint: string;
  readonly recoveryServerPort: number;
  readonly authentication: "kerberos" | "certificate";
  /** Only with certificate authentication. */
  readonly certificateThumbprint?: string;
  readonly compressionEnabled: boolean;
  readonly bypassProxyServer: boolean;
  readonly replicationIntervalSeconds: number;
  readonly recoveryHistory: number;
  /** Absent: not sent, the host's own value stays. */
  readonly applicationConsistentSnapshotIntervalHours?: number;
  readonly autoResynchronize: boolean;
  /** Time of day, `HH:MM`. */
  readonly autoResynchronizeWindowStart: string;
  readonly autoResynchronizeWindowEnd: string;
  /** Absent: not sent (inferred: every disk of every member replicates, as per-VM replication does by default). */
  readonly includedDisks?: readonly string[];
}

/** InitialReplicationType: "Network Transfer (1)", "Export (2)", "Seeded Network Transfer (3)" (documented). */
export const InitialReplicationType = { network: 1, export: 2, seeded: 3 } as const;
export type InitialReplication = keyof typeof InitialReplicationType;

export interface InitialReplicationRequest {
  readonly method: InitialReplication;
  /** Epoch ms; absent: now ("When StartTime is not specified, initial replication starts immediately."). */
  readonly startTime?: number;
  /** Export only: the directory the copy is written to. */
  readonly exportPath?: string;
}

const MINUTE_MS = 60_000;

/**
 * A time of day as the CIM interval from midnight (inferred: the page calls the window's ends datetimes, "The
 * default value is 1830 hours local time", and a time of day with no date is an interval in DMTF's form).
 */
function timeOfDay(hhmm: string): string {
  const [hours = 0, minutes = 0] = hhmm.split(":").map(Number);
  return toCimInterval((hours * 60 + minutes) * MINUTE_MS);
}

/** `HH:MM` from a CIM interval or timestamp, or undefined when the value is neither. */
function readTimeOfDay(value: CimValue | undefined): string | undefined {
  if (typeof value !== "string") return undefined;
  const m =
    /^\d{8}(\d{2})(\d{2})\d{2}\.\d{6}:000$/.exec(value) ??
    /^\d{8}(\d{2})(\d{2})\d{2}\.\d{6}[+-]\d{3}$/.exec(value);
  return m ? `${m[1]}:${m[2]}` : undefined;
}

/** The properties the settings set, by their MOF names. */
export function settingsProperties(s: ReplicationSettings): Record<string, CimValue> {
  const certificate = s.authentication === "certificate";
  return {
    RecoveryConnectionPoint: s.recoveryConnectionPoint,
    RecoveryServerPortNumber: s.recoveryServerPort,
    AuthenticationType: certificate ? AuthenticationType.Certificate : AuthenticationType.Kerberos,
    ...(certificate && s.certificateThumbprint !== undefined
      ? { CertificateThumbPrint: s.certificateThumbprint.toUpperCase() }
      : {}),
    CompressionEnabled: s.compressionEnabled,
    BypassProxyServer: s.bypassProxyServer,
    ReplicationInterval: s.replicationIntervalSeconds,
    RecoveryHistory: s.recoveryHistory,
    ...(s.applicationConsistentSnapshotIntervalHours !== undefined
      ? { ApplicationConsistentSnapshotInterval: s.applicationConsistentSnapshotIntervalHours }
      : {}),
    AutoResynchronizeEnabled: s.autoResynchronize,
    AutoResynchronizeIntervalStart: timeOfDay(s.autoResynchronizeWindowStart),
    AutoResynchronizeIntervalEnd: timeOfDay(s.autoResynchronizeWindowEnd),
    ...(s.includedDisks !== undefined ? { IncludedDisks: [...s.includedDisks] } : {}),
  };
}

/**
 * The embedded-instance string for CreateReplicationRelationship or ModifyReplicationSettings: the host's current
 * instance when there is one (its InstanceID and what the program does not set are kept, as Microsoft's sample
 * `ManageReplication.cs` reads the settings before it changes them), with the program's settings over it.
 */
export function settingsText(s: ReplicationSettings, current?: CimInstance): string {
  const properties = { ...(current?.properties ?? {}), ...settingsProperties(s) };
  return formatEmbeddedInstance({ className: SETTINGS_CLASS, properties: asEmbedded(properties) });
}

/** The settings as the host shows them, in the provider's shape; a property the host leaves out stays out. */
export function settingsFromHost(instance: CimInstance): Partial<ReplicationSettings> {
  const p = instance.properties;
  const text = (v: CimValue | undefined) => (typeof v === "string" ? v : undefined);
  const num = (v: CimValue | undefined) => (typeof v === "number" ? v : undefined);
  const bool = (v: CimValue | undefined) => (typeof v === "boolean" ? v : undefined);
  const entries: [keyof ReplicationSettings, unknown][] = [
    ["recoveryConnectionPoint", text(p.RecoveryConnectionPoint)],
    ["recoveryServerPort", num(p.RecoveryServerPortNumber)],
    [
      "authentication",
      p.AuthenticationType === 2 ? "certificate" : p.AuthenticationType === 1 ? "kerberos" : undefined,
    ],
    ["certificateThumbprint", p.AuthenticationType === 2 ? text(p.CertificateThumbPrint) : undefined],
    ["compressionEnabled", bool(p.CompressionEnabled)],
    ["bypassProxyServer", bool(p.BypassProxyServer)],
    ["replicationIntervalSeconds", num(p.ReplicationInterval)],
    ["recoveryHistory", num(p.RecoveryHistory)],
    ["applicationConsistentSnapshotIntervalHours", num(p.ApplicationConsistentSnapshotInterval)],
    ["autoResynchronize", bool(p.AutoResynchronizeEnabled)],
    ["autoResynchronizeWindowStart", readTimeOfDay(p.AutoResynchronizeIntervalStart)],
    ["autoResynchronizeWindowEnd", readTimeOfDay(p.AutoResynchronizeIntervalEnd)],
    ["includedDisks", Array.isArray(p.IncludedDisks) ? p.IncludedDisks.map(String) : undefined],
  ];
  return Object.fromEntries(entries.filter(([, v]) => v !== undefined)) as Partial<ReplicationSettings>;
}

/** StartReplication's arguments besides the collection. StartTime "is ignored when ... export" (documented). */
export function startReplicationArguments(request: InitialReplicationRequest): CimArguments {
  const type = InitialReplicationType[request.method];
  return {
    InitialReplicationType: type,
    ...(request.method === "export" && request.exportPath !== undefined
      ? { InitialReplicationExportLocation: request.exportPath }
      : {}),
    ...(request.method !== "export" && request.startTime !== undefined
      ? { StartTime: toCimDateTime(request.startTime) }
      : {}),
  };
}
