import type { CimCallOptions, CimInstance, CimRef, CimSession, CimValue } from "../cim";
import { CimError, parseCimDateTime } from "../cim";
import { CLASS } from "./codes";
import type { ErrorContext } from "./errors";
import { AmbiguousCollectionError, withContext } from "./errors";

/** A VM collection as the provider sees it. */
export interface Collection {
  /** CollectionID, a GUID. */
  readonly id: string;
  /** ElementName; not guaranteed unique. */
  readonly name: string;
  readonly replicationState: number;
  readonly replicationMode: number;
  readonly failedOverReplicationType: number;
  /** LastApplyTime as ISO 8601: when the replica last applied a recovery point; null when never or not given. */
  readonly lastApplyTime?: string | null;
  /** LastApplyConsistencyLevel (the recovery point ConsistencyLevel numbering), or null. */
  readonly lastApplyConsistencyLevel?: number | null;
}

/** How the user names a collection: by CollectionID or by ElementName. */
export type CollectionSelector = { readonly id: string } | { readonly name: string };

export function describeSelector(selector: CollectionSelector): string {
  return "id" in selector ? selector.id : selector.name;
}

export function collectionRef(id: string): CimRef {
  return { className: CLASS.collection, keys: { CollectionID: id } };
}

function requireString(instance: CimInstance, property: string): string {
  const value: CimValue | undefined = instance.properties[property];
  if (typeof value !== "string") {
    throw new CimError(
      "protocol",
      `${instance.className}.${property} is ${JSON.stringify(value)}, not a string`,
    );
  }
  return value;
}

function requireNumber(instance: CimInstance, property: string, fallback?: number): number {
  const value: CimValue | undefined = instance.properties[property];
  if (typeof value === "number") return value;
  if ((value === null || value === undefined) && fallback !== undefined) return fallback;
  throw new CimError(
    "protocol",
    `${instance.className}.${property} is ${JSON.stringify(value)}, not a number`,
  );
}

export function toCollection(instance: CimInstance): Collection {
  const applied = parseCimDateTime(instance.properties.LastApplyTime);
  const level = instance.properties.LastApplyConsistencyLevel;
  return {
    id: requireString(instance, "CollectionID"),
    name: typeof instance.properties.ElementName === "string" ? instance.properties.ElementName : "",
    replicationState: requireNumber(instance, "ReplicationState"),
    replicationMode: requireNumber(instance, "ReplicationMode"),
    failedOverReplicationType: requireNumber(instance, "FailedOverReplicationType", 0),
    lastApplyTime: applied === undefined ? null : new Date(applied).toISOString(),
    lastApplyConsistencyLevel: typeof level === "number" ? level : null,
  };
}

/**
 * Looks a collection up by CollectionID or by ElementName. Returns `undefined` when none matches; a name that
 * matches several collections is an error, because acting on the wrong one would be worse than stopping. Errors
 * name `context` when given (the collection's name and the method in progress), else the selector and the host.
 */
export async function findCollection(
  session: CimSession,
  selector: CollectionSelector,
  options?: CimCallOptions,
  context: ErrorContext = { collection: describeSelector(selector), host: session.target },
): Promise<Collection | undefined> {
  try {
    if ("id" in selector) {
      const instance = await session.get(collectionRef(selector.id), options);
      return instance ? toCollection(instance) : undefined;
    }
    const found = await session.query(CLASS.collection, { ElementName: selector.name }, options);
    const collections = found.map(toCollection);
    if (collections.length > 1) {
      throw new AmbiguousCollectionError(
        collections.map((c) => c.id),
        context,
      );
    }
    return collections[0];
  } catch (error) {
    throw withContext(error, context);
  }
}
