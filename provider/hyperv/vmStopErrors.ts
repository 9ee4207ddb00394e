/**
 * How a stop of member VMs (vmShutdown.ts) ends when it does not go through: refused, with the VMs already shut
 * down, or interrupted part-way, with what it had done.
 */
import type { ErrorContext } from "./errors";
import { HyperVError, InvalidStateError } from "./errors";
import type { OperationRecord } from "./replicationService";
import type { VmIdentity } from "./vmPower";

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

export const hardAdvice = (what: string) =>
  `${what}, or set allowHardPowerOff: true to power such VMs off (RequestStateChange 3), which loses what their guests have not written to disk`;
