/**
 * Which collection a run acts on. After create, a resource tracks one CollectionID (its resource id) and acts only on
 * it: a name in the program is checked against it, never followed to another collection.
 */
import type { CimSession } from "../cim";
import type { Collection, CollectionSelector, ErrorContext } from "../hyperv";
import {
  AmbiguousCollectionError,
  CLASS,
  describeSelector,
  findCollection,
  hostSystemName,
  HyperVError,
  NotFoundError,
  sameHost,
} from "../hyperv";

/** The program's collectionName now names another collection than the one this resource tracks. */
export class IdentityError extends HyperVError {
  override name = "IdentityError";

  constructor(
    readonly trackedId: string,
    readonly programName: string,
    readonly otherIds: readonly string[],
    context: ErrorContext,
  ) {
    const others = otherIds.map((id) => `CollectionID ${id}`).join(", ");
    super(
      `Collection re-pointed: this resource tracks CollectionID ${trackedId}, but collectionName '${programName}' now names ${others} [collection '${programName}', host ${context.host ?? "unknown"}]. Nothing was called. ` +
        `If the collection was deleted and re-created, or you mean the other one, replace this resource on purpose (pulumi up --replace <urn>); ` +
        `to keep acting on the tracked one, set collectionId '${trackedId}' in the program instead of collectionName`,
      context,
    );
  }
}

/** What the lookup found: the collection to act on, and the program's name when the host calls it something else. */
export interface Tracked {
  readonly collection: Collection | undefined;
  /** Set when the program's collectionName is not the tracked collection's name on the host (a rename). */
  readonly staleName?: string;
}

/**
 * Finds the collection to act on. Without `trackedId` (create) the selector decides. With it, only that
 * CollectionID is ever returned; a program name that names another collection is an {@link IdentityError}, and a
 * name that names none is a rename on the host, reported in `staleName`.
 */
export async function findTracked(
  session: CimSession,
  selector: CollectionSelector,
  trackedId: string | undefined,
): Promise<Tracked> {
  if (trackedId === undefined) return { collection: await findCollection(session, selector) };
  const collection = await findCollection(session, { id: trackedId });
  if (!("name" in selector) || (collection && collection.name === selector.name)) return { collection };
  const context = { collection: selector.name, host: session.target };
  let named: Collection | undefined;
  try {
    named = await findCollection(session, selector, undefined, context);
  } catch (error) {
    if (!(error instanceof AmbiguousCollectionError)) throw error;
    const others = error.collectionIds.filter((id) => id.toLowerCase() !== trackedId.toLowerCase());
    if (collection && others.length < error.collectionIds.length) return { collection };
    throw new IdentityError(trackedId, selector.name, others, context);
  }
  if (named && named.id.toLowerCase() !== trackedId.toLowerCase()) {
    throw new IdentityError(trackedId, selector.name, [named.id], context);
  }
  return { collection, ...(named ? {} : { staleName: selector.name }) };
}

export function trackedNotFound(session: CimSession, trackedId: string, name: string): NotFoundError {
  return new NotFoundError(
    `no collection has CollectionID ${trackedId}, the collection this resource tracks`,
    { collection: name, host: session.target },
    "It was removed from the host, or the connection points at another cluster; refresh the stack to record what the host shows",
  );
}

/**
 * Refresh reached a host that has no collection with the tracked CollectionID, and that host is not the one the
 * resource was recorded on (or none was recorded): the collection may well exist on the other cluster, so the
 * resource is not dropped from the stack.
 */
export class HostMismatchError extends HyperVError {
  override name = "HostMismatchError";

  constructor(
    readonly trackedId: string,
    readonly recorded: string | undefined,
    readonly answering: string | undefined,
    context: ErrorContext,
    /** What reached the host: `refresh`, or `destroy` and `update`, which keep the same rule. */
    readonly action: "refresh" | "destroy" | "update" = "refresh",
  ) {
    const was =
      recorded === undefined
        ? "this resource has no recorded host (its state was written before hosts were recorded)"
        : `this resource was recorded on host '${recorded}'`;
    super(
      `Different cluster: ${action} reached host '${answering ?? "unknown (no Msvm_CollectionReplicationService)"}', which has no collection with CollectionID ${trackedId}, but ${was} [collection '${context.collection ?? trackedId}', host ${context.host ?? "unknown"}]. The resource was kept in the stack. ` +
        `Point the connection (hyperv-replica:* stack config, or the resource's connection) at the cluster the collection lives on, then ${action === "refresh" ? "refresh" : "run"} again; ` +
        `if the collection was really removed from that cluster, remove the resource from the stack with pulumi state delete <urn>`,
      context,
    );
  }
}

/**
 * The one rule for "is it gone?", kept by every resource: a host that has no collection with the tracked
 * CollectionID proves it gone only when that host is the one the resource recorded. Any other answer (another
 * cluster, no recorded host) is a {@link HostMismatchError}, and the resource stays in the stack. `read` wraps the
 * lookup in the caller's read retries.
 */
export async function confirmGone(
  session: CimSession,
  trackedId: string,
  recorded: string | undefined,
  context: ErrorContext,
  options: {
    readonly read?: <T>(fn: () => Promise<T>) => Promise<T>;
    readonly action?: HostMismatchError["action"];
    /** `pulumi import`: nothing is stored yet, so a missing collection is an id that names none, not a lost one. */
    readonly importing?: boolean;
  } = {},
): Promise<void> {
  const read = options.read ?? ((fn) => fn());
  const answering = await read(() => hostSystemName(session, context));
  if (options.importing === true) throw importNotFound(trackedId, answering, context);
  if (!sameHost(recorded, answering)) {
    throw new HostMismatchError(trackedId, recorded, answering, context, options.action);
  }
}

/**
 * An import of an id no collection has on the host that answered: a mistyped id, or a connection pointed at another
 * cluster. It names what was searched (class, namespace, key, host), so the user can tell which.
 */
function importNotFound(id: string, answering: string | undefined, context: ErrorContext): NotFoundError {
  const system = answering === undefined ? "" : ` (the host that answered is SystemName '${answering}')`;
  return new NotFoundError(
    `no collection to import: ${CLASS.collection} in root\\HyperVCluster\\v2 has no instance with CollectionID '${id}'${system}`,
    { collection: id, ...(context.host !== undefined ? { host: context.host } : {}) },
    "Nothing was imported. Check the id (Get-VMGroup | Select-Object Name, Id on a node of the cluster lists them), and that the connection (the hyperv-replica:* stack config, or the provider's) points at the cluster the collection lives on",
  );
}

/** A recorded SystemName, from stored outputs: undefined when none was recorded. */
export const recordedHostOf = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : undefined;

/** The line a run prints when the host renamed the tracked collection: it keeps acting on the CollectionID. */
export function staleNameLine(programName: string, collection: Collection): string {
  return `[${collection.name}] the program's collectionName '${programName}' no longer matches the host: CollectionID ${collection.id} is now named '${collection.name}'. This resource keeps tracking that CollectionID; set collectionName '${collection.name}' (or collectionId '${collection.id}') in the program`;
}

export function notFound(session: CimSession, selector: CollectionSelector): NotFoundError {
  const what =
    "id" in selector ? `no collection has CollectionID ${selector.id}` : "no collection has this name";
  return new NotFoundError(
    what,
    { collection: describeSelector(selector), host: session.target },
    "Check the name or CollectionID (Get-VMGroup on the replica cluster lists them), and that the connection points at the replica cluster",
  );
}
