import type { Collection, ErrorContext } from "../hyperv";
import { InvalidStateError, replicationStateName } from "../hyperv";
import type { Step } from "./plan";
import { describeObservation } from "./plan";

/**
 * Checks the collection as read again after a step's job: the line to log when it reached what the step expects,
 * else an InvalidStateError that says whether the job reported success or vanished first.
 */
export function verifyStep(
  step: Step,
  before: Collection,
  after: Collection,
  vanished: boolean,
  context: ErrorContext,
): string {
  const change = `${replicationStateName(before.replicationState)} (${before.replicationState}) -> ${replicationStateName(after.replicationState)} (${after.replicationState})`;
  if (step.expect.includes(after.replicationState)) return `${step.method} done: ${change}`;
  const expected = step.expect.map((s) => `${replicationStateName(s)} (${s})`).join(" or ");
  const how = vanished
    ? `its job was removed from the host before it was seen finishing, and the collection did not reach ${expected}`
    : `it reported success, but the collection did not reach ${expected}`;
  throw new InvalidStateError(
    `after ${step.method}, ${describeObservation(after)}: ${how}`,
    "Refresh the stack to record the real state, check the Hyper-V-VMMS-Admin event log on the host, then run again",
    { ...context, method: step.method },
  );
}
