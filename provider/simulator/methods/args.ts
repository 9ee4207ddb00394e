import { isCimRef, type CimArguments, type CimMethodResult, type CimScalar, type CimValue } from "../../cim";
import { Cls, sameText } from "../constants";
import {
  collectionById,
  onHost,
  recordsOf,
  type SimState,
  type StoredCollection,
  type StoredRecoveryPoint,
} from "../store/state";

/** What starting a job needs besides the state. */
export interface JobContext {
  readonly now: number;
  readonly timeBeforeRemovalMs: number;
}

export const returnOnly = (returnValue: number): CimMethodResult => ({ returnValue, outParameters: {} });

/** WMI parameter names are case-insensitive. */
export function argument(args: CimArguments, name: string): CimValue | undefined {
  const key = Object.keys(args).find((k) => sameText(k, name));
  return key === undefined ? undefined : args[key];
}

/** The key of a REF argument of the expected class, or `undefined` when the argument is not such a REF. */
function refKey(value: CimValue | undefined, className: string, key: string): CimScalar | undefined {
  if (!isCimRef(value) || !sameText(value.className, className)) return undefined;
  const name = Object.keys(value.keys).find((k) => sameText(k, key));
  return name === undefined ? undefined : value.keys[name];
}

/** The collection the `Collection` REF names, if the host the call reached answers for it. */
export function collectionArgument(
  state: SimState,
  args: CimArguments,
  hostName: string,
): StoredCollection | undefined {
  const id = refKey(argument(args, "Collection"), Cls.collection, "CollectionID");
  const collection = typeof id === "string" ? collectionById(state, id, hostName) : undefined;
  return collection && onHost(collection, hostName) ? collection : undefined;
}

/** The recovery point to fail over to: the given REF, or the newest point when it is left out (NULL = latest). */
export function recoveryPointArgument(
  state: SimState,
  args: CimArguments,
  collection: StoredCollection,
): { point?: StoredRecoveryPoint } | "invalid" {
  const value = argument(args, "CollectionRecoveryPoint");
  const points = recordsOf(state.recoveryPoints, collection);
  if (value === undefined || value === null) {
    return { point: points.reduce<StoredRecoveryPoint | undefined>(newer, undefined) };
  }
  const id = refKey(value, Cls.recoveryPoint, "InstanceID");
  const owner = refKey(value, Cls.recoveryPoint, "CollectionID");
  const point = points.find((p) => typeof id === "string" && sameText(p.instanceId, id));
  if (!point || (owner !== undefined && (typeof owner !== "string" || !sameText(owner, collection.id)))) {
    return "invalid";
  }
  return { point };
}

export const newer = (a: StoredRecoveryPoint | undefined, b: StoredRecoveryPoint) =>
  a && (a.creationTime ?? -Infinity) >= (b.creationTime ?? -Infinity) ? a : b;

/** A string argument, or `undefined` when it is absent or not a non-empty string. */
export function textArgument(args: CimArguments, name: string): string | undefined {
  const value = argument(args, name);
  return typeof value === "string" && value !== "" ? value : undefined;
}
