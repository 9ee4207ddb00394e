import { untracked } from "./tracking";

/**
 * Finding the records of a state list by a key without comparing every record. A thousand collections each ask
 * for their own records many times per failover: scanning the lists made each call cost O(N), the batch O(N²).
 *
 * An index is kept per list and per key function, and holds where each key sat. It is trusted only while the list
 * still holds the very records it was made from, in the same places (an identity check per record, far cheaper than
 * the key comparisons it saves); records added at the end since are indexed as they come. A list rewritten in place,
 * or replaced whole (a filter assigns a new list), gets a new index.
 *
 * A key function must read a field that never changes once its record is in the list (an id, an InstanceID), and
 * must be one constant function per key, since the indexes are kept per function.
 */
export type KeyOf<R> = (record: R) => unknown;

interface Index {
  /** The records indexed, in list order. */
  readonly seen: unknown[];
  /** Positions by lower-case key. */
  readonly positions: Map<string, number[]>;
}

const indexes = new WeakMap<readonly unknown[], Map<KeyOf<never>, Index>>();

/** The key as WQL compares it: strings without regard to case; other values by their text. */
const normal = (value: unknown): string | undefined =>
  value === undefined || value === null ? undefined : String(value).toLowerCase();

function stillHolds(list: readonly unknown[], seen: readonly unknown[]): boolean {
  if (list.length < seen.length) return false;
  for (let i = 0; i < seen.length; i++) if (list[i] !== seen[i]) return false;
  return true;
}

function indexOf<R>(list: readonly R[], keyOf: KeyOf<R>): Index {
  let byKey = indexes.get(list);
  if (byKey === undefined) indexes.set(list, (byKey = new Map()));
  let index = byKey.get(keyOf as KeyOf<never>);
  if (index === undefined || !stillHolds(list, index.seen)) {
    index = { seen: [], positions: new Map() };
    byKey.set(keyOf as KeyOf<never>, index);
  }
  for (let i = index.seen.length; i < list.length; i++) {
    const record = list[i] as R;
    index.seen.push(record);
    const key = normal(keyOf(record));
    if (key === undefined) continue;
    const at = index.positions.get(key);
    if (at === undefined) index.positions.set(key, [i]);
    else at.push(i);
  }
  return index;
}

/**
 * The records whose key equals `key` (strings in any case), in list order. Judged on the plain list; the records
 * are returned as `list` gives them, so that what a transaction then changes through a tracked list is still tracked.
 */
export function withKey<R extends object>(list: readonly R[], keyOf: KeyOf<R>, key: unknown): R[] {
  const wanted = normal(key);
  if (wanted === undefined) return [];
  const at = indexOf(untracked(list), keyOf).positions.get(wanted) ?? [];
  return at.flatMap((i) => {
    const record = list[i];
    return record === undefined ? [] : [record];
  });
}

/** How many different keys the list's records have (a record whose key is undefined has none). */
export function keyCount<R extends object>(list: readonly R[], keyOf: KeyOf<R>): number {
  return indexOf(untracked(list), keyOf).positions.size;
}
