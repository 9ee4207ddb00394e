import type { CimInstance, CimValue } from "../../cim";
import { sameText } from "../constants";
import { withKey } from "../store/keyIndex";

/** WQL compares property names and string values without regard to case. */
export function valueMatches(actual: CimValue | undefined, wanted: CimValue): boolean {
  if (typeof actual === "string" && typeof wanted === "string") return sameText(actual, wanted);
  return actual === wanted;
}

function property(instance: CimInstance, name: string): CimValue | undefined {
  const key = Object.keys(instance.properties).find((k) => sameText(k, name));
  return key === undefined ? undefined : instance.properties[key];
}

/** Property values an instance must have, by name in any case: a query's filter, or a REF's keys. */
export type Conditions = Readonly<Record<string, CimValue>>;

export function matchesAll(instance: CimInstance, conditions: Conditions): boolean {
  return Object.entries(conditions).every(([name, wanted]) => valueMatches(property(instance, name), wanted));
}

/**
 * Properties a class renders as one of its stored record's own fields, unchanged: a filter on one of them can pick
 * the records before any is rendered, so that a query by CollectionID renders that collection's points only, not
 * every point the host keeps. A test renders each class's sample to hold each pick to the property it stands for.
 */
export type Picks<R> = Readonly<Record<string, (record: R) => CimValue>>;

/**
 * The records that can match `filter`, judged on the properties `picks` knows. The others are left for the query to
 * check on the rendered instances, as it checks every instance. The first condition finds its records through the
 * list's index (store/keyIndex.ts), so a REF's get or a query by key costs the same among a thousand records as among
 * ten; `records` should be a list of the state, not a copy, for its index to last beyond the call.
 */
export function prefilter<R extends object>(
  records: readonly R[],
  filter: Conditions | undefined,
  picks: Picks<R>,
): R[] {
  const conditions = Object.entries(filter ?? {}).flatMap(([name, wanted]) => {
    const field = Object.entries(picks).find(([p]) => sameText(p, name))?.[1];
    return field === undefined ? [] : [{ field, wanted }];
  });
  if (conditions.length === 0) return [...records];
  // A NULL has no key to look up (an index keeps none for it): such a filter alone is checked record by record.
  const keyed = conditions.find(({ wanted }) => wanted !== null);
  const candidates = keyed === undefined ? records : withKey(records, keyed.field, keyed.wanted);
  return candidates.filter((r) => conditions.every(({ field, wanted }) => valueMatches(field(r), wanted)));
}
