/**
 * CollectionFailover's `read` (refresh). It finds the collection by the CollectionID the resource tracks, and
 * returns no id only when the host that answered is the one the resource was recorded on and that host has no such
 * collection: a refresh that reaches another cluster fails instead of dropping the resource from the stack.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { readDetails } from "../../failover/details";
import { confirmGone } from "../../failover/identity";
import { DESIRED_STATES } from "../../failover/states";
import { withTestLink } from "../../failover/testLink";
import type { CimSession } from "../../cim";
import { findCollection, hostSystemName, retryRead } from "../../hyperv";
import type { RuntimeContext } from "../../runtime/context";
import type { Props } from "../../runtime/resourceMethods";
import type { ConnectionInputs } from "../../runtime/types";
import { revisit, whatRanLast } from "./apply";
import { outputsFor } from "./outputs";
import type { CollectionFailoverInputs, CollectionFailoverOutputs, LastOperation } from "./types";

export async function readCollection(
  ctx: RuntimeContext,
  id: string,
  props: Props,
): Promise<dynamic.ReadResult> {
  const { deps } = ctx;
  const connection = (props.connection ?? null) as ConnectionInputs | null;
  const name = String(props.collectionName ?? id);
  const recorded = typeof props.hostSystemName === "string" ? props.hostSystemName : undefined;
  const read = <T>(fn: () => Promise<T>) =>
    retryRead(fn, {
      clock: deps.clock,
      retries: deps.readRetries,
      onRetry: (error, delay) =>
        deps.log(`[${name}] ${error.message}; reading the collection again in ${Math.round(delay / 1000)} s`),
    });
  return ctx.withSession(connection, name, async (session: CimSession) => {
    const context = { collection: name, host: session.target };
    const found = await read(() => findCollection(session, { id }, undefined, context));
    if (found === undefined) {
      // `pulumi import` reads with nothing stored: an id that names no collection there is a not-found, not a loss.
      await confirmGone(session, id, recorded, context, { read, importing: Object.keys(props).length === 0 });
      return {};
    }
    // State 13 is a test failover only with a test collection linked to the replica (failover/testLink.ts).
    const collection = await read(() => withTestLink(session, found, context));
    const host = recorded ?? (await read(() => hostSystemName(session, context)));
    const details = await readDetails(session, collection, deps, context);
    const stored = props as unknown as CollectionFailoverOutputs;
    const inputs: CollectionFailoverInputs = {
      failoverState: "normal",
      recoveryPoint: stored.recoveryPoint,
      requireHealthy: stored.requireHealthy,
      startVirtualMachines: stored.startVirtualMachines,
      jobTimeoutSeconds: stored.jobTimeoutSeconds,
      cancelJobOnTimeout: stored.cancelJobOnTimeout,
      ...(stored.connection ? { connection: stored.connection } : {}),
    };
    // A job recorded as still running may have ended since: record its real end, or that the host removed it. When
    // the collection moved since it was recorded, the newest failover job the host keeps may be what ran last.
    const recordedOperation = (stored.lastOperation ?? null) as LastOperation | null;
    const previous = await revisit(session, recordedOperation, context, deps);
    const recordedState = typeof props.replicationState === "number" ? props.replicationState : undefined;
    const lastOperation = await whatRanLast(session, collection, previous, recordedState, deps.clock.now());
    const outs = outputsFor(inputs, collection, lastOperation, host, details, deps.clock.now());
    return { id, props: { ...props, ...outs }, ...refreshedInputs(props, outs.failoverState, collection.id) };
  });
}

/**
 * The stored inputs, with failoverState set to what the host shows when that is a state a program can ask for. The
 * engine keeps these as the resource's inputs, and `ignoreChanges: ["failoverState"]` substitutes the stored
 * input for the program's value before Check and Diff: so after a refresh, an ignored failoverState equals the
 * observed one and the diff calls nothing, while a program that does not ignore it still puts the host back.
 * A collection caught between states gives inputs without failoverState: an ignored failoverState then has no
 * stored value, the engine drops it from the program's inputs, and Check refuses with why; nothing is called.
 */
function refreshedInputs(props: Props, observed: string, collectionId: string): { inputs?: Props } {
  const inputs: Props = (DESIRED_STATES as readonly string[]).includes(observed)
    ? { failoverState: observed }
    : {};
  // `pulumi import` reads with nothing stored: the CollectionID it was given is what the program will track.
  if (Object.keys(props).length === 0) inputs.collectionId = collectionId;
  for (const key of [
    "collectionId",
    "recoveryPoint",
    "requireHealthy",
    "startVirtualMachines",
    "jobTimeoutSeconds",
    "cancelJobOnTimeout",
    "connection",
  ]) {
    if (props[key] !== undefined && props[key] !== null) inputs[key] = props[key];
  }
  return { inputs };
}
