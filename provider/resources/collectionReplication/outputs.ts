/**
 * CollectionReplication's outputs, from what the host shows: the collection's ReplicationState, the health and the
 * last WAL cycle from GetReplicationStatistics, the settings as the host holds them (so that a refresh sees a change
 * made behind the program's back), and the age of the newest recovery point (the RPO achieved; recovery points live
 * on the recovery side, so it is read there when recoverySide is given; inferred).
 */
import type { CimSession } from "../../cim";
import type { Clock } from "../../clock";
import type { Collection, OperationRecord, ReadRetryOptions } from "../../hyperv";
import {
  listRecoveryPoints,
  readReplicationHealth,
  readReplicationSettings,
  replicationStateName,
  settingsFromHost,
} from "../../hyperv";
import { publicConnection } from "../../runtime/connection";
import type { ConnectionInputs } from "../../runtime/types";
import { replicationSettings, runChoices } from "./settings";
import type {
  CollectionReplicationInputs,
  CollectionReplicationOutputs,
  InitialReplicationProgress,
  RecoverySideInputs,
} from "./types";

/** What the run saw besides the host's state now. */
export interface Seen {
  readonly lastOperation: OperationRecord | null;
  readonly progress: InitialReplicationProgress;
  readonly host: string | undefined;
  /** The newest recovery point's CreationTime (epoch ms) on the side that holds them, or undefined when none. */
  readonly newestPoint: number | undefined;
}

export interface ReadDeps {
  readonly clock: Clock;
  readonly readRetries: ReadRetryOptions;
  readonly log: (line: string) => void;
}

export const publicRecoverySide = (side: RecoverySideInputs | null | undefined) =>
  side === undefined || side === null
    ? null
    : { collectionId: side.collectionId, connection: publicConnection(side.connection) };

/** The newest recovery point's time on a session, or undefined when it has none with a time. */
export async function newestPointTime(session: CimSession, collection: Pick<Collection, "id" | "name">) {
  const points = await listRecoveryPoints(session, collection.id, {
    collection: collection.name,
    host: session.target,
  });
  const times = points.map((p) => (p.creationTime === null ? NaN : Date.parse(p.creationTime)));
  const known = times.filter(Number.isFinite);
  return known.length === 0 ? undefined : Math.max(...known);
}

export async function replicationOutputs(
  session: CimSession,
  inputs: CollectionReplicationInputs,
  collection: Collection,
  seen: Seen,
  deps: ReadDeps,
): Promise<CollectionReplicationOutputs> {
  const now = deps.clock.now();
  const health = await readReplicationHealth(session, collection, { ...deps, progress: deps.log }).catch(
    (error: unknown) => {
      deps.log(
        `[${collection.name}] replication health not read: ${String(error instanceof Error ? error.message : error)}`,
      );
      return undefined;
    },
  );
  const held = await readReplicationSettings(session, collection);
  const settings = { ...replicationSettings(inputs), ...(held ? settingsFromHost(held) : {}) };
  return {
    collectionId: collection.id,
    collectionName: collection.name,
    recoveryConnectionPoint: settings.recoveryConnectionPoint,
    recoveryServerPort: settings.recoveryServerPort,
    authentication: settings.authentication,
    certificateThumbprint: settings.certificateThumbprint ?? null,
    compressionEnabled: settings.compressionEnabled,
    bypassProxyServer: settings.bypassProxyServer,
    replicationIntervalSeconds: settings.replicationIntervalSeconds,
    recoveryHistory: settings.recoveryHistory,
    applicationConsistentSnapshotIntervalHours: settings.applicationConsistentSnapshotIntervalHours ?? null,
    autoResynchronize: settings.autoResynchronize,
    autoResynchronizeWindowStart: settings.autoResynchronizeWindowStart,
    autoResynchronizeWindowEnd: settings.autoResynchronizeWindowEnd,
    includedDisks: settings.includedDisks ? [...settings.includedDisks] : null,
    ...runChoices(inputs),
    initialReplicationStartTime: inputs.initialReplicationStartTime ?? null,
    initialReplicationExportPath: inputs.initialReplicationExportPath ?? null,
    recoverySide: publicRecoverySide(inputs.recoverySide),
    connection: publicConnection(inputs.connection as ConnectionInputs | undefined),
    replicationState: collection.replicationState,
    replicationStateName: replicationStateName(collection.replicationState),
    replicationHealth: health?.healthName ?? null,
    healthIssues: health ? [...health.issues] : [],
    initialReplicationProgress: seen.progress,
    lastReplicationTime: health?.lastReplicationTime ?? null,
    newestRecoveryPointAgeSeconds:
      seen.newestPoint === undefined ? null : Math.max(0, Math.round((now - seen.newestPoint) / 1000)),
    lastOperation: seen.lastOperation,
    observedAt: new Date(now).toISOString(),
    hostSystemName: seen.host ?? null,
  };
}
