import type { CimArguments, CimRef, CimSession } from "../cim";
import { CimError, isCimRef } from "../cim";
import type { Clock } from "../clock";
import type { Collection } from "./collections";
import { collectionRef } from "./collections";
import { CLASS, JobState, ReturnCode, type ServiceMethod } from "./codes";
import type { ErrorContext } from "./errors";
import { HyperVError, HyperVReturnCodeError, withContext } from "./errors";
import { HyperVJobError, JobTimeoutError } from "./jobErrors";
import type { Deadline, JobOutcome, JobSnapshot, PollingOptions } from "./jobs";
import { describeFailure, describeProgress, jobDeadline, jobRef, waitForJob } from "./jobs";
import type { ProgressCadence, ProgressLine } from "./progressPacing";
import { progressPacer } from "./progressPacing";
import { finishedRecord, operationRecord, timedOutRecord } from "./records";
import type { ReadRetryOptions } from "./retry";
import { replicationService } from "./service";

/** The recovery point a failover or test failover used, as listed before the call. */
export interface PointUsed {
  readonly instanceId: string;
  readonly creationTime: string | null;
  readonly consistencyLevel: string;
}

/** What the provider reports about the last method it called. Times are ISO 8601. */
export interface OperationRecord {
  /** For InitiateFailover and TestReplicaCollection: the point chosen from `recoveryPoint`. */
  readonly recoveryPoint?: PointUsed;
  /**
   * For InitiateFailover: seconds from the recovery point's CreationTime to the call, the writes that the failed-over
   * VMs do not have (inferred: the docs define no such figure); null when the point has no time.
   */
  readonly dataLossWindowSeconds?: number | null;
  /**
   * The method called: a failover method of the service, another of its methods, a VM's RequestStateChange, or its
   * Msvm_ShutdownComponent's InitiateShutdown (whose record ends when the VM was seen Off).
   */
  readonly method: string;
  readonly jobId: string | null;
  /** The job's final state name (`Completed`), `Vanished` when the host removed it first, or null without a job. */
  readonly jobState: string | null;
  readonly errorCode: number | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
}

export interface MethodOptions {
  readonly clock: Clock;
  /** jobTimeoutSeconds: how long to wait for one job. */
  readonly timeoutSeconds: number;
  /** The whole operation's deadline set outside (the engine's customTimeouts), read when a job starts. */
  readonly operationDeadline?: () => Deadline | undefined;
  readonly polling: PollingOptions;
  readonly cancelOnTimeout: boolean;
  /**
   * Lines for the user. A job's progress comes as `status`, a passing line a door may show in place of the last,
   * whenever its percentage or state changes (as `progressCadence` paces it); everything else is kept.
   */
  readonly progress: ProgressLine;
  /** How often a job's progress is worth a line; null: at every change (the native plugin's ephemeral lines). */
  readonly progressCadence?: ProgressCadence | null;
  /** How often to retry 32774 (System is in use), and the first back-off. */
  readonly busyRetries: { readonly attempts: number; readonly initialDelayMs: number };
  /** How to retry the reads around the call (the service lookup) when the transport drops them. */
  readonly readRetries: ReadRetryOptions;
  readonly signal?: AbortSignal;
}

export interface MethodResult {
  readonly record: OperationRecord;
  /** The call's out parameters, such as TestReplicaCollection's ResultingCollection; empty for an adopted job. */
  readonly outParameters: Readonly<Record<string, unknown>>;
  /** True when the job disappeared before it was seen finished: only a re-read can tell the outcome. */
  readonly vanished: boolean;
}

export function recoveryPointRef(collectionId: string, instanceId: string): CimRef {
  return { className: CLASS.recoveryPoint, keys: { InstanceID: instanceId, CollectionID: collectionId } };
}

/**
 * Calls one failover method of Msvm_CollectionReplicationService for a collection and sees it through: 0 is done,
 * 4096 means waiting for the job to reach a terminal state, anything else is a named error. 32774 (in use) is
 * called again as `options.busyRetries` says: the failover driver asks for none, since it looks for the job that
 * holds the collection instead. The caller decides what 32775 means, because only it knows the desired state.
 */
export async function callFailoverMethod(
  session: CimSession,
  collection: Collection,
  method: ServiceMethod,
  recoveryPoint: string | null,
  options: MethodOptions,
): Promise<MethodResult> {
  const context: ErrorContext = { collection: collection.name, method, host: session.target };
  try {
    const service = await replicationService(session, context, options);
    const args: Record<string, CimArguments[string]> = { Collection: collectionRef(collection.id) };
    // Both methods take the point as a REF, "NULL" meaning the latest (documented); leaving it out passes NULL.
    if ((method === "InitiateFailover" || method === "TestReplicaCollection") && recoveryPoint !== null) {
      args.CollectionRecoveryPoint = recoveryPointRef(collection.id, recoveryPoint);
    }
    return await invokeThrough(session, service, method, args, context, options);
  } catch (error) {
    throw withContext(error, context);
  }
}

/**
 * Calls any method of Msvm_CollectionReplicationService for a collection, with extra arguments (such as
 * CollectionReplicationSettingData), and sees it through as {@link callFailoverMethod} does.
 */
