/**
 * Reading one site for the two-site driver: the collection (by CollectionID only), its member VMs, its newest
 * recovery point and the unfinished jobs that affect it. A site that does not answer is observed as unreachable,
 * not as an error: the planner decides what that means.
 */
import type { CimSession } from "../../cim";
import { CimError } from "../../cim";
import type { Collection, JobSnapshot, SiteMember } from "../../hyperv";
import {
  CLASS,
  collectionRef,
  EnabledState,
  findCollection,
  HostError,
  hostSystemName,
  isTerminalJobState,
  listMembers,
  listRecoveryPoints,
  newestRecoveryPoint,
  NotFoundError,
  toJobSnapshot,
} from "../../hyperv";
import { confirmGone, HostMismatchError } from "../identity";
import { LATEST, parseRecoveryPoint, selectRecoveryPoint } from "../recoveryPoints";
import type { MemberObservation, PairObservation, SiteObservation } from "./types";

/** Where one site's calls go and which collection is the pair's there. */
export interface SiteTarget {
  readonly name: string;
  readonly collectionId: string;
  /** The open session, or why none could be opened (the site is then unreachable). */
  readonly session: CimSession | { readonly error: string };
}

/** Everything read from one reachable site. */
export interface SiteReading {
  readonly collection: Collection;
  readonly members: readonly SiteMember[];
  readonly newestRecoveryPoint: number | undefined;
  readonly runningJobs: readonly JobSnapshot[];
  /** Who answered: the SystemName of the site's Msvm_CollectionReplicationService (read once per session). */
  readonly hostSystemName?: string;
  /** When the point `recoveryPoint` selects was taken (null: it selects none; undefined: not asked). */
  readonly chosenPoint?: number | null;
}

export type SiteRead =
  | { readonly reachable: true; readonly reading: SiteReading }
  | { readonly reachable: false; readonly error: string };

/** Whether the site was read and runs every member VM of the group (a group without members runs nowhere). */
export function runsEveryMember(read: SiteRead | undefined): boolean {
  if (!read?.reachable) return false;
  const { members } = read.reading;
  return members.length > 0 && members.every((m) => m.enabledState === EnabledState.Running);
}

export const hasSession = (t: SiteTarget): t is SiteTarget & { session: CimSession } =>
  !("error" in t.session);

/**
 * Reads a site. A transport failure is "unreachable"; a missing collection is an error with advice. With
 * `recoveryPoint`, the point it selects is read too: what an unplanned failover there would lose starts there.
 */
export async function readSite(target: SiteTarget, recoveryPoint?: string): Promise<SiteRead> {
  const { session } = target;
  if ("error" in session) return { reachable: false, error: session.error };
  try {
    const found = await mustFind(target, session);
    const jobs = await session.associators(collectionRef(found.id), {
      association: CLASS.affectedJobElement,
      resultClass: CLASS.job,
    });
    const runningJobs = jobs.map(toJobSnapshot).filter((j) => !isTerminalJobState(j.jobState));
    // With no job running, the state is read again after the jobs: a job that ended between the two reads then
    // shows in the state, never as the state before it with no job, which would plan that job's step again.
    const collection = runningJobs.length > 0 ? found : await mustFind(target, session);
    const members = await listMembers(session, collection);
    const newest = await newestRecoveryPoint(session, collection);
    const host = await hostSystemName(session, { collection: collection.name, host: session.target });
    const read = { collection, members, newestRecoveryPoint: newest, runningJobs };
    const reading = host === undefined ? read : { ...read, hostSystemName: host };
    if (recoveryPoint === undefined || recoveryPoint === LATEST) return { reachable: true, reading };
    const chosenPoint = await selectedPointTime(session, collection, recoveryPoint);
    return { reachable: true, reading: { ...reading, chosenPoint } };
  } catch (error) {
    const cim = error instanceof HostError ? error.cimError : error instanceof CimError ? error : undefined;
    if (cim?.category === "unreachable") return { reachable: false, error: cim.message };
    throw error;
  }
}

