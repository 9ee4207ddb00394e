/**
 * CollectionFailover's side of the data-loss acknowledgement: before the first call of a plan, read what decides
 * whether it throws writes away (the member VMs' run times, the recovery point it would commit), and refuse with no
 * call unless the program acknowledged that very event. The run and the preview share it, so both say the same.
 */
import type { CimSession } from "../cim";
import type { Collection, ErrorContext } from "../hyperv";
import { DataLossNotAcknowledgedError, readMembers } from "../hyperv";
import { chooseRecoveryPoint } from "./choosePoint";
import type { DataLossEvent } from "./dataLoss";
import {
  acknowledgedLine,
  DEFAULT_REHEARSAL_MINUTES,
  lossRefusal,
  revertLoss,
  unacknowledged,
  unplannedLoss,
} from "./dataLoss";
import type { Step } from "./plan";

export interface LossInputs {
  /** The tokens the program acknowledged (`acknowledgeDataLoss`). */
  readonly acknowledgedLosses?: readonly string[];
  /** The rehearsal window for a revert, in minutes (`rehearsalMinutes`). */
  readonly rehearsalMinutes?: number;
  readonly recoveryPoint: string;
}

const has = (steps: readonly Step[], method: Step["method"]) => steps.some((s) => s.method === method);

/**
 * The losses the plan's steps would cause, read from the host now:
 * - RevertFailover, when a failed-over VM ran longer than the rehearsal window (dataLoss.ts);
 * - InitiateFailover followed by CommitFailover in one run (from `normal` straight to `committed`): the point is
 *   committed before anyone could see the VMs run on it, and what the primary wrote after it is lost. Documented
 *   (CommitFailover): it "Commits the recovery snapshot that InitiateFailover has used for failover."; per VM, after
 *   a commit "the failover operation cannot be canceled", so no other recovery point can be chosen.
 */
export async function lossesOfSteps(
  session: CimSession,
  collection: Collection,
  steps: readonly Step[],
  request: LossInputs,
  now: number,
  context: ErrorContext,
): Promise<DataLossEvent[]> {
  const applied = collection.lastApplyTime ? Date.parse(collection.lastApplyTime) : null;
  if (has(steps, "RevertFailover")) {
    const vms = await readMembers(session, collection.id, context);
    const event = revertLoss({
      collectionId: collection.id,
      vms,
      failedOverTo: applied,
      now,
      rehearsalMinutes: request.rehearsalMinutes ?? DEFAULT_REHEARSAL_MINUTES,
    });
    return event ? [event] : [];
  }
  if (has(steps, "InitiateFailover") && has(steps, "CommitFailover")) {
    const { point } = await chooseRecoveryPoint(session, collection, request.recoveryPoint, context);
    const time = point.creationTime === null ? null : Date.parse(point.creationTime);
    return [
      unplannedLoss(
        "failover-and-commit",
        collection.id,
        time,
        now,
        `going from normal straight to committed fails over to recovery point ${point.instanceId} and commits it at once, before the VMs have run on it (no other point can be chosen afterwards)`,
      ),
    ];
  }
  return [];
}

/** Refuses, calling nothing, unless every loss of the steps is acknowledged; logs the acknowledged ones. */
export async function guardSteps(
  session: CimSession,
  collection: Collection,
  steps: readonly Step[],
  request: LossInputs,
  deps: { readonly clock: { now(): number }; readonly log: (line: string, kind?: "warning") => void },
  context: ErrorContext,
): Promise<void> {
  const events = await lossesOfSteps(session, collection, steps, request, deps.clock.now(), context);
  const missing = unacknowledged(events, request.acknowledgedLosses ?? []);
  if (missing.length > 0) {
    const { reason, advice } = lossRefusal(missing);
    throw new DataLossNotAcknowledgedError(reason, advice, context);
  }
  for (const event of events) deps.log(`[${collection.name}] ${acknowledgedLine(event)}`, "warning");
}
