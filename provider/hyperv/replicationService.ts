import type { CimArguments, CimRef, CimSession } from "../cim";
import { isCimRef } from "../cim";
import type { Clock } from "../clock";
import type { Collection } from "./collections";
import { collectionRef } from "./collections";
import { CLASS, type FailoverMethod, jobStateName, ReturnCode } from "./codes";
import type { ErrorContext } from "./errors";
import { HyperVError, HyperVJobError, HyperVReturnCodeError, withContext } from "./errors";
import type { JobSnapshot, PollingOptions } from "./jobs";
import { describeFailure, describeProgress, waitForJob } from "./jobs";

/** What the provider reports about the last method it called. Times are ISO 8601. */
export interface OperationRecord {
  readonly method: FailoverMethod;
  readonly jobId: string | null;
  /** The job's final state name (`Completed`), `Vanished` when the host removed it first, or null without a job. */
  readonly jobState: string | null;
  readonly errorCode: number | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
}

export interface MethodOptions {
  readonly clock: Clock;
  readonly timeoutSeconds: number;
  readonly polling: PollingOptions;
  readonly cancelOnTimeout: boolean;
  /** Called with one line whenever the job's percentage or state changes. */
  readonly progress: (line: string) => void;
  /** How often to retry 32774 (System is in use), and the first back-off. */
  readonly busyRetries: { readonly attempts: number; readonly initialDelayMs: number };
  readonly signal?: AbortSignal;
}

export interface MethodResult {
  readonly record: OperationRecord;
  /** True when the job disappeared before it was seen finished: only a re-read can tell the outcome. */
  readonly vanished: boolean;
}

export function recoveryPointRef(collectionId: string, instanceId: string): CimRef {
  return { className: CLASS.recoveryPoint, keys: { InstanceID: instanceId, CollectionID: collectionId } };
}

async function replicationService(session: CimSession, context: ErrorContext): Promise<CimRef> {
  const services = await session.query(CLASS.replicationService);
  const service = services[0];
  if (service === undefined) {
    throw new HyperVError(
      `Not supported: ${CLASS.replicationService} does not exist on ${session.target}. VM collection replication needs Windows Server 2016 or later and the root\\HyperVCluster\\v2 namespace (a cluster node)`,
      context,
    );
  }
  const keyNames = ["CreationClassName", "Name", "SystemCreationClassName", "SystemName"];
  const keys = Object.fromEntries(
    keyNames
      .filter((k) => service.properties[k] !== undefined)
      .map((k) => [k, service.properties[k] as string]),
  );
  return { className: CLASS.replicationService, keys };
}

/**
 * Calls one failover method of Msvm_CollectionReplicationService for a collection and sees it through: 0 is done,
 * 4096 means waiting for the job to reach a terminal state, anything else is a named error. 32774 (in use) is
 * retried with back-off; the caller decides what 32775 means, because only it knows the desired state.
 */
export async function callFailoverMethod(
  session: CimSession,
  collection: Collection,
  method: FailoverMethod,
  recoveryPoint: string | null,
  options: MethodOptions,
): Promise<MethodResult> {
  const context: ErrorContext = { collection: collection.name, method, host: session.target };
  try {
    const service = await replicationService(session, context);
    const args: Record<string, CimArguments[string]> = { Collection: collectionRef(collection.id) };
    if (method === "InitiateFailover" && recoveryPoint !== null) {
      args.CollectionRecoveryPoint = recoveryPointRef(collection.id, recoveryPoint);
    }
    const { clock } = options;
    let startedAt = clock.now();
    let result = await session.invoke(service, method, args, { signal: options.signal });
    for (let attempt = 0; result.returnValue === ReturnCode.SystemInUse; attempt++) {
      if (attempt >= options.busyRetries.attempts) break;
      const delay = options.busyRetries.initialDelayMs * 2 ** attempt;
      options.progress(
        `${method}: the collection is in use (32774); trying again in ${Math.round(delay / 1000)} s`,
      );
      await clock.sleep(delay, options.signal);
      startedAt = clock.now();
      result = await session.invoke(service, method, args, { signal: options.signal });
    }
    if (result.returnValue === ReturnCode.Completed) {
      return { record: operationRecord(method, null, null, null, startedAt, clock.now()), vanished: false };
    }
    const job = result.outParameters.Job;
    if (result.returnValue !== ReturnCode.JobStarted || !isCimRef(job)) {
      throw new HyperVReturnCodeError(result.returnValue, context);
    }
    const outcome = await waitForJob(session, job, {
      clock,
      deadline: startedAt + options.timeoutSeconds * 1000,
      timeoutSeconds: options.timeoutSeconds,
      polling: options.polling,
      cancelOnTimeout: options.cancelOnTimeout,
      onProgress: (j) => options.progress(describeProgress(method, j)),
      signal: options.signal,
      context,
    });
    const jobId = String(job.keys.InstanceID);
    if (outcome.kind === "vanished") {
      return {
        record: operationRecord(method, jobId, "Vanished", null, startedAt, clock.now()),
        vanished: true,
      };
    }
    if (outcome.job.jobState !== 7) {
      const error = new HyperVJobError(await describeFailure(session, outcome.job), context);
      error.operation = finished(method, outcome.job, startedAt, clock.now());
      throw error;
    }
    return { record: finished(method, outcome.job, startedAt, clock.now()), vanished: false };
  } catch (error) {
    throw withContext(error, context);
  }
}

function finished(method: FailoverMethod, job: JobSnapshot, startedAt: number, finishedAt: number) {
  return operationRecord(method, job.id, jobStateName(job.jobState), job.errorCode, startedAt, finishedAt);
}

export function operationRecord(
  method: FailoverMethod,
  jobId: string | null,
  jobState: string | null,
  errorCode: number | null,
  startedAt: number,
  finishedAt: number | null,
): OperationRecord {
  return {
    method,
    jobId,
    jobState,
    errorCode,
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: finishedAt === null ? null : new Date(finishedAt).toISOString(),
  };
}
