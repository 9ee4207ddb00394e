/**
 * CollectionReplication's inputs with their defaults, split by what each one drives: the settings ModifyReplication
 * Settings can change in place, the initial copy (create only), and the run's own choices.
 */
import type { InitialReplicationRequest, ReplicationSettings } from "../../hyperv/replicationSetup";
import type { CollectionReplicationInputs } from "./types";
import { DEFAULTS } from "./types";

/**
 * The inputs that are replication settings. ModifyReplicationSettings "Updates replication setting data for a group
 * of virtual machines." (documented); the per-VM ModifyReplicationSettings page validates every one of these and
 * marks only PrimaryConnectionPoint, RecoveryHostSystem and RootCertificateThumbPrint read-only (HyperV_v2
 * `modifyreplicationsettings-msvm-replicationservice.md`), so each changes in place (inferred for collections).
 */
export const SETTING_KEYS = [
  "recoveryConnectionPoint",
  "recoveryServerPort",
  "authentication",
  "certificateThumbprint",
  "compressionEnabled",
  "bypassProxyServer",
  "replicationIntervalSeconds",
  "recoveryHistory",
  "applicationConsistentSnapshotIntervalHours",
  "autoResynchronize",
  "autoResynchronizeWindowStart",
  "autoResynchronizeWindowEnd",
  "includedDisks",
] as const;

/** The inputs only StartReplication reads, at create: changing them later changes nothing on the host. */
export const INITIAL_KEYS = [
  "initialReplication",
  "initialReplicationStartTime",
  "initialReplicationExportPath",
] as const;

export function replicationSettings(inputs: CollectionReplicationInputs): ReplicationSettings {
  const authentication = inputs.authentication ?? DEFAULTS.authentication;
  const port = authentication === "certificate" ? DEFAULTS.certificatePort : DEFAULTS.kerberosPort;
  return {
    recoveryConnectionPoint: inputs.recoveryConnectionPoint,
    recoveryServerPort: inputs.recoveryServerPort ?? port,
    authentication,
    ...(authentication === "certificate" && inputs.certificateThumbprint !== undefined
      ? { certificateThumbprint: inputs.certificateThumbprint.toUpperCase() }
      : {}),
    compressionEnabled: inputs.compressionEnabled ?? DEFAULTS.compressionEnabled,
    bypassProxyServer: inputs.bypassProxyServer ?? DEFAULTS.bypassProxyServer,
    replicationIntervalSeconds: inputs.replicationIntervalSeconds ?? DEFAULTS.replicationIntervalSeconds,
    recoveryHistory: inputs.recoveryHistory ?? DEFAULTS.recoveryHistory,
    ...(inputs.applicationConsistentSnapshotIntervalHours !== undefined
      ? { applicationConsistentSnapshotIntervalHours: inputs.applicationConsistentSnapshotIntervalHours }
      : {}),
    autoResynchronize: inputs.autoResynchronize ?? DEFAULTS.autoResynchronize,
    autoResynchronizeWindowStart:
      inputs.autoResynchronizeWindowStart ?? DEFAULTS.autoResynchronizeWindowStart,
    autoResynchronizeWindowEnd: inputs.autoResynchronizeWindowEnd ?? DEFAULTS.autoResynchronizeWindowEnd,
    ...(inputs.includedDisks !== undefined ? { includedDisks: [...inputs.includedDisks] } : {}),
  };
}

export function initialReplicationRequest(inputs: CollectionReplicationInputs): InitialReplicationRequest {
  const method = inputs.initialReplication ?? DEFAULTS.initialReplication;
  return {
    method,
    ...(inputs.initialReplicationStartTime !== undefined
      ? { startTime: Date.parse(inputs.initialReplicationStartTime) }
      : {}),
    ...(inputs.initialReplicationExportPath !== undefined
      ? { exportPath: inputs.initialReplicationExportPath }
      : {}),
  };
}

/** The run's own choices, with their defaults. */
export function runChoices(inputs: CollectionReplicationInputs) {
  return {
    initialReplication: inputs.initialReplication ?? DEFAULTS.initialReplication,
    paused: inputs.paused ?? DEFAULTS.paused,
    resynchronize: inputs.resynchronize ?? DEFAULTS.resynchronize,
    removeRecoverySideOnDelete: inputs.removeRecoverySideOnDelete ?? DEFAULTS.removeRecoverySideOnDelete,
    jobTimeoutSeconds: inputs.jobTimeoutSeconds ?? DEFAULTS.jobTimeoutSeconds,
    initialReplicationTimeoutSeconds:
      inputs.initialReplicationTimeoutSeconds ?? DEFAULTS.initialReplicationTimeoutSeconds,
  };
}

/** The settings keys whose resolved values differ between two sets of inputs (or outputs), in SETTING_KEYS order. */
export function changedSettings(
  olds: CollectionReplicationInputs,
  news: CollectionReplicationInputs,
): string[] {
  const a = replicationSettings(olds) as unknown as Record<string, unknown>;
  const b = replicationSettings(news) as unknown as Record<string, unknown>;
  return SETTING_KEYS.filter((k) => JSON.stringify(a[k] ?? null) !== JSON.stringify(b[k] ?? null));
}

/** Stored outputs (or inputs) as inputs: the outputs' nulls are the inputs' absent values. */
export function asInputs(props: Record<string, unknown>): CollectionReplicationInputs {
  const entries = Object.entries(props).filter(([, v]) => v !== null && v !== undefined);
  return Object.fromEntries(entries) as unknown as CollectionReplicationInputs;
}

/**
 * `pulumi import` (the native plugin) reads with nothing stored: the group's id and the settings as the host holds
 * them become the resource's inputs, so a program that declares them adopts the relationship with no call.
 */
export function importedInputs(outs: Record<string, unknown>): Record<string, unknown> {
  const held = SETTING_KEYS.map((k) => [k, outs[k]] as const).filter(
    ([, v]) => v !== null && v !== undefined,
  );
  return { collectionId: outs.collectionId, ...Object.fromEntries(held) };
}
