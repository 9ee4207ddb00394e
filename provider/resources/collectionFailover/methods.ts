/**
 * CollectionFailover's methods: check, diff, create, read, update and delete. Each unpacks its arguments, returns
 * early where nothing needs the host, and hands the work to the reconciler over a session from the shared context.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { planFailover } from "../../failover/plan";
import { NOT_READ, readDetails, recordedDetails } from "../../failover/details";
import { ReconcileFailure } from "../../failover/reconcile";
import type { DesiredState, ObservedState } from "../../failover/states";
import { observedState, satisfies } from "../../failover/states";
import type { Collection } from "../../hyperv";
import { FAILED_OVER_REPLICATION_TYPE_NAMES, InvalidStateError, REPLICATION_MODE_NAMES } from "../../hyperv";
import { recordedVmNames, refuseUnknownRecordedVms } from "../../runtime/bootGroups";
import { resolveConnection } from "../../runtime/connection";
import type { RuntimeContext } from "../../runtime/context";
import { describeTarget } from "../../runtime/mergeConnection";
import { partialFailure } from "../../runtime/partialFailure";
import { changedInputs } from "../../runtime/storedInputs";
import type { ChangeOptions, Props, ResourceMethods } from "../../runtime/resourceMethods";
import type { ConnectionInputs } from "../../runtime/types";
import { UNKNOWN } from "../../runtime/types";
import type { CollectionFailoverInputs, LastOperation } from "./types";
import { DEFAULTS } from "./types";
import type { AppliedFailure } from "./apply";
import { applyInputs } from "./apply";
import { outputsFor } from "./outputs";
import { previewLine } from "./preview";
import { previewLosses } from "./previewLoss";
import { ignoredLine, ignoresState, updateKeepingState } from "./keepState";
import { readCollection } from "./read";
import { validateInputs } from "./validate";

export { outputsFor } from "./outputs";

const numbersOf = (names: Readonly<Record<number, string>>) =>
  new Map(Object.entries(names).map(([n, name]) => [name, Number(n)]));
const MODE_NUMBERS = numbersOf(REPLICATION_MODE_NAMES);
const FORT_NUMBERS = numbersOf(FAILED_OVER_REPLICATION_TYPE_NAMES);

export function collectionFailoverMethods(ctx: RuntimeContext): ResourceMethods {
  const { deps } = ctx;

  /** The details of a collection that a failed run left behind, or none when they cannot be read either. */
  async function detailsAfterFailure(inputs: CollectionFailoverInputs, collection: Collection) {
    try {
      return await ctx.withSession(inputs.connection, collection.name, (session) =>
        readDetails(session, collection, deps, { collection: collection.name, host: session.target }),
      );
    } catch {
      return NOT_READ;
    }
  }

  return {
    async check(olds: Props, news: Props): Promise<dynamic.CheckResult> {
      const failures = validateInputs(news, ctx.config().connection, ctx.config().failures, olds);
      if (failures.length > 0) return { inputs: news, failures };
      return { inputs: withDefaults(news) };
    },

    async diff(_id: string, olds: Props, news: Props, options?: ChangeOptions): Promise<dynamic.DiffResult> {
      const replaces = identityChanges(olds, news);
      const desired = news.failoverState;
      const ignored = ignoresState(options);
      if (ignored && desired !== olds.failoverState) deps.log(ignoredLine(olds));
      // A test failover in progress already satisfies `normal`: its test collection is a separate collection.
      const stateChanges =
        !ignored &&
        (desired === UNKNOWN || !satisfies(olds.failoverState as ObservedState, desired as DesiredState));
      // A name that differs from the host's is an update, never a replacement: the update keeps the CollectionID
      // and refuses, calling nothing, if the name now names another collection.
      const renamed = replaces.length === 0 && nameDiffers(olds, news);
      if (renamed) deps.log(renamedLine(olds, news));
      if (replaces.length === 0) {
        const at = {
          collection: String(olds.collectionName ?? olds.collectionId),
          observedAt: olds.healthObservedAt,
        };
        refuseUnknownRecordedVms(news.bootGroups, recordedVmNames(olds.virtualMachines), at);
      }
      if (replaces.length === 0 && stateChanges && desired !== UNKNOWN) {
        refuseEarly(
          olds,
          desired as DesiredState,
          resolveConnection(olds.connection as ConnectionInputs | null, ctx.config()),
        );
        const line = previewLine(olds, news, desired as DesiredState);
        if (line !== undefined) deps.log(line);
        await previewLosses(ctx, olds, news, desired as DesiredState);
      }
      const inputs = changedInputs(olds, news, RECORDED_INPUTS, DEFAULTS);
      return {
        changes: replaces.length > 0 || stateChanges || renamed || inputs.length > 0,
        replaces,
        deleteBeforeReplace: false,
      };
    },

    async create(inputs: Props): Promise<dynamic.CreateResult> {
      const typed = inputs as unknown as CollectionFailoverInputs;
      try {
        const result = await applyInputs(ctx, typed);
        const outs = outputsFor(
          typed,
          result.collection,
          result.lastOperation,
          result.host,
          result.details,
          deps.clock.now(),
        );
        return { id: result.collection.id, outs: { ...outs, lastReport: result.report } };
      } catch (error) {
        if (!(error instanceof ReconcileFailure)) throw error;
        if (error.methodCalled && error.collection) {
          const details = await detailsAfterFailure(typed, error.collection);
          const outs = outputsFor(
            typed,
            error.collection,
            error.lastOperation,
            hostOf(error),
            details,
            deps.clock.now(),
          );
          const lastReport = reportOf(error) ?? null;
          throw partialFailure(error.collection.id, { ...outs, lastReport }, inputs.__provider, error.error);
        }
        throw error.error;
      }
    },

    async update(
      id: string,
      olds: Props,
      news: Props,
      options?: ChangeOptions,
    ): Promise<dynamic.UpdateResult> {
      if (ignoresState(options)) return updateKeepingState(ctx, id, olds, news);
      const typed = news as unknown as CollectionFailoverInputs;
      const previous = (olds.lastOperation ?? null) as LastOperation | null;
      try {
        const result = await applyInputs(ctx, typed, {
          id,
          host: recordedHost(olds),
          lastOperation: previous,
          replicationState: typeof olds.replicationState === "number" ? olds.replicationState : undefined,
          collectionName: typeof olds.collectionName === "string" ? olds.collectionName : undefined,
          details: recordedDetails(olds),
          stateChange: !satisfies(olds.failoverState as ObservedState, typed.failoverState),
        });
        const last = result.lastOperation ?? previous;
        const outs = outputsFor(
          typed,
          result.collection,
          last,
          result.host,
          result.details,
          deps.clock.now(),
        );
        return { outs: { ...outs, lastReport: result.report ?? olds.lastReport ?? null } };
      } catch (error) {
        if (!(error instanceof ReconcileFailure)) throw error;
        if (!error.collection) throw error.error;
        // A refusal called nothing, so nothing more is read either: the details stay as last recorded.
        const details = error.methodCalled
          ? await detailsAfterFailure(typed, error.collection)
          : recordedDetails(olds);
        const last = error.lastOperation ?? previous;
        const outs = outputsFor(typed, error.collection, last, hostOf(error), details, deps.clock.now());
        const lastReport = reportOf(error) ?? olds.lastReport ?? null;
        throw partialFailure(id, { ...outs, lastReport }, news.__provider, error.error);
      }
    },

    read: (id: string, props: Props) => readCollection(ctx, id, props),

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
    requireHealthy: news.requireHealthy ?? DEFAULTS.requireHealthy,
    startVirtualMachines: news.startVirtualMachines ?? DEFAULTS.startVirtualMachines,
    jobTimeoutSeconds: news.jobTimeoutSeconds ?? DEFAULTS.jobTimeoutSeconds,
    cancelJobOnTimeout: news.cancelJobOnTimeout ?? DEFAULTS.cancelJobOnTimeout,
  };
}

