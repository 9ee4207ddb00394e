/**
 * Cancel for the native plugin. The engine calls Cancel when the user interrupts `pulumi up`; from then on every
 * wait the runtime makes (job polling, back-off, settling) ends at once with a clear error, because every wait goes
 * through the clock. A job already running on the host goes on there: Cancel stops the waiting, never Hyper-V.
 */
import type { Clock } from "../../clock";

export class CancelledError extends Error {
  override name = "CancelledError";
}

export interface CancellableClock {
  readonly clock: Clock;
  cancel(): void;
}

export function cancellableClock(inner: Clock): CancellableClock {
  const controller = new AbortController();
  const reason = new CancelledError(
    "the operation was cancelled (pulumi cancel or Ctrl-C) while waiting; a Hyper-V job already started goes on on the host. Refresh the stack to record what the host shows",
  );
  return {
    clock: {
      now: () => inner.now(),
      sleep: (ms, signal) =>
        inner.sleep(ms, signal ? AbortSignal.any([signal, controller.signal]) : controller.signal),
    },
    cancel: () => controller.abort(reason),
  };
}
