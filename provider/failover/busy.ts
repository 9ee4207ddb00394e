/**
 * The patience for 32774 (System is in use) while no failover job of the collection is visible. Hyper-V refused
 * without acting, so calling again is safe; the pauses start at `busyRetries.initialDelayMs` and double up to
 * `maxDelayMs`, and the whole wait is bounded by the request's jobTimeoutSeconds, counted from the first 32774, or by
 * the operation's own deadline (the engine's customTimeouts) when that comes first.
 */
import type { Clock } from "../clock";
import type { Deadline } from "../hyperv";
import { HyperVReturnCodeError, jobDeadline, RETURN_CODE_ADVICE, ReturnCode } from "../hyperv";

export interface BusyPatience {
  /** How many calls the host has answered 32774 in this run. */
  readonly calls: number;
  /** Counts one more 32774; the pause before calling again, or undefined once the patience is spent. */
  answered(): number | undefined;
  /** The error that ends the run when the patience is spent. */
  exhausted(error: HyperVReturnCodeError): HyperVReturnCodeError;
}

export interface BusyDeps {
  readonly clock: Clock;
  readonly busyRetries: { readonly initialDelayMs: number; readonly maxDelayMs: number };
  readonly operationDeadline?: () => Deadline | undefined;
}

export function busyPatience(deps: BusyDeps, timeoutSeconds: number): BusyPatience {
  const { at: deadline, bound } = jobDeadline(deps.clock.now(), timeoutSeconds, deps.operationDeadline?.());
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    answered() {
      calls++;
      const now = deps.clock.now();
      if (now >= deadline) return undefined;
      const { initialDelayMs, maxDelayMs } = deps.busyRetries;
      return Math.min(initialDelayMs * 2 ** (calls - 1), maxDelayMs, deadline - now);
    },
    exhausted(error) {
      return new HyperVReturnCodeError(
        ReturnCode.SystemInUse,
        error.context,
        calls,
        `${RETURN_CODE_ADVICE[ReturnCode.SystemInUse]}. The provider called again for ${bound.setting} (${bound.seconds} s) and saw no failover job of this collection it could wait for`,
      );
    },
  };
}
