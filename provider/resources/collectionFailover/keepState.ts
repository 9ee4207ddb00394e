/**
 * CollectionFailover when the engine says `failoverState` is in the resource's `ignoreChanges` (the native plugin
 * learns it from DiffRequest and UpdateRequest): the property never causes a change, and an update made for another
 * reason (a collection renamed on the host, say) calls no failover method. It reads the collection by the
 * CollectionID it tracks and records what the host shows, with the program's other inputs.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { NotFoundError } from "../../hyperv";
import type { RuntimeContext } from "../../runtime/context";
import { describeTarget } from "../../runtime/mergeConnection";
import { resolveConnection } from "../../runtime/connection";
import type { ChangeOptions, Props } from "../../runtime/resourceMethods";
import type { ConnectionInputs } from "../../runtime/types";
import { readCollection } from "./read";

/** The inputs an update may apply without acting: they only change how a later failover is made. */
const APPLIED = [
  "recoveryPoint",
  "requireHealthy",
  "startVirtualMachines",
  "jobTimeoutSeconds",
  "cancelJobOnTimeout",
];

export const ignoresState = (options: ChangeOptions | undefined) =>
  options?.ignoreChanges?.includes("failoverState") ?? false;

export function ignoredLine(olds: Props): string {
  return `[${String(olds.collectionName ?? olds.collectionId)}] failoverState is in ignoreChanges: the host shows ${String(olds.failoverState)}, and nothing is called because of it`;
}

export async function updateKeepingState(
  ctx: RuntimeContext,
  id: string,
  olds: Props,
  news: Props,
): Promise<dynamic.UpdateResult> {
  const applied = Object.fromEntries(APPLIED.filter((k) => news[k] !== undefined).map((k) => [k, news[k]]));
  // The session uses the program's connection (with its password); the outputs keep it without one.
  const props: Props = { ...olds, ...applied, connection: news.connection ?? null };
  const read = await readCollection(ctx, id, props);
  if (read.id === undefined) {
    const connection = resolveConnection(news.connection as ConnectionInputs | null, ctx.config());
    throw new NotFoundError(
      `no collection with CollectionID ${id}`,
      { collection: String(olds.collectionName ?? id), host: describeTarget(connection) },
      "Refresh the stack: the collection is gone from the host this resource was created on",
    );
  }
  ctx.deps.log(ignoredLine(read.props as Props));
  return { outs: read.props };
}