async function mustFind(target: SiteTarget, session: CimSession) {
  const collection = await findCollection(session, { id: target.collectionId });
  if (collection !== undefined) return collection;
  throw new NotFoundError(
    `no collection has CollectionID ${target.collectionId} on site ${target.name}`,
    { collection: target.collectionId, host: session.target },
    `Check sites.${target.name}.collectionId (Get-VMGroup on that cluster lists the ids) and its connection`,
  );
}

/** When the point a selector picks was taken, with the rule CollectionFailover uses (failover/recoveryPoints.ts). */
async function selectedPointTime(session: CimSession, collection: Collection, text: string) {
  const parsed = parseRecoveryPoint(text);
  if ("error" in parsed) return null;
  const point = selectRecoveryPoint(parsed, await listRecoveryPoints(session, collection.id, {}));
  return point?.creationTime ? Date.parse(point.creationTime) : null;
}

/**
 * A refresh's read of one site: a missing collection is an answer here, not an error. `otherCluster` says the site
 * answered from another host than the one recorded for it, so the missing collection proves nothing.
 */
export type SiteProbe =
  | SiteRead
  | { readonly reachable: true; readonly missing: NotFoundError; readonly otherCluster?: HostMismatchError };

/**
 * Reads a site for refresh, which alone decides what a collection missing from one site means. A missing collection
 * is checked against the host recorded for the site (`recorded`), by the rule every resource keeps (confirmGone).
 * `importing` (nothing recorded yet): a missing collection is an id that names none, and throws the not-found error.
 */
export async function probeSite(
  target: SiteTarget,
  recorded: string | undefined,
  importing = false,
): Promise<SiteProbe> {
  try {
    return await readSite(target);
  } catch (error) {
    if (!(error instanceof NotFoundError) || !hasSession(target)) throw error;
    try {
      await confirmGone(target.session, target.collectionId, recorded, error.context, { importing });
      return { reachable: true, missing: error };
    } catch (mismatch) {
      if (mismatch instanceof HostMismatchError)
        return { reachable: true, missing: error, otherCluster: mismatch };
      throw mismatch;
    }
  }
}

/** The planner's view of a site read. */
export function toObservation(read: SiteRead): SiteObservation {
  if (!read.reachable) return read;
  const { collection, members, newestRecoveryPoint: newest, chosenPoint } = read.reading;
  const applied = collection.lastApplyTime ? Date.parse(collection.lastApplyTime) : undefined;
  return {
    reachable: true,
    collection: {
      collectionId: collection.id,
      replicationState: collection.replicationState,
      replicationMode: collection.replicationMode,
      failedOverReplicationType: collection.failedOverReplicationType,
      members: members.map(({ id, name, enabledState, timeOfLastStateChange, onTimeMs }) => ({
        id,
        name,
        enabledState,
        timeOfLastStateChange,
        onTimeMs,
      })),
      ...(newest !== undefined ? { newestRecoveryPoint: newest } : {}),
      ...(applied !== undefined ? { lastApplyTime: applied } : {}),
      ...(chosenPoint !== undefined ? { chosenPoint } : {}),
    },
  };
}

/**
 * The planner's view, with how long each VM a run turned off had run just before: the host then reports only when
 * it stopped, and a rehearsal judged before the stop must not turn into a loss half-way through its own sequence.
 */
export function withMeasuredRuns(
  seen: PairObservation,
  measured: ReadonlyMap<string, number | null>,
): PairObservation {
  const member = (m: MemberObservation) =>
    measured.has(m.id) && m.enabledState === EnabledState.Off
      ? { ...m, measuredRunMs: measured.get(m.id) ?? null }
      : m;
  return Object.fromEntries(
    Object.entries(seen).map(([name, o]) => [
      name,
      o.reachable ? { ...o, collection: { ...o.collection, members: o.collection.members.map(member) } } : o,
    ]),
  );
}
