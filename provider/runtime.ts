/**
 * The provider's behaviour, loaded inside the Pulumi plugin by package name (`pulumi-hyperv-replica/runtime`) so
 * that the serialized provider stays a few lines long. `createRuntime` takes its clock, logger and session factory
 * from the caller, which is how the tests run it against the simulator on a fake clock.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { CimSession } from "./cim";
import type { Clock } from "./clock";
import { systemClock } from "./clock";
import type { ProviderConfig, SessionFactory } from "./connection";
import {
  EMPTY_CONFIG,
  openSession,
  publicConnection,
  readProviderConfig,
  resolveConnection,
} from "./connection";
import { planFailover } from "./failover/plan";
import type { ReconcileDeps, ReconcileResult } from "./failover/reconcile";
import { reconcile, ReconcileFailure } from "./failover/reconcile";
import type { DesiredState } from "./failover/states";
import { observedState } from "./failover/states";
import type { Collection, CollectionSelector, PollingOptions, ReadRetryOptions } from "./hyperv";
import {
  DEFAULT_POLLING,
  DEFAULT_READ_RETRIES,
  describeSelector,
  findCollection,
  InvalidStateError,
  REPLICATION_MODE_NAMES,
  replicationModeName,
  replicationStateName,
  retryRead,
  withContext,
} from "./hyperv";
import { KeyedLock } from "./keyedLock";
import { describeTarget } from "./mergeConnection";
import type {
  CollectionFailoverInputs,
  CollectionFailoverOutputs,
  ConnectionInputs,
  LastOperation,
} from "./types";
import { DEFAULTS, UNKNOWN } from "./types";
import { validateInputs } from "./validate";

export interface RuntimeDeps {
  readonly clock: Clock;
  /** Where progress lines go; in the plugin, stdout, which Pulumi shows as diagnostics. */
  readonly log: (line: string) => void;
  readonly openSession: SessionFactory;
  readonly polling: PollingOptions;
  readonly busyRetries: { readonly attempts: number; readonly initialDelayMs: number };
  /** How reads dropped by the transport are retried; method calls never are. */
  readonly readRetries: ReadRetryOptions;
}

export const DEFAULT_DEPS: RuntimeDeps = {
  clock: systemClock,
  log: (line) => console.log(line),
  openSession,
  polling: DEFAULT_POLLING,
  busyRetries: { attempts: 4, initialDelayMs: 2000 },
  readRetries: DEFAULT_READ_RETRIES,
};

type Props = Record<string, unknown>;

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

/** An error Pulumi records as a partial failure: the step fails, and the outputs saved are the host's real state. */
function partialFailure(
  id: string,
  outs: CollectionFailoverOutputs,
  provider: unknown,
  error: unknown,
): Error {
  const message = error instanceof Error ? error.message : String(error);
  return Object.assign(new Error(message, { cause: error }), {
    id,
    properties: { ...outs, __provider: provider },
    reasons: [message],
  });
}

export function createRuntime(overrides: Partial<RuntimeDeps> = {}) {
  const deps: RuntimeDeps = { ...DEFAULT_DEPS, ...overrides };
  const locks = new KeyedLock();
  let config: ProviderConfig = EMPTY_CONFIG;

  const lock: ReconcileDeps["lock"] = (key, fn) => locks.run(key, fn);
  /** Polling from stack config, over the defaults; the cap never falls below the first interval. */
  const polling = (): PollingOptions => {
    const initialMs = config.polling?.initialMs ?? deps.polling.initialMs;
    const maxMs = Math.max(initialMs, config.polling?.maxMs ?? deps.polling.maxMs);
    return { ...deps.polling, initialMs, maxMs };
  };

  /** Runs `fn` on a session for the connection; a session that cannot be opened names the collection and host. */
  async function withSession<T>(
    connection: ConnectionInputs | null | undefined,
    collection: string,
    fn: (session: CimSession) => Promise<T>,
  ): Promise<T> {
    const resolved = resolveConnection(connection, config);
    let session: CimSession;
    try {
      session = await deps.openSession(resolved, config);
    } catch (error) {
      throw withContext(error, { collection, host: describeTarget(resolved) });
    }
    try {
      return await fn(session);
    } finally {
      await session.close();
    }
  }

  async function apply(inputs: CollectionFailoverInputs): Promise<ReconcileResult> {
    const selector = selectorOf(inputs);
    return withSession(inputs.connection, describeSelector(selector), (session) =>
      reconcile(
        session,
        {
          selector,
          desired: inputs.failoverState,
          recoveryPoint: inputs.recoveryPoint ?? DEFAULTS.recoveryPoint,
          timeoutSeconds: inputs.jobTimeoutSeconds ?? DEFAULTS.jobTimeoutSeconds,
          cancelJobOnTimeout: inputs.cancelJobOnTimeout ?? DEFAULTS.cancelJobOnTimeout,
        },
        { ...deps, polling: polling(), lock },
      ),
    );
  }

  return {
    configure(get: (key: string) => unknown): void {
      config = readProviderConfig(get);
    },

    async check(_olds: Props, news: Props): Promise<dynamic.CheckResult> {
      const failures = validateInputs(news, config.connection, config.failures);
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
          resolveConnection(olds.connection as ConnectionInputs | null, config),
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
      const collection = await withSession(connection, name, (session) =>
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

/** The runtime the plugin uses. */
export const runtime = createRuntime();
