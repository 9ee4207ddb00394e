/**
 * One create or update of a CollectionFailover on one session: reconcile the collection, start its VMs after a
 * failover, then settle what the outputs say about the host (its SystemName, health, VMs) and the last operation.
 */
import type { CimSession } from "../../cim";
import { withAppliedPoint } from "../../failover/appliedPoint";
import type { CollectionDetails, RecordedRun } from "../../failover/details";
import { detailsAfterRun } from "../../failover/details";
import { DEFAULT_REHEARSAL_MINUTES } from "../../failover/dataLoss";
import type { ReconcileResult } from "../../failover/reconcile";
import { reconcile, ReconcileFailure } from "../../failover/reconcile";
import { observedState } from "../../failover/states";
import { startMembers } from "../../failover/virtualMachines";
import type { Collection, CollectionSelector, ErrorContext, MemberVm, OperationRecord } from "../../hyperv";
import {
  EnabledState,
  describeSelector,
  hostSystemName,
  isUnfinished,
  latestFailoverJob,
  revisitOperation,
} from "../../hyperv";
import type { RuntimeContext } from "../../runtime/context";
import type { Report } from "../../runtime/report";
import { startReport } from "../../runtime/report";
import type { CollectionFailoverInputs } from "./types";
import { DEFAULTS } from "./types";

/** What the stack knows of the resource before an update. */
export interface Tracked {
  readonly id: string;
  readonly host: string | undefined;
  readonly lastOperation: OperationRecord | null;
  /** The ReplicationState the stack last recorded, when it has one. */
  readonly replicationState: number | undefined;
  /** The collection's name as last read, for the lines this run prints before it reads the collection. */
  readonly collectionName: string | undefined;
  /** Health and member VMs as last read, kept when this run finds nothing moved (failover/details.ts). */
  readonly details: CollectionDetails;
  /** Whether the recorded state differs from the desired one: only then is the collection read for the report first. */
  readonly stateChange: boolean;
}

export interface Applied extends ReconcileResult {
  readonly host: string | undefined;
  readonly details: CollectionDetails;
  /** The report of this run, or null when it changed nothing. */
  readonly report: Report | null;
}

/** A failed run, with the host, the last operation and the report as the outputs should show them. */
export type AppliedFailure = ReconcileFailure & { host?: string; report?: Report | null };

const ACTIONS: Readonly<Record<string, string>> = {
  failedOver: "failover",
  committed: "commit the failover",
  normal: "return to normal",
};

const selectorOf = (inputs: CollectionFailoverInputs): CollectionSelector =>
  inputs.collectionId !== undefined ? { id: inputs.collectionId } : { name: inputs.collectionName ?? "" };

/**
 * Reconciles the collection; after create (`tracked` set) only the tracked CollectionID is acted on. The host's
 * SystemName is read once, at create (or when an older state lacks it), and kept: refresh compares it before it
 * drops anything. A job the stack recorded as still running is read again first; when this run called nothing,
 * {@link whatRanLast} says what the host ran last. Health and member VMs are read only when the run moved the
 * collection (failover/details.ts says why).
 */
export async function applyInputs(
  ctx: RuntimeContext,
  inputs: CollectionFailoverInputs,
  tracked?: Tracked,
): Promise<Applied> {
  const selector = selectorOf(inputs);
  const name = describeSelector(selector);
  const { deps } = ctx;
  return ctx.withSession(inputs.connection, name, async (session) => {
    const context = { collection: tracked?.collectionName ?? name, host: session.target };
    const previous = await revisit(session, tracked?.lastOperation ?? null, context, deps);
    // Read after the run, so that it never delays a failover; a host that does not answer leaves it unknown.
    const host = () =>
      tracked?.host !== undefined
        ? Promise.resolve(tracked.host)
        : hostSystemName(session, context).catch(() => undefined);
    const report = startReport(ctx, "CollectionFailover", name, inputs.reportDirectory, [inputs.connection]);
    const subject = tracked !== undefined ? { id: tracked.id } : selector;
    if (tracked === undefined || tracked.stateChange) report.readBefore(session, null, subject);
    const recovers =
      inputs.failoverState !== "normal" && (inputs.startVirtualMachines ?? DEFAULTS.startVirtualMachines);
    /** `seen`: the collection and VMs this run read after its last call, kept instead of read again. */
    const finish = async (
      collection: Collection | undefined,
      point: OperationRecord | null,
      error: unknown,
      seen?: { collection: Collection; members: readonly MemberVm[] },
    ) => {
      if (!report.acted) return null;
      if (seen) report.keepAfter(session, null, seen, recovers);
      else await report.readAfter(session, null, collection ? { id: collection.id } : subject, recovers);
      const action = ACTIONS[inputs.failoverState] ?? inputs.failoverState;
      const named = collection?.name;
      const recoveryPoint = point?.recoveryPoint ?? null;
      return report.finish({ action, recoveryPoint, ...(named ? { name: named } : {}) }, error);
    };
    try {
      const result = await report.run(() =>
        reconcile(
          session,
          {
            selector,
            ...(tracked !== undefined ? { trackedId: tracked.id } : {}),
            desired: inputs.failoverState,
            recoveryPoint: inputs.recoveryPoint ?? DEFAULTS.recoveryPoint,
            requireHealthy: inputs.requireHealthy ?? DEFAULTS.requireHealthy,
            timeoutSeconds: inputs.jobTimeoutSeconds ?? DEFAULTS.jobTimeoutSeconds,
            cancelJobOnTimeout: inputs.cancelJobOnTimeout ?? DEFAULTS.cancelJobOnTimeout,
            acknowledgedLosses: inputs.acknowledgeDataLoss ?? [],
            rehearsalMinutes: inputs.rehearsalMinutes ?? DEFAULT_REHEARSAL_MINUTES,
            ...(inputs.bootGroups !== undefined ? { bootGroups: inputs.bootGroups } : {}),
          },
          { ...deps, polling: ctx.polling(), lock: ctx.lock },
        ),
      );
      const recorded = tracked && { replicationState: tracked.replicationState, details: tracked.details };
      const members = await report.run(() => startIfFailedOver(ctx, session, inputs, result, recorded));
      const lastOperation =
        result.lastOperation ??
        (tracked
          ? await whatRanLast(
              session,
              result.collection,
              previous,
              tracked.replicationState,
              deps.clock.now(),
            )
          : null);
      const known = await host();
      const at = { collection: result.collection.name, host: session.target };
      const details = await detailsAfterRun(session, result, deps, at, recorded, members);
      // Read in this run: the VMs after its last call, the collection after its last failover call (starting VMs does
      // not move it). The report shows them as the host's state at the end instead of reading them again.
      const fresh = details !== recorded?.details && details.observedAt !== null;
      const seen = fresh ? { collection: result.collection, members: details.virtualMachines } : undefined;
      return {
        collection: result.collection,
        lastOperation,
        methodCalled: result.methodCalled,
        host: known,
        details,
        report: await finish(result.collection, result.lastOperation, null, seen),
      };
    } catch (error) {
      if (!(error instanceof ReconcileFailure)) throw error;
      const { collection, methodCalled } = error;
      const failure = new ReconcileFailure(
        error.error,
        collection,
        error.lastOperation ?? previous,
        methodCalled,
      );
      const failed = await finish(collection, error.lastOperation, error.error);
      throw Object.assign(failure, { host: await host(), report: failed });
    }
  });
}

