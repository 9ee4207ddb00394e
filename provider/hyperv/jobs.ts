import type { CimInstance, CimRef, CimSession } from "../cim";
import { CimError, parseCimDateTime } from "../cim";
import type { Clock } from "../clock";
import { CLASS, isTerminalJobState } from "./codes";
import type { ErrorContext } from "./errors";
import { HostError, withContext } from "./errors";
import { JobTimeoutError, type JobFailure, type TerminateOutcome, type TimeoutBound } from "./jobErrors";
import { type JobRead, type TickOptions, watcherFor } from "./jobWatcher";
import { jobProgress, progressLine } from "./progress";

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
  /** TimeSubmitted, from the job's own properties (epoch ms on the host's clock), when the host gave it. */
  readonly submittedAt?: number;
  /** TimeOfLastStateChange (epoch ms on the host's clock): for a finished job, when it ended. */
  readonly changedAt?: number;
}

/** How often the session's job watcher reads: fast at first, then slower up to a cap. */
export type PollingOptions = TickOptions;

/**
 * A read every 250 ms while any job is in flight: one read per tick serves every job on the session, so a short
 * tick is cheap, and a job's end is seen 125 ms after it on average. A slow read stretches the pause (jobWatcher.ts).
 */
export const DEFAULT_POLLING: PollingOptions = { initialMs: 250, maxMs: 250, factor: 1.5 };

/** When to stop waiting (clock ms), and the setting that says so, for messages. */
export interface Deadline {
  readonly at: number;
  readonly bound: TimeoutBound;
}

/**
 * A job's deadline: `timeoutSeconds` (jobTimeoutSeconds) after the call, or the whole operation's deadline set
 * outside (the engine's customTimeouts) when that comes first.
 */
export function jobDeadline(startedAt: number, timeoutSeconds: number, outer?: Deadline): Deadline {
  return firstDeadline(startedAt, { setting: "jobTimeoutSeconds", seconds: timeoutSeconds }, outer);
}

/** A wait's own bound (`own.seconds` after `startedAt`), or the whole operation's deadline when that comes first. */
export function firstDeadline(startedAt: number, own: TimeoutBound, outer?: Deadline): Deadline {
  const mine = { at: startedAt + own.seconds * 1000, bound: own };
  return outer !== undefined && outer.at < mine.at ? outer : mine;
}

export interface JobWaitOptions {
  readonly clock: Clock;
  /** When to stop waiting; measured from the method call. */
  readonly deadline: Deadline;
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
    ...times(instance),
  };
}

function times(instance: CimInstance): { submittedAt?: number; changedAt?: number } {
  const submittedAt = parseCimDateTime(instance.properties.TimeSubmitted);
  const changedAt = parseCimDateTime(instance.properties.TimeOfLastStateChange);
  return {
    ...(submittedAt !== undefined ? { submittedAt } : {}),
    ...(changedAt !== undefined ? { changedAt } : {}),
  };
}

/**
 * One line for a job's progress, the same on every resource: `RevertFailover job <id>: 40% running, 1 min 20 s
 * elapsed, about 2 min left` (progress.ts).
 */
export function describeProgress(method: string, job: JobSnapshot, elapsedMs: number): string {
  return progressLine(jobProgress(method, job, elapsedMs));
}

/**
 * Waits until the job reaches a terminal state (7-10). The session's {@link JobWatcher} reads it, in one request
 * with every other job waited for on the session. Transport drops while waiting are retried until the deadline,
 * because the job keeps running on the host whatever happens to the connection. A job that is simply gone (no
 * transport error) finished and was removed after TimeBeforeRemoval: only the collection can tell how it ended.
 */
export async function waitForJob(
  session: CimSession,
  ref: CimRef,
  options: JobWaitOptions,
): Promise<JobOutcome> {
  const jobId = String(ref.keys.InstanceID);
  const ended = await watchUntilEnd(session, jobId, options);
  if (ended.kind !== "timedOut") return ended;
  throw await timeOut(session, ended.job, options);
}

type WatchEnd = JobOutcome | { readonly kind: "timedOut"; readonly job: JobSnapshot };

/** Follows the watcher's reads of one job until it ends, vanishes, fails to be read, or passes its deadline. */
function watchUntilEnd(session: CimSession, jobId: string, options: JobWaitOptions): Promise<WatchEnd> {
  const { clock, signal } = options;
  const watcher = watcherFor(session, clock, options.polling);
  return new Promise<WatchEnd>((resolve, reject) => {
    let lastSeen: string | undefined;
    let lostContact = false;
    const onAbort = () => finish(() => reject(signal?.reason));
    const finish = (settle: () => void) => {
      unsubscribe();
      signal?.removeEventListener("abort", onAbort);
      settle();
    };
    const onRead = (read: JobRead) => {
      if (read.kind === "failed") return finish(() => reject(withContext(read.error, options.context)));
      if (read.kind === "gone") return finish(() => resolve({ kind: "vanished", jobId }));
      if (read.kind === "lost") {
        if (clock.now() >= options.deadline.at) {
          return finish(() => reject(new HostError(read.error, options.context, jobId)));
        }
        if (!lostContact) options.onContactLost?.(read.error);
        lostContact = true;
        return;
      }
      lostContact = false;
      const job = toJobSnapshot(read.instance);
      const seen = `${job.jobState}/${job.percentComplete}`;
      if (seen !== lastSeen) options.onProgress?.(job);
      lastSeen = seen;
      if (isTerminalJobState(job.jobState)) return finish(() => resolve({ kind: "finished", job }));
      if (clock.now() >= options.deadline.at) return finish(() => resolve({ kind: "timedOut", job }));
    };
    if (signal?.aborted) return reject(signal.reason);
    const unsubscribe = watcher.subscribe({ jobId, deadline: options.deadline.at, onRead });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

async function timeOut(
  session: CimSession,
  job: JobSnapshot,
  options: JobWaitOptions,
): Promise<JobTimeoutError> {
  const outcome = await terminate(session, job, options);
  const error = new JobTimeoutError(job.id, options.deadline.bound, outcome, options.context, job.jobState);
  // After a Terminate request, what the host reports now is the truth to record, not the state before it.
  if (outcome.kind === "requested") error.after = await readAfterTerminate(session, job);
  return error;
}

async function readAfterTerminate(session: CimSession, job: JobSnapshot): Promise<JobSnapshot | undefined> {
  try {
    const instance = await session.get(jobRef(job.id));
    return instance === undefined ? undefined : toJobSnapshot(instance);
  } catch (error) {
    if (error instanceof CimError) return undefined;
    throw error;
  }
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
