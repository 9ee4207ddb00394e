import type { CimInstance, CimRef, CimSession } from "../cim";
import { CimError } from "../cim";
import type { Clock } from "../clock";
import { CLASS, isTerminalJobState, jobStateName } from "./codes";
import type { ErrorContext, JobFailure, TerminateOutcome } from "./errors";
import { HostError, JobTimeoutError, withContext } from "./errors";

/** A job as read from the host. */
export interface JobSnapshot {
  readonly id: string;
  readonly jobState: number;
  readonly percentComplete: number;
  readonly jobType: number;
  readonly cancellable: boolean;
  readonly errorCode: number;
  readonly errorDescription: string;
  readonly errorSummaryDescription: string;
}

/** How often to poll: fast at first, then slower up to a cap. */
export interface PollingOptions {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
}

export const DEFAULT_POLLING: PollingOptions = { initialMs: 250, maxMs: 5000, factor: 1.5 };

export interface JobWaitOptions {
  readonly clock: Clock;
  /** Absolute time (clock ms) at which to stop waiting; measured from the method call. */
  readonly deadline: number;
  /** The configured timeout, for messages. */
  readonly timeoutSeconds: number;
  readonly polling: PollingOptions;
  /** Request Terminate (RequestStateChange 4) at the deadline if the job is cancellable. */
  readonly cancelOnTimeout: boolean;
  readonly onProgress?: (job: JobSnapshot) => void;
  /** Called once per outage when a read of the job fails in transit; waiting goes on until the deadline. */
  readonly onContactLost?: (error: CimError) => void;
  readonly signal?: AbortSignal;
  readonly context: ErrorContext;
}

export type JobOutcome =
  | { readonly kind: "finished"; readonly job: JobSnapshot }
  /** The job was removed before it was seen finished (TimeBeforeRemoval passed); judge by the collection. */
  | { readonly kind: "vanished"; readonly jobId: string };

export function jobRef(id: string): CimRef {
  return { className: CLASS.job, keys: { InstanceID: id } };
}

const num = (i: CimInstance, p: string) =>
  typeof i.properties[p] === "number" ? (i.properties[p] as number) : 0;
const str = (i: CimInstance, p: string) =>
  typeof i.properties[p] === "string" ? (i.properties[p] as string) : "";

export function toJobSnapshot(instance: CimInstance): JobSnapshot {
  return {
    id: str(instance, "InstanceID"),
    jobState: num(instance, "JobState"),
    percentComplete: num(instance, "PercentComplete"),
    jobType: num(instance, "JobType"),
    cancellable: instance.properties.Cancellable === true,
    errorCode: num(instance, "ErrorCode"),
    errorDescription: str(instance, "ErrorDescription"),
    errorSummaryDescription: str(instance, "ErrorSummaryDescription"),
  };
}

/** One line for a job's progress, for example `RevertFailover job <id>: 40% running`. */
export function describeProgress(method: string, job: JobSnapshot): string {
  return `${method} job ${job.id}: ${job.percentComplete}% ${jobStateName(job.jobState).toLowerCase()}`;
}

/**
 * Waits until the job reaches a terminal state (7-10), polling fast at first and then slower up to a cap. Transport
 * drops while waiting are retried until the deadline, because the job keeps running on the host whatever happens to
 * the connection. A job that is simply gone (no transport error) finished and was removed after TimeBeforeRemoval:
 * only the collection can tell how it ended.
 */
export async function waitForJob(
  session: CimSession,
  ref: CimRef,
  options: JobWaitOptions,
): Promise<JobOutcome> {
  const { clock, polling } = options;
  const jobId = String(ref.keys.InstanceID);
  let delay = polling.initialMs;
  let lastSeen: string | undefined;
  let lostContact = false;
  for (;;) {
    const read = await readJob(session, ref, options);
    if (read.kind === "lost") {
      if (clock.now() >= options.deadline) throw new HostError(read.error, options.context, jobId);
      if (!lostContact) options.onContactLost?.(read.error);
      lostContact = true;
    } else if (read.kind === "gone") {
      return { kind: "vanished", jobId };
    } else {
      lostContact = false;
      const job = read.job;
      const seen = `${job.jobState}/${job.percentComplete}`;
      if (seen !== lastSeen) options.onProgress?.(job);
      lastSeen = seen;
      if (isTerminalJobState(job.jobState)) return { kind: "finished", job };
      if (clock.now() >= options.deadline) throw await timeOut(session, job, options);
    }
    await clock.sleep(Math.max(0, Math.min(delay, options.deadline - clock.now())), options.signal);
    delay = Math.min(polling.maxMs, delay * polling.factor);
  }
}

type JobRead =
  | { readonly kind: "seen"; readonly job: JobSnapshot }
  | { readonly kind: "gone" }
  | { readonly kind: "lost"; readonly error: CimError };

async function readJob(session: CimSession, ref: CimRef, options: JobWaitOptions): Promise<JobRead> {
  try {
    const instance = await session.get(ref, { signal: options.signal });
    return instance === undefined ? { kind: "gone" } : { kind: "seen", job: toJobSnapshot(instance) };
  } catch (error) {
    if (error instanceof CimError && error.transient) return { kind: "lost", error };
    throw withContext(error, options.context);
  }
}

async function timeOut(
  session: CimSession,
  job: JobSnapshot,
  options: JobWaitOptions,
): Promise<JobTimeoutError> {
  return new JobTimeoutError(
    job.id,
    options.timeoutSeconds,
    await terminate(session, job, options),
    options.context,
    job.jobState,
  );
}

/** Asks the host to terminate the job, when the user wants that and the job allows it. Never throws a CimError. */
async function terminate(
  session: CimSession,
  job: JobSnapshot,
  options: JobWaitOptions,
): Promise<TerminateOutcome> {
  if (!options.cancelOnTimeout) return { kind: "notAsked" };
  if (!job.cancellable) return { kind: "notCancellable" };
  try {
    const result = await session.invoke(jobRef(job.id), "RequestStateChange", { RequestedState: 4 });
    if (result.returnValue === 0 || result.returnValue === 4096) return { kind: "requested" };
    return { kind: "refused", detail: `return value ${result.returnValue}` };
  } catch (error) {
    if (!(error instanceof CimError)) throw error;
    return { kind: "refused", detail: error.message };
  }
}

/** Collects what the host says about a failed job, including the GetErrorEx messages when it gives them. */
export async function describeFailure(session: CimSession, job: JobSnapshot): Promise<JobFailure> {
  let errors: string[] = [];
  try {
    const result = await session.invoke(jobRef(job.id), "GetErrorEx", {});
    const raw = result.outParameters.Errors;
    if (Array.isArray(raw)) errors = raw.map((e) => cimErrorMessage(String(e)));
  } catch (error) {
    // The job's own fields still explain the failure; a failed GetErrorEx must not hide them.
    if (!(error instanceof CimError || error instanceof HostError)) throw error;
  }
  return {
    jobId: job.id,
    jobState: job.jobState,
    errorCode: job.errorCode,
    errorDescription: job.errorDescription,
    errorSummaryDescription: job.errorSummaryDescription,
    errors,
  };
}

/** Pulls the Message property out of a CIM-XML CIM_Error instance; other text passes through trimmed. */
export function cimErrorMessage(text: string): string {
  const match = /<PROPERTY\s+NAME="Message"[^>]*>\s*<VALUE>([\s\S]*?)<\/VALUE>/i.exec(text);
  const message = match ? match[1] : text;
  return message
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&")
    .trim();
}
