/**
 * The calls CollectionReplication makes, one helper per side effect, each seen through to its job's end and followed
 * by a re-read: nothing is reported done that the host does not show.
 */
import type { CimArguments, CimSession } from "../../cim";
import type { Clock } from "../../clock";
import type { LogLine } from "../../failover/request";
import type {
  Collection,
  MethodOptions,
  MethodResult,
  OperationRecord,
  PollingOptions,
  ReadRetryOptions,
} from "../../hyperv";
import {
  callServiceMethod,
  findCollection,
  InvalidStateError,
  jobRef,
  jobStateName,
  readReplicationSettings,
  replicationStateName,
  settingsFromHost,
  settingsText,
  startReplicationArguments,
  toJobSnapshot,
} from "../../hyperv";
import { initialReplicationRequest, replicationSettings } from "./settings";
import type { CollectionReplicationInputs, InitialReplicationProgress } from "./types";

export interface CallDeps {
  readonly clock: Clock;
  readonly polling: PollingOptions;
  readonly readRetries: ReadRetryOptions;
  readonly busyRetries: { readonly attempts: number; readonly initialDelayMs: number };
  readonly log: LogLine;
}

const NOT_REPLICATING = 0;
const READY = 1;
const PRIMARY = 1;

function options(deps: CallDeps, name: string, timeoutSeconds: number): MethodOptions {
  return {
    clock: deps.clock,
    timeoutSeconds,
    polling: deps.polling,
    cancelOnTimeout: false,
    // Job progress is a status line: the engine shows each in place of the last.
    progress: (line) => deps.log(`[${name}] ${line}`, "status"),
    busyRetries: deps.busyRetries,
    readRetries: deps.readRetries,
  };
}

/** The collection as the host shows it now; gone is an error, since every caller has just acted on it. */
export async function reread(session: CimSession, id: string, name: string): Promise<Collection> {
  const found = await findCollection(session, { id });
  if (found === undefined) {
    throw new InvalidStateError(
      `VM group ${id} is gone from the host`,
      "Check whether someone destroyed the VM group (DestroyCollection), then refresh the stack",
      { collection: name, host: session.target },
    );
  }
  return found;
}

/** A relationship can only be created on a group that does not replicate (inferred: Disabled, mode None). */
export function refuseUnlessUnreplicated(collection: Collection, host: string): void {
  if (collection.replicationState === NOT_REPLICATING) return;
  throw new InvalidStateError(
    `VM group '${collection.name}' (${collection.id}) already replicates: ReplicationState ${collection.replicationState} (${replicationStateName(collection.replicationState)}), ReplicationMode ${collection.replicationMode}, so CreateReplicationRelationship was not called`,
    `To manage that relationship, adopt it instead of creating one: with the native plugin, give this resource the option import: "${collection.id}" and the settings the host holds (pulumi import hyperv-replica:index:CollectionReplication <name> ${collection.id} writes them), which calls nothing. Or remove the existing relationship first (RemoveReplicationRelationship of Msvm_CollectionReplicationService)`,
    { collection: collection.name, method: "CreateReplicationRelationship", host },
  );
}

/** CreateReplicationRelationship with the program's settings; the group must then be a Ready (1) primary. */
export async function createRelationship(
  session: CimSession,
  collection: Collection,
  inputs: CollectionReplicationInputs,
  deps: CallDeps,
  timeoutSeconds: number,
): Promise<OperationRecord> {
  const text = settingsText(replicationSettings(inputs));
  const { record } = await callServiceMethod(
    session,
    collection,
    "CreateReplicationRelationship",
    { CollectionReplicationSettingData: text },
    options(deps, collection.name, timeoutSeconds),
  );
  const after = await reread(session, collection.id, collection.name);
  if (after.replicationMode !== PRIMARY || after.replicationState !== READY) {
    throw new InvalidStateError(
      `CreateReplicationRelationship completed, but the host shows ReplicationState ${after.replicationState} and ReplicationMode ${after.replicationMode}, not a primary Ready for replication (1)`,
      "Read the group's state on the host, then run pulumi refresh before trying again",
      { collection: collection.name, method: "CreateReplicationRelationship", host: session.target },
    );
  }
  return record;
}

/** What the run knows of the StartReplication job when the call did not see it complete. */
export async function progressOf(
  session: CimSession,
  jobId: string | null,
): Promise<InitialReplicationProgress> {
  if (jobId === null) return { jobId, percentComplete: 0, jobState: null };
  const job = await session.get(jobRef(jobId)).catch(() => undefined);
  if (!job) return { jobId, percentComplete: 0, jobState: "Vanished" };
  const snapshot = toJobSnapshot(job);
  return { jobId, percentComplete: snapshot.percentComplete, jobState: jobStateName(snapshot.jobState) };
}

/** The progress a finished call leaves: 100 for a completed job or a call that needed none. */
export function progressOfRecord(record: OperationRecord): InitialReplicationProgress {
  const done = record.jobState === null || record.jobState === "Completed";
  return { jobId: record.jobId, percentComplete: done ? 100 : 0, jobState: record.jobState };
}

/**
 * StartReplication with the initial copy the program asked for, waited for with progress lines: a resource that
 * depends on this one starts only when the copy is done.
 */
export async function startInitialReplication(
  session: CimSession,
  collection: Collection,
  inputs: CollectionReplicationInputs,
  deps: CallDeps,
  timeoutSeconds: number,
): Promise<OperationRecord> {
  const args: CimArguments = startReplicationArguments(initialReplicationRequest(inputs));
  const { record } = await callOn(session, collection, "StartReplication", deps, timeoutSeconds, args);
  return record;
}

/** Calls one method that takes only the collection (and `extra`), seen through. */
export async function callOn(
  session: CimSession,
  collection: Collection,
  method: string,
  deps: CallDeps,
  timeoutSeconds: number,
  extra: CimArguments = {},
): Promise<MethodResult> {
  return callServiceMethod(
    session,
    collection,
    method,
    extra,
    options(deps, collection.name, timeoutSeconds),
  );
}

/**
 * ModifyReplicationSettings with the host's current instance and the program's settings over it; then the settings
 * are read again, and each changed one must show the value sent.
 */
export async function modifySettings(
  session: CimSession,
  collection: Collection,
  inputs: CollectionReplicationInputs,
  changed: readonly string[],
  deps: CallDeps,
  timeoutSeconds: number,
): Promise<OperationRecord> {
  const wanted = replicationSettings(inputs);
  const held = await readReplicationSettings(session, collection);
  const { record } = await callOn(session, collection, "ModifyReplicationSettings", deps, timeoutSeconds, {
    CollectionReplicationSettingData: settingsText(wanted, held),
  });
  const after = await readReplicationSettings(session, collection);
  const shown = (after ? settingsFromHost(after) : {}) as Record<string, unknown>;
  const want = wanted as unknown as Record<string, unknown>;
  const differ = changed.filter((k) => JSON.stringify(shown[k] ?? null) !== JSON.stringify(want[k] ?? null));
  if (differ.length > 0) {
    throw new InvalidStateError(
      `ModifyReplicationSettings completed, but the host's settings still differ in ${differ.join(", ")}`,
      "Read Msvm_CollectionReplicationSettingData of the group on the host, then run pulumi refresh and up again",
      { collection: collection.name, method: "ModifyReplicationSettings", host: session.target },
    );
  }
  return record;
}
