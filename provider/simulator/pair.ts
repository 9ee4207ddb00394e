import type { SimState, StoredCollection, StoredJob } from "./state";
import type { Transition } from "./transitions";

/** Two-cluster checks: a collection with no partner has none to satisfy. */
export function partnerAllows(_state: SimState, _method: string, collection: StoredCollection): boolean {
  return collection.partnerId === undefined;
}

/** Two-cluster effects on the partner collection; none without a partner. */
export function pairEffect(
  _state: SimState,
  _t: Transition,
  _job: StoredJob,
  _collection: StoredCollection,
  _at: number,
): void {}