/** The inputs the outputs record as applied, besides the collection and its state. */
const RECORDED_INPUTS = [
  "recoveryPoint",
  "requireHealthy",
  "startVirtualMachines",
  "jobTimeoutSeconds",
  "cancelJobOnTimeout",
  "connection",
] as const;

/**
 * Which identity properties now point at a different collection: only a different collectionId. A collectionName
 * names the tracked collection at create; afterwards the CollectionID is what the resource acts on. A collectionId
 * not known yet at preview may name another collection, so it may replace the resource.
 */
function identityChanges(olds: Props, news: Props): string[] {
  const id = news.collectionId;
  if (id === UNKNOWN) return ["collectionId"];
  if (id === undefined || id === null) return [];
  return String(olds.collectionId).toLowerCase() !== String(id).toLowerCase() ? ["collectionId"] : [];
}

function nameDiffers(olds: Props, news: Props): boolean {
  const wanted = news.collectionName;
  return (
    typeof wanted === "string" &&
    wanted !== UNKNOWN &&
    typeof olds.collectionName === "string" &&
    wanted !== olds.collectionName
  );
}

function renamedLine(olds: Props, news: Props): string {
  return `[${String(olds.collectionName)}] the program's collectionName '${String(news.collectionName)}' no longer matches the host: CollectionID ${String(olds.collectionId)} was last read as '${String(olds.collectionName)}'. This resource keeps tracking that CollectionID (a rename is not a replacement); the update calls nothing if '${String(news.collectionName)}' now names another collection`;
}

const recordedHost = (props: Props) =>
  typeof props.hostSystemName === "string" && props.hostSystemName !== "" ? props.hostSystemName : undefined;

const hostOf = (failure: ReconcileFailure) => (failure as AppliedFailure).host;
const reportOf = (failure: ReconcileFailure) => (failure as AppliedFailure).report;

/** Fails the preview when the last known state already rules the change out, before anything runs. */
function refuseEarly(olds: Props, desired: DesiredState, connection: ConnectionInputs): void {
  const mode = MODE_NUMBERS.get(String(olds.replicationMode));
  if (typeof olds.replicationState !== "number" || mode === undefined) return;
  const fort = FORT_NUMBERS.get(String(olds.failedOverReplicationType));
  const observation = {
    replicationState: olds.replicationState,
    replicationMode: mode,
    ...(fort !== undefined ? { failedOverReplicationType: fort } : {}),
    // State 13 was a test failover when the last read found its test collection linked, and recorded it so.
    testCollectionLinked: olds.failoverState === "testFailoverInProgress",
  };
  // Only the host can tell whether a failover job is moving state 4 on: that waits for the run, not the preview.
  if (observedState(observation) === "failoverInProgress") return;
  const plan = planFailover(observation, desired, { recoveryPoint: DEFAULTS.recoveryPoint });
  if (plan.kind !== "refuse") return;
  const collection = String(olds.collectionName ?? olds.collectionId);
  throw new InvalidStateError(`cannot make it ${desired}: ${plan.reason}`, plan.advice, {
    collection,
    host: describeTarget(connection),
  });
}
