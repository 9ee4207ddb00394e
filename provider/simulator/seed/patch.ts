import { sameText } from "../constants";
import { VM_METHOD } from "../methods/members";
import { SHUTDOWN_METHOD } from "../methods/shutdownComponent";
import { JOB_METHODS } from "../methods/transitions";
import { MANAGEMENT_JOB_METHODS } from "../methods/transitions/collectionManagement";
import { checkUint16 } from "./records";
import { requireCollection, type SimState, type StoredCollection } from "../store/state";
import type { SimCollection } from "../types";

/**
 * The fields {@link HyperVSimulator.setCollection} may change. `testOf` stages the replica collection a test
 * collection depends on (Msvm_ReplicaCollectionDependency), as a host might show after a replica was re-created:
 * whether a host ever re-links a test collection is not documented, so a test sets it to cover that case.
 */
export type CollectionPatch = Partial<
  Pick<
    SimCollection,
    "name" | "replicationState" | "replicationMode" | "failedOverReplicationType" | "testOf"
  >
>;

/** @throws TypeError for an empty name, RangeError for a number outside uint16; before anything changes. */
export function checkPatch(patch: CollectionPatch): void {
  const { name, testOf: _testOf, ...numbers } = patch;
  if (name !== undefined && (typeof name !== "string" || name === "")) {
    throw new TypeError("a collection's name must be a non-empty string");
  }
  for (const [field, value] of Object.entries(numbers)) if (value !== undefined) checkUint16(field, value);
}

/** Applies a checked patch to the collection. @throws Error when no collection (or more than one by name) matches. */
export function patchCollection(state: SimState, idOrName: string, patch: CollectionPatch): StoredCollection {
  const collection = requireCollection(state, idOrName);
  if (patch.name !== undefined) collection.name = patch.name;
  if (patch.testOf !== undefined) collection.testOf = patch.testOf;
  if (patch.replicationState !== undefined) collection.replicationState = patch.replicationState;
  if (patch.replicationMode !== undefined) collection.replicationMode = patch.replicationMode;
  if (patch.failedOverReplicationType !== undefined) {
    collection.failedOverReplicationType = patch.failedOverReplicationType;
  }
  return collection;
}

/**
 * The method, as the simulator spells it, whose jobs setJobDuration may time.
 * @throws RangeError when `method` starts no job or `ms` is negative.
 */
export function jobDurationMethod(method: string, ms: number | null): string {
  const known = [...JOB_METHODS, ...MANAGEMENT_JOB_METHODS, VM_METHOD, SHUTDOWN_METHOD].find((m) =>
    sameText(m, method),
  );
  if (!known) throw new RangeError(`${method} does not start a job in the simulator`);
  if (ms !== null && !(ms >= 0 && Number.isFinite(ms))) {
    throw new RangeError(`a job duration must be 0 or more milliseconds, or null, got ${ms}`);
  }
  return known;
}
