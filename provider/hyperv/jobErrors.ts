/** The errors of a job that ended badly or outlived its deadline. */
import { jobStateName } from "./codes";
import { compose, HyperVError, watchJob, type ErrorContext } from "./errors";

/** What is known about a job when it ended badly. */
export interface JobFailure {
  readonly jobId: string;
  readonly jobState: number;
  readonly errorCode: number;
  readonly errorDescription: string;
  readonly errorSummaryDescription: string;
  /** The messages of GetErrorEx, if the host gave any. */
  readonly errors: readonly string[];
}

/** A job ended in Terminated, Killed or Exception. */
export class HyperVJobError extends HyperVError {
  override name = "HyperVJobError";

  constructor(
    readonly failure: JobFailure,
    context: ErrorContext,
  ) {
    const f = failure;
    const texts = [f.errorDescription, f.errorSummaryDescription, ...f.errors].filter((t) => t.trim() !== "");
    const unique = [...new Set(texts)];
    super(
      compose(
        "Hyper-V job failed",
        `job ${f.jobId} ended ${jobStateName(f.jobState)} (${f.jobState}) with ErrorCode ${f.errorCode}` +
          (unique.length > 0 ? `: ${unique.join(" | ")}` : ""),
        context,
        "Refresh the stack to see the collection's state; the Hyper-V-VMMS-Admin event log on the host has the details",
      ),
      context,
    );
  }
}

/**
 * What became of the job at the deadline: Terminate was requested and accepted, not asked for, not possible
 * because the job is not cancellable, or refused by the host.
 */
export type TerminateOutcome =
  | { readonly kind: "requested" }
  | { readonly kind: "notAsked" }
  | { readonly kind: "notCancellable" }
  | { readonly kind: "refused"; readonly detail: string };

/**
 * The setting a job's deadline came from, as the user writes it: `jobTimeoutSeconds` for one job, or a bound on the
 * whole operation set outside (the engine's `customTimeouts`) when that one ends first.
 */
export interface TimeoutBound {
  readonly setting: string;
  readonly seconds: number;
}

function timeoutAdvice(jobId: string, terminate: TerminateOutcome, bound: TimeoutBound): string {
  switch (terminate.kind) {
    case "requested":
      return "Termination of the job was requested (RequestStateChange 4); refresh the stack to see where the collection ended up";
    case "notAsked":
      return `The job is still running on the host: ${watchJob(jobId)}. Raise ${bound.setting} for long failovers`;
    case "notCancellable":
      return `cancelJobOnTimeout is set, but Hyper-V marks this job as not cancellable, so it was left running on the host: ${watchJob(jobId)}`;
    case "refused":
      return `Termination (RequestStateChange 4) was not accepted (${terminate.detail}), so the job is still running on the host: ${watchJob(jobId)}`;
  }
}

/** A job was still unfinished at the deadline. */
export class JobTimeoutError extends HyperVError {
  override name = "JobTimeoutError";

  constructor(
    readonly jobId: string,
    /** The bound that ran out: jobTimeoutSeconds, or the operation's customTimeouts when that ended first. */
    readonly bound: TimeoutBound,
    readonly terminate: TerminateOutcome,
    context: ErrorContext,
    /** The JobState last read, before any Terminate request. */
    readonly lastJobState = 4,
  ) {
    super(
      compose(
        "Timed out waiting for a Hyper-V job",
        `job ${jobId} did not finish within ${bound.seconds} s (${bound.setting})`,
        context,
        timeoutAdvice(jobId, terminate, bound),
      ),
      context,
    );
  }

  /** The job as read again after a Terminate request was accepted, when the host still had it. */
  after?: { readonly jobState: number; readonly errorCode: number; readonly changedAt?: number };

  /** Whether the host accepted a Terminate request for the job. */
  get terminateRequested(): boolean {
    return this.terminate.kind === "requested";
  }
}
