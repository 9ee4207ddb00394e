/**
 * Finding collections and their records on the right site. Both sides of a replicated pair may hold the same
 * CollectionID (methods/recoverySide.ts), so every lookup that can meet both takes the site it means.
 */
import { sameText } from "../constants";
import type { SimState, StoredCollection } from "./state";

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

/** Where the collections with each CollectionID sat in their list when last looked up, by lower-case CollectionID. */
const positions = new WeakMap<readonly StoredCollection[], Map<string, number[]>>();

/**
 * The collection with this CollectionID (any case), on `site` when given. Both sides of a replicated pair may hold
 * the same CollectionID (recoverySide.ts), so a caller that knows the host or the record's site passes it; a
 * collection or record with no site (a single-cluster simulator) matches any. A method or a read names one
 * collection among a thousand, so the positions they were last seen at are tried first, and the index is made again
 * when those no longer hold them or hold none on that site.
 */
export function collectionById(state: SimState, id: string, site?: string): StoredCollection | undefined {
  const list = state.collections;
  const onSite = (at: readonly number[]) =>
    at.map((i) => list[i]).find((c) => c !== undefined && sameText(c.id, id) && sameSite(c.site, site));
  const seen = positions.get(list)?.get(id.toLowerCase());
  const stale = seen === undefined || seen.some((i) => !sameText(list[i]?.id ?? "", id));
  const found = stale ? undefined : onSite(seen);
  return found ?? onSite(indexOf(list).get(id.toLowerCase()) ?? []);
}

function indexOf(list: readonly StoredCollection[]): Map<string, number[]> {
  const index = new Map<string, number[]>();
  list.forEach((c, i) => {
    const key = c.id.toLowerCase();
    index.set(key, [...(index.get(key) ?? []), i]);
  });
  positions.set(list, index);
  return index;
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
