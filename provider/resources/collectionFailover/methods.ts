/**
 * CollectionFailover's methods: check, diff, create, read, update and delete. Each unpacks its arguments, returns
 * early where nothing needs the host, and hands the work to the reconciler over a session from the shared context.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { planFailover } from "../../failover/plan";
import type { ReconcileResult } from "../../failover/reconcile";
import { reconcile, ReconcileFailure } from "../../failover/reconcile";
import type { DesiredState } from "../../failover/states";
import { observedState } from "../../failover/states";
import type { Collection, CollectionSelector } from "../../hyperv";
import {
  describeSelector,
  findCollection,
  InvalidStateError,
  REPLICATION_MODE_NAMES,
  replicationModeName,
  replicationStateName,
  retryRead,
} from "../../hyperv";
import { publicConnection, resolveConnection } from "../../runtime/connection";
import type { RuntimeContext } from "../../runtime/context";
import { describeTarget } from "../../runtime/mergeConnection";
import { partialFailure } from "../../runtime/partialFailure";
import type { Props, ResourceMethods } from "../../runtime/resourceMethods";
import type { ConnectionInputs } from "../../runtime/types";
import { UNKNOWN } from "../../runtime/types";
import type { CollectionFailoverInputs, CollectionFailoverOutputs, LastOperation } from "./types";
import { DEFAULTS } from "./types";
import { validateInputs } from "./validate";

const selectorOf = (inputs: CollectionFailoverInputs): CollectionSelector =>
  inputs.collectionId !== undefined ? { id: inputs.collectionId } : { name: inputs.collectionName ?? "" };

const MODE_NUMBERS = new Map(Object.entries(REPLICATION_MODE_NAMES).map(([n, name]) => [name, Number(n)]));

export function outputsFor(
  inputs: CollectionFailoverInputs,
  collection: Collection,
  lastOperation: LastOperation | null,
): CollectionFailoverOutputs {
  return {
    collectionId: collection.id,
    collectionName: collection.name,
    failoverState: observedState(collection),
    replicationState: collection.replicationState,
    replicationStateName: replicationStateName(collection.replicationState),
    replicationMode: replicationModeName(collection.replicationMode),
    lastOperation,
    recoveryPoint: inputs.recoveryPoint ?? DEFAULTS.recoveryPoint,
    jobTimeoutSeconds: inputs.jobTimeoutSeconds ?? DEFAULTS.jobTimeoutSeconds,
    cancelJobOnTimeout: inputs.cancelJobOnTimeout ?? DEFAULTS.cancelJobOnTimeout,
    connection: publicConnection(inputs.connection),
  };
}

export function collectionFailoverMethods(ctx: RuntimeContext): ResourceMethods {
  const { deps } = ctx;

  async function apply(inputs: CollectionFailoverInputs): Promise<ReconcileResult> {
    const selector = selectorOf(inputs);
    return ctx.withSession(inputs.connection, describeSelector(selector), (session) =>
      reconcile(
        session,
        {
          selector,
          desired: inputs.failoverState,
          recoveryPoint: inputs.recoveryPoint ?? DEFAULTS.recoveryPoint,
          timeoutSeconds: inputs.jobTimeoutSeconds ?? DEFAULTS.jobTimeoutSeconds,
          cancelJobOnTimeout: inputs.cancelJobOnTimeout ?? DEFAULTS.cancelJobOnTimeout,
        },
        { ...deps, polling: ctx.polling(), lock: ctx.lock },
      ),
    );
  }

  return {
    async check(_olds: Props, news: Props): Promise<dynamic.CheckResult> {
      const failures = validateInputs(news, ctx.config().connection, ctx.config().failures);
      if (failures.length > 0) return { inputs: news, failures };
      return { inputs: withDefaults(news) };
    },

    async diff(_id: string, olds: Props, news: Props): Promise<dynamic.DiffResult> {
      const replaces = identityChanges(olds, news);
      const desired = news.failoverState;
      const stateChanges = desired === UNKNOWN || desired !== olds.failoverState;
      if (replaces.length === 0 && stateChanges && desired !== UNKNOWN)
        refuseEarly(
          olds,
          desired as DesiredState,
          resolveConnection(olds.connection as ConnectionInputs | null, ctx.config()),
        );
      return { changes: replaces.length > 0 || stateChanges, replaces, deleteBeforeReplace: false };
    },

    async create(inputs: Props): Promise<dynamic.CreateResult> {
      const typed = inputs as unknown as CollectionFailoverInputs;
      try {
        const result = await apply(typed);
        return { id: result.collection.id, outs: outputsFor(typed, result.collection, result.lastOperation) };
      } catch (error) {
        if (!(error instanceof ReconcileFailure)) throw error;
        if (error.methodCalled && error.collection) {
          const outs = outputsFor(typed, error.collection, error.lastOperation);
          throw partialFailure(error.collection.id, outs, inputs.__provider, error.error);
        }
        throw error.error;
      }
    },

    async update(id: string, olds: Props, news: Props): Promise<dynamic.UpdateResult> {
      const typed = news as unknown as CollectionFailoverInputs;
      const previous = (olds.lastOperation ?? null) as LastOperation | null;
      try {
        const result = await apply(typed);
        return { outs: outputsFor(typed, result.collection, result.lastOperation ?? previous) };
      } catch (error) {
        if (!(error instanceof ReconcileFailure)) throw error;
        if (!error.collection) throw error.error;
        const outs = outputsFor(typed, error.collection, error.lastOperation ?? previous);
        throw partialFailure(id, outs, news.__provider, error.error);
      }
    },

    async read(id: string, props: Props): Promise<dynamic.ReadResult> {
      const connection = (props.connection ?? null) as ConnectionInputs | null;
      const name = String(props.collectionName ?? id);
      const collection = await ctx.withSession(connection, name, (session) =>
        retryRead(
          () => findCollection(session, { id }, undefined, { collection: name, host: session.target }),
          {
            clock: deps.clock,
            retries: deps.readRetries,
            onRetry: (error, delay) =>
              deps.log(
                `[${name}] ${error.message}; reading the collection again in ${Math.round(delay / 1000)} s`,
              ),
          },
        ),
      );
      if (collection === undefined) return {};
      const stored = props as unknown as CollectionFailoverOutputs;
      const inputs: CollectionFailoverInputs = {
        failoverState: "normal",
        recoveryPoint: stored.recoveryPoint,
        jobTimeoutSeconds: stored.jobTimeoutSeconds,
        cancelJobOnTimeout: stored.cancelJobOnTimeout,
        ...(stored.connection ? { connection: stored.connection } : {}),
      };
      const outs = outputsFor(inputs, collection, stored.lastOperation ?? null);
      return { id, props: { ...props, ...outs } };
    },

    async delete(id: string, props: Props): Promise<void> {
      const name = typeof props.collectionName === "string" ? props.collectionName : id;
      deps.log(
        `[${name}] removed from the stack; the collection itself is left as it is (${String(props.failoverState ?? "unknown")}) on the host: deleting this resource never calls Hyper-V`,
      );
    },
  };
}

function withDefaults(news: Props): Props {
  return {
    ...news,
    recoveryPoint: news.recoveryPoint ?? DEFAULTS.recoveryPoint,
    jobTimeoutSeconds: news.jobTimeoutSeconds ?? DEFAULTS.jobTimeoutSeconds,
    cancelJobOnTimeout: news.cancelJobOnTimeout ?? DEFAULTS.cancelJobOnTimeout,
  };
}

/** Which identity properties now point at a different collection. */
function identityChanges(olds: Props, news: Props): string[] {
  const differs = (a: unknown, b: unknown, caseless: boolean) =>
    b !== UNKNOWN && (caseless ? String(a).toLowerCase() !== String(b).toLowerCase() : a !== b);
  if (news.collectionId !== undefined && news.collectionId !== null) {
    return differs(olds.collectionId, news.collectionId, true) ? ["collectionId"] : [];
  }
  return differs(olds.collectionName, news.collectionName, false) ? ["collectionName"] : [];
}

/** Fails the preview when the last known state already rules the change out, before anything runs. */
function refuseEarly(olds: Props, desired: DesiredState, connection: ConnectionInputs): void {
  const mode = MODE_NUMBERS.get(String(olds.replicationMode));
  if (typeof olds.replicationState !== "number" || mode === undefined) return;
  const plan = planFailover({ replicationState: olds.replicationState, replicationMode: mode }, desired, {
    recoveryPoint: DEFAULTS.recoveryPoint,
  });
  if (plan.kind !== "refuse") return;
  const collection = String(olds.collectionName ?? olds.collectionId);
  throw new InvalidStateError(`cannot make it ${desired}: ${plan.reason}`, plan.advice, {
    collection,
    host: describeTarget(connection),
  });
}
