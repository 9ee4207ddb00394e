/** What the report reads of the host: a collection with its VMs before and after the run, and the jobs' own times. */
import type { CimSession } from "../../cim";
import { parseCimDateTime } from "../../cim";
import type { Collection, CollectionSelector, MemberVm } from "../../hyperv";
import {
  EnabledState,
  enabledStateName,
  findCollection,
  isTerminalJobState,
  jobStateName,
  readMembers,
  replicationHealthName,
  replicationModeName,
  replicationStateName,
  toCollection,
  toMembers,
} from "../../hyperv";
import { lastSeenJob, runReads } from "./callLog";
import type { CollectionSnapshot, JobTimes, RecordedCall, VmState } from "./types";

const HEALTH_ORDER = ["NotApplicable", "Ok", "Warning", "Critical"];

/** Reads a collection and its member VMs; a read that fails is kept as its error, never thrown. */
export async function snapshotOf(
  session: CimSession,
  site: string | null,
  selector: CollectionSelector,
  recovers: boolean,
): Promise<CollectionSnapshot> {
  const id = "id" in selector ? selector.id : selector.name;
  const empty = { site, host: session.target, collectionId: id, recovers, virtualMachines: [] };
  const none = { collectionName: null, replicationState: null, replicationMode: null, health: null };
  try {
    const collection = await findCollection(session, selector);
    if (collection === undefined) return { ...empty, ...none, error: "not found" };
    const context = { collection: collection.name, host: session.target };
    const members = await readMembers(session, collection.id, context);
    return snapshotFrom(session.target, site, collection, members, recovers);
  } catch (error) {
    return { ...empty, ...none, error: error instanceof Error ? error.message : String(error) };
  }
}

/** What the report needs of a member VM: a MemberVm and a two-site read's SiteMember both have it. */
export type ReadVm = Pick<MemberVm, "id" | "name" | "enabledState" | "timeOfLastStateChange"> & {
  readonly replicationHealth: number | null;
};

/**
 * The picture before a run's first change: the collection and its VMs as the run itself read them until then (the
 * reads its decision rests on), else read now.
 */
export async function snapshotBefore(
  session: CimSession,
  site: string | null,
  selector: CollectionSelector,
): Promise<CollectionSnapshot> {
  const seen = "id" in selector ? runReads(session.target, selector.id) : undefined;
  if (seen === undefined) return snapshotOf(session, site, selector, false);
  try {
    return snapshotFrom(session.target, site, toCollection(seen.collection), toMembers(seen.members), false);
  } catch {
    // An instance the run could not have used either: read it as the report always did.
    return snapshotOf(session, site, selector, false);
  }
}

/** A collection and its member VMs as read on `host`, by the report or by the run itself. */
export function snapshotFrom(
  host: string,
  site: string | null,
  collection: Collection,
  members: readonly ReadVm[],
  recovers: boolean,
): CollectionSnapshot {
  const virtualMachines: VmState[] = members.map((vm) => ({
    id: vm.id,
    name: vm.name,
    state: enabledStateName(vm.enabledState),
    replicationHealth: vm.replicationHealth === null ? null : replicationHealthName(vm.replicationHealth),
    runningSince:
      vm.enabledState === EnabledState.Running && vm.timeOfLastStateChange !== null
        ? new Date(vm.timeOfLastStateChange).toISOString()
        : null,
  }));
  return {
    site,
    host,
    collectionId: collection.id,
    recovers,
    virtualMachines,
    collectionName: collection.name,
    replicationState: replicationStateName(collection.replicationState),
    replicationMode: replicationModeName(collection.replicationMode),
    health: worst(virtualMachines.map((vm) => vm.replicationHealth)),
    error: null,
  };
}

/** Inferred, as ReplicatedCollection's outputs do: the group's health is its worst member's ReplicationHealth. */
function worst(healths: readonly (string | null)[]): string | null {
  const known = healths.filter((h): h is string => h !== null);
  if (known.length === 0) return null;
  return known.reduce((a, b) => (HEALTH_ORDER.indexOf(b) > HEALTH_ORDER.indexOf(a) ? b : a));
}

/**
 * The jobs the calls returned, as last seen through the tapped session (the job watcher's own reads): StartTime
 * (else TimeSubmitted) and TimeOfLastStateChange. Nothing is read again; a job not seen leaves the agent's times.
 */
export function jobTimesOf(
  calls: readonly RecordedCall[],
  sessions: readonly CimSession[],
): Map<string, JobTimes> {
  const times = new Map<string, JobTimes>();
  calls.forEach((call, i) => {
    const session = sessions[i];
    if (call.jobId === null || session === undefined) return;
    const instance = lastSeenJob(session, call.jobId);
    if (instance === undefined) return;
    const p = instance.properties;
    const state = typeof p.JobState === "number" ? p.JobState : 0;
    times.set(call.jobId, {
      startedAt: parseCimDateTime(p.StartTime) ?? parseCimDateTime(p.TimeSubmitted) ?? null,
      finishedAt: isTerminalJobState(state) ? (parseCimDateTime(p.TimeOfLastStateChange) ?? null) : null,
      jobState: jobStateName(state),
      errorCode: typeof p.ErrorCode === "number" ? p.ErrorCode : null,
    });
  });
  return times;
}
