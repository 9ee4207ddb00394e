/**
 * Finding collections and their records on the right site. Both sides of a replicated pair may hold the same
 * CollectionID (methods/recoverySide.ts), so every lookup that can meet both takes the site it means.
 */
import { sameText } from "../constants";
import { type KeyOf, withKey } from "./keyIndex";
import type { SimState, StoredCollection, StoredJob, StoredRecoveryPoint } from "./state";

/**
 * Whether a host answers for a collection: a collection of a pair lives on its site's host only; one with no site
 * (a single-cluster simulator) on every host name (inferred: a real host serves only its own cluster).
 */
export function onHost(collection: { site?: string }, hostName: string): boolean {
  return collection.site === undefined || sameText(collection.site, hostName);
}

/** The collections a host answers for, in the order they were added. */
export function hostCollections(state: SimState, hostName: string): StoredCollection[] {
  return state.collections.filter((c) => onHost(c, hostName));
}

const COLLECTION_ID: KeyOf<StoredCollection> = (c) => c.id;
/** Keys to find jobs and recovery points by (keyIndex.ts): their InstanceID, and a VM's jobs by the VM's Name. */
export const JOB_ID: KeyOf<StoredJob> = (j) => j.instanceId;
export const JOB_VM: KeyOf<StoredJob> = (j) => j.vmId;
export const POINT_ID: KeyOf<StoredRecoveryPoint> = (p) => p.instanceId;
const RECORD_COLLECTION: KeyOf<{ collectionId: string }> = (r) => r.collectionId;

/**
 * The collection with this CollectionID (any case), on `site` when given. Both sides of a replicated pair may hold
 * the same CollectionID (recoverySide.ts), so a caller that knows the host or the record's site passes it; a
 * collection or record with no site (a single-cluster simulator) matches any.
 */
export function collectionById(state: SimState, id: string, site?: string): StoredCollection | undefined {
  return withKey(state.collections, COLLECTION_ID, id).find((c) => sameSite(c.site, site));
}

/** The jobs or recovery points of `collection`, in list order, as `list` gives them. */
export function recordsOf<R extends { collectionId: string; site?: string }>(
  list: readonly R[],
  collection: Pick<StoredCollection, "id" | "site">,
): R[] {
  return withKey(list, RECORD_COLLECTION, collection.id).filter((r) => sameSite(r.site, collection.site));
}

/** The collection a job or recovery point belongs to: its CollectionID on its site. */
export function collectionOf(
  state: SimState,
  record: { collectionId: string; site?: string },
): StoredCollection | undefined {
  return collectionById(state, record.collectionId, record.site);
}

/** Whether a job or recovery point belongs to `collection`: the same CollectionID and, in a pair, the same site. */
export function belongsTo(
  record: { collectionId: string; site?: string },
  collection: Pick<StoredCollection, "id" | "site">,
): boolean {
  return sameText(record.collectionId, collection.id) && sameSite(record.site, collection.site);
}

/** Whether a test collection was made from `replica` (on the same site). */
export function isTestOf(test: StoredCollection, replica: Pick<StoredCollection, "id" | "site">): boolean {
  return test.testOf !== undefined && sameText(test.testOf, replica.id) && sameSite(test.site, replica.site);
}

/** The site fields a record of `collection` carries: none in a single-cluster simulator. */
export const siteOf = (collection: { site?: string }): { site?: string } =>
  collection.site === undefined ? {} : { site: collection.site };

const sameSite = (a: string | undefined, b: string | undefined) =>
  a === undefined || b === undefined || sameText(a, b);