export async function callServiceMethod(
  session: CimSession,
  collection: Collection,
  method: string,
  extra: Readonly<Record<string, CimArguments[string]>>,
  options: MethodOptions,
): Promise<MethodResult> {
  const context: ErrorContext = { collection: collection.name, method, host: session.target };
  try {
    const service = await replicationService(session, context, options);
    const args = { ...extra, Collection: collectionRef(collection.id) };
    return await invokeThrough(session, service, method, args, context, options);
  } catch (error) {
    throw withContext(error, context);
  }
}

/**
 * Invokes `method` on `target` and sees it through: 0 is done, 4096 means waiting for the job to reach a terminal
 * state, anything else is a named error. 32774 (in use) is retried with back-off, because the host refused
 * without acting. Errors are thrown as they are; callers add their context.
 */
export async function invokeThrough(
  session: CimSession,
  target: CimRef,
  method: string,
  args: CimArguments,
  context: ErrorContext,
  options: MethodOptions,
): Promise<MethodResult> {
  const { clock } = options;
  let startedAt = clock.now();
  let result = await session.invoke(target, method, args, { signal: options.signal });
  let attempts = 1;
  while (result.returnValue === ReturnCode.SystemInUse && attempts <= options.busyRetries.attempts) {
    const delay = options.busyRetries.initialDelayMs * 2 ** (attempts - 1);
    options.progress(
      `${method}: the collection is in use (32774); trying again in ${Math.round(delay / 1000)} s`,
    );
    await clock.sleep(delay, options.signal);
    startedAt = clock.now();
    result = await session.invoke(target, method, args, { signal: options.signal });
    attempts++;
  }
  if (result.returnValue === ReturnCode.Completed) {
    return {
      record: operationRecord(method, null, null, null, startedAt, clock.now()),
      outParameters: result.outParameters,
      vanished: false,
    };
  }
  const job = result.outParameters.Job;
  if (result.returnValue !== ReturnCode.JobStarted) {
    throw new HyperVReturnCodeError(result.returnValue, context, attempts);
  }
  if (!isCimRef(job) || typeof job.keys.InstanceID !== "string" || job.keys.InstanceID === "") {
    // Waiting on anything else could follow another collection's job; re-reading is the honest way on.
    throw new CimError("protocol", `${method} started a job (4096) but returned no usable Job reference`);
  }
  try {
    const seen = await seeJobThrough(session, method, job, startedAt, context, options);
    return { ...seen, outParameters: result.outParameters };
  } catch (error) {
    // A run that stops waiting still knows what the call returned, such as the test collection it will make.
    if (error instanceof HyperVError) error.outParameters = result.outParameters;
    throw error;
  }
}

/**
 * Waits for a failover job that was already running (an interrupted run's, another pipeline's, or an operator's)
 * exactly as for one this run started. The deadline runs from now, not from the job's TimeSubmitted: that is the
 * host's clock, which may differ from this one. The record's startedAt is the job's own TimeSubmitted.
 */
export async function followFailoverJob(
  session: CimSession,
  collection: Collection,
  running: { readonly method: ServiceMethod; readonly job: JobSnapshot },
  options: MethodOptions,
): Promise<MethodResult> {
  const context: ErrorContext = { collection: collection.name, method: running.method, host: session.target };
  try {
    const ref = jobRef(running.job.id);
    const now = options.clock.now();
    const seen = await seeJobThrough(session, running.method, ref, now, context, options, running.job);
    return { ...seen, outParameters: {} };
  } catch (error) {
    throw withContext(error, context);
  }
}

/**
 * Waits for the job until the deadline and turns its end into a record, or into an error that carries one. The
 * record's times are the job's own when the host gives them (`seen` is the job as already read, for an adopted one).
 */
export async function seeJobThrough(
  session: CimSession,
  method: string,
  job: CimRef,
  startedAt: number,
  context: ErrorContext,
  options: MethodOptions,
  seen?: JobSnapshot,
): Promise<Omit<MethodResult, "outParameters">> {
  const { clock } = options;
  const jobId = String(job.keys.InstanceID);
  let submittedAt = seen?.submittedAt;
  const worthALine = progressPacer(clock, options.progressCadence ?? null);
  let outcome: JobOutcome;
  try {
    outcome = await waitForJob(session, job, {
      clock,
      deadline: jobDeadline(startedAt, options.timeoutSeconds, options.operationDeadline?.()),
      polling: options.polling,
      cancelOnTimeout: options.cancelOnTimeout,
      onProgress: (j) => {
        submittedAt ??= j.submittedAt;
        if (worthALine(j)) options.progress(describeProgress(method, j, clock.now() - startedAt), "status");
      },
      onContactLost: (e) =>
        options.progress(`${method} job ${jobId}: ${e.message}; the job goes on, still waiting`),
      signal: options.signal,
      context,
    });
  } catch (error) {
    // The stack should still name the job that is (or was) running on the host after the provider stopped waiting.
    if (error instanceof JobTimeoutError)
      error.operation = timedOutRecord(method, error, submittedAt ?? startedAt);
    throw error;
  }
  if (outcome.kind === "vanished") {
    return {
      record: operationRecord(method, jobId, "Vanished", null, submittedAt ?? startedAt, clock.now()),
      vanished: true,
    };
  }
  if (outcome.job.jobState !== JobState.Completed) {
    const error = new HyperVJobError(await describeFailure(session, outcome.job), context);
    error.operation = finishedRecord(method, outcome.job, startedAt, clock.now());
    throw error;
  }
  return { record: finishedRecord(method, outcome.job, startedAt, clock.now()), vanished: false };
}

export { finishedRecord, operationRecord } from "./records";
