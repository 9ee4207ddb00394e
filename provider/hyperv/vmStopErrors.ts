/**
 * How a stop of member VMs (vmShutdown.ts) ends when it does not go through: refused, with the VMs already shut
 * down, or interrupted part-way, with what it had done.
 */
import type { ErrorContext } from "./errors";
import type { TimeoutBound } from "./jobErrors";
import { HyperVError, InvalidStateError } from "./errors";
import type { OperationRecord } from "./replicationService";
import type { VmIdentity } from "./vmPower";

/** The setting that bounds each guest's shutdown, as messages name it. */
export const SHUTDOWN_SETTING = "shutdownTimeoutSeconds";

/** One VM turned off: which way, and the call's record. */
export interface VmStopped {
  readonly vm: VmIdentity;
  readonly way: "guest" | "hard";
  readonly record: OperationRecord;
}

/** A refusal after some guests shut down: `stopped` lists them, so the caller can start them again. */
export class GuestShutdownRefused extends InvalidStateError {
  override name = "GuestShutdownRefused";
  constructor(
    readonly detail: string,
    readonly advice: string,
    context: ErrorContext,
    readonly stopped: readonly VmStopped[],
  ) {
    super(detail, advice, context);
  }
}

/** A call on one VM whose job failed, with its record. */
export interface VmCallFailed {
  readonly vm: VmIdentity;
  readonly record: OperationRecord;
}

/**
 * A stop that failed part-way for another reason than a refusal: a read or call that failed in transit, a job that
 * failed, the engine's cancel. `asked` are the VMs a call may have reached, `stopped` those seen off before it
 * failed, and `failed` the calls whose jobs failed; others may have gone off since, so the caller reads the host to
 * learn where they are. The message is the failure's own.
 */
export class StopInterrupted extends HyperVError {
  override name = "StopInterrupted";
  constructor(
    readonly failure: unknown,
    readonly asked: readonly VmIdentity[],
    readonly stopped: readonly VmStopped[],
    readonly failed: readonly VmCallFailed[],
    context: ErrorContext,
  ) {
    super(failure instanceof Error ? failure.message : String(failure), context, { cause: failure });
  }
}

const hardAdvice = (what: string) =>
  `${what}, or set allowHardPowerOff: true to power such VMs off (RequestStateChange 3), which loses what their guests have not written to disk`;

/** Refused before any call: these VMs can only be powered off hard, which the request does not allow. */
export function refuseBefore(
  hard: readonly { readonly vm: VmIdentity; readonly why: string }[],
  context: ErrorContext,
): InvalidStateError {
  const list = hard.map((h) => `VM '${h.vm.name}': ${h.why}`).join("; ");
  return new InvalidStateError(
    `a guest shutdown (Msvm_ShutdownComponent.InitiateShutdown) is not possible for ${list}; nothing was turned off`,
    hardAdvice(
      "Enable the Shutdown integration service in those VMs (Enable-VMIntegrationService -Name Shutdown), start any that are Saved or Paused, or connect to the node that runs them",
    ),
    context,
  );
}

/** A VM still on when the wait for its guest ended, and why. */
export interface Straggler {
  readonly vm: VmIdentity;
  readonly why: string;
}

/**
 * Refused after the wait: `stragglers` are still on, `stopped` had shut down. `bound` is what ended the wait:
 * shutdownTimeoutSeconds, or the whole operation's bound (then nothing may be powered off hard).
 */
export function refuseAfter(
  stragglers: readonly Straggler[],
  stopped: readonly VmStopped[],
  options: { readonly shutdownTimeoutSeconds: number; readonly context: ErrorContext },
  bound: TimeoutBound,
): GuestShutdownRefused {
  const list = stragglers.map((s) => `VM '${s.vm.name}': ${s.why}`).join("; ");
  const advice =
    bound.setting === SHUTDOWN_SETTING
      ? hardAdvice(
          `Shut those guests down from inside (or find what holds them up), raise shutdownTimeoutSeconds (now ${options.shutdownTimeoutSeconds})`,
        )
      : `Nothing was powered off hard: ${bound.setting} had run out. Raise ${bound.setting} (now ${bound.seconds} s) above shutdownTimeoutSeconds (${options.shutdownTimeoutSeconds}) so that the guests have their time, or shut them down from inside, then run again`;
  return new GuestShutdownRefused(list, advice, options.context, stopped);
}
