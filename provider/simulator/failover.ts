import { isCimRef, type CimArguments, type CimMethodResult, type CimScalar, type CimValue } from "../cim";
import { Cls, ReplicationMode, ReturnCode, sameText } from "./constants";
import { takeJobFault } from "./faults";
import { newGuid } from "./ids";
import { COMPLETED, isRunning } from "./jobs";
import { failoverSpec, type FailoverSpec } from "./specs";
import {
  collectionById,
  type SimState,
  type StoredCollection,
  type StoredJob,
  type StoredRecoveryPoint,
} from "./state";

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

export function collectionArgument(state: SimState, args: CimArguments): StoredCollection | undefined {
  const id = refKey(argument(args, "Collection"), Cls.collection, "CollectionID");
  return typeof id === "string" ? collectionById(state, id) : undefined;
}

/** The recovery point to fail over to: the given REF, or the newest point when it is left out (NULL = latest). */
function recoveryPointArgument(
  state: SimState,
  args: CimArguments,
  collection: StoredCollection,
): { point?: StoredRecoveryPoint } | "invalid" {
  const value = argument(args, "CollectionRecoveryPoint");
  const points = state.recoveryPoints.filter((p) => p.collectionId === collection.id);
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

const newer = (a: StoredRecoveryPoint | undefined, b: StoredRecoveryPoint) =>
  a && a.creationTime >= b.creationTime ? a : b;

/** InitiateFailover, RevertFailover and CommitFailover; every other method of the service is 32770. */
export function invokeService(
  state: SimState,
  ctx: JobContext,
  method: string,
  args: CimArguments,
): CimMethodResult {
  const spec = failoverSpec(method);
  if (!spec) return returnOnly(ReturnCode.notSupported);
  const collection = collectionArgument(state, args);
  if (!collection) return returnOnly(ReturnCode.invalidParameter);
  const target = spec.method === "InitiateFailover" ? recoveryPointArgument(state, args, collection) : {};
  if (target === "invalid") return returnOnly(ReturnCode.invalidParameter);
  if (state.jobs.some((job) => isRunning(job) && job.collectionId === collection.id)) {
    return returnOnly(ReturnCode.systemInUse);
  }
  const legal =
    collection.replicationMode === ReplicationMode.replica &&
    spec.legalFrom.includes(collection.replicationState);
  // Failing over needs a point to fail over to (inferred).
  if (!legal || (spec.method === "InitiateFailover" && !target.point))
    return returnOnly(ReturnCode.invalidState);
  const job = startJob(state, ctx, spec, collection);
  return {
    returnValue: ReturnCode.jobStarted,
    outParameters: { Job: { className: Cls.job, keys: { InstanceID: job.instanceId } } },
  };
}

function startJob(
  state: SimState,
  ctx: JobContext,
  spec: FailoverSpec,
  collection: StoredCollection,
): StoredJob {
  const fault = takeJobFault(state, spec.method);
  const configured = state.jobDurations[spec.method];
  const job: StoredJob = {
    instanceId: newGuid(),
    method: spec.method,
    jobType: spec.jobType,
    collectionId: collection.id,
    submittedAt: ctx.now,
    durationMs: configured === undefined ? spec.defaultDurationMs : configured,
    timeBeforeRemovalMs: ctx.timeBeforeRemovalMs,
    cancellable: spec.cancellable,
    hangs: fault?.kind === "jobHangs",
    plannedEnd:
      fault?.kind === "jobFails"
        ? {
            jobState: fault.jobState,
            errorCode: fault.errorCode,
            errorDescription: fault.errorDescription,
            errorSummaryDescription: fault.errorSummaryDescription ?? fault.errorDescription,
          }
        : COMPLETED,
    restore: {
      replicationState: collection.replicationState,
      failedOverReplicationType: collection.failedOverReplicationType,
    },
  };
  state.jobs.push(job);
  if (spec.whileRunning !== undefined) collection.replicationState = spec.whileRunning;
  return job;
}