/**
 * While the collection is failed over (or committed), its member VMs are started unless startVirtualMachines is
 * false: failing over leaves them off. That holds for every run, not only the one that failed over, so a run that
 * stopped part-way through starting them (a VM that failed to start) is finished by the next `up`. To keep a no-op
 * at one call, the VMs are read only where some may be off: after a method call, when the collection moved since
 * the stack recorded it, when the stack never read its VMs (a create), or when it last saw one not running.
 * Returns the VMs it read.
 */
async function startIfFailedOver(
  ctx: RuntimeContext,
  session: CimSession,
  inputs: CollectionFailoverInputs,
  result: ReconcileResult,
  recorded: RecordedRun | undefined,
): Promise<MemberVm[] | undefined> {
  const { collection } = result;
  if (!["failedOver", "committed"].includes(observedState(collection))) return undefined;
  if (!(inputs.startVirtualMachines ?? DEFAULTS.startVirtualMachines)) return undefined;
  if (!mayHaveVmsOff(result, recorded)) return undefined;
  try {
    return await startMembers(
      session,
      collection.id,
      {
        ...ctx.deps,
        polling: ctx.polling(),
        timeoutSeconds: inputs.jobTimeoutSeconds ?? DEFAULTS.jobTimeoutSeconds,
        log: (line, kind) => ctx.deps.log(`[${collection.name}] ${line}`, kind),
        context: { collection: collection.name, host: session.target },
      },
      { groups: inputs.bootGroups },
    );
  } catch (error) {
    // The failover stands; the stack records it, and the error says which VM did not start.
    throw new ReconcileFailure(error, collection, result.lastOperation, true);
  }
}

function mayHaveVmsOff(result: ReconcileResult, recorded: RecordedRun | undefined): boolean {
  if (result.methodCalled || recorded === undefined || recorded.details.observedAt === null) return true;
  if (result.collection.replicationState !== recorded.replicationState) return true;
  return recorded.details.virtualMachines.some((vm) => vm.enabledState !== EnabledState.Running);
}

/**
 * The stack's record, with its job read again when it was recorded as still running; as recorded when the job
 * cannot be read now. A job the host no longer keeps is said so, in a line and as `Vanished`.
 */
export async function revisit(
  session: CimSession,
  record: OperationRecord | null,
  context: ErrorContext,
  deps: Pick<RuntimeContext["deps"], "clock" | "log">,
): Promise<OperationRecord | null> {
  if (!isUnfinished(record)) return record;
  const now = await revisitOperation(session, record, context, deps.clock.now()).catch(() => record);
  if (now.jobState === "Vanished") {
    deps.log(
      `[${context.collection ?? ""}] ${record.method} job ${record.jobId}, recorded as ${record.jobState ?? "unfinished"}, is no longer kept by the host (finished jobs are removed after TimeBeforeRemoval, 5 minutes by default), so how it ended can no longer be read; lastOperation now says Vanished`,
    );
  } else if (now.finishedAt !== null) {
    deps.log(
      `[${context.collection ?? ""}] ${record.method} job ${record.jobId} has ended since: ${now.jobState}`,
    );
  }
  return now;
}

/**
 * What ran last when this run called nothing: the stack's record, unless the collection moved since the stack
 * recorded it and the host keeps a newer failover job of it (another pipeline's, an operator's). While the
 * collection is as recorded nothing more is read, so a no-op stays one lookup.
 */
export async function whatRanLast(
  session: CimSession,
  collection: Collection,
  previous: OperationRecord | null,
  recordedState: number | undefined,
  now: number,
): Promise<OperationRecord | null> {
  if (recordedState === collection.replicationState) return previous;
  const context = { collection: collection.name, host: session.target };
  const latest = await latestFailoverJob(session, collection, context, now).catch(() => undefined);
  if (latest === undefined) return previous;
  const newer =
    previous === null ||
    (latest.jobId !== previous.jobId && Date.parse(latest.startedAt) >= Date.parse(previous.startedAt));
  if (!newer) return previous;
  return withAppliedPoint(session, collection, latest, context).catch(() => latest);
}
