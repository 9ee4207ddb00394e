/**
 * The engine's bound on one operation: the resource option `customTimeouts`, which the engine sends to a native
 * plugin as the `timeout` seconds of CreateRequest, UpdateRequest and DeleteRequest. The door runs the operation
 * inside {@link withEngineTimeout}; every job wait, 32774 patience and wait for guests to shut down of that operation
 * then ends at whichever comes first, this deadline or its own jobTimeoutSeconds (shutdownTimeoutSeconds), and the
 * error names the one that ran out; each single CIM read it starts ends at the deadline too (boundedReads.ts). The
 * deadline follows the operation's async calls, so operations on other resources in the same process keep their own.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Deadline } from "../hyperv";

export type TimedOperation = "create" | "update" | "delete";

const deadlines = new AsyncLocalStorage<Deadline>();

/** Runs `fn` with a deadline `seconds` after `now` (clock ms); 0 (the engine's "none") runs it unbounded. */
export function withEngineTimeout<T>(
  operation: TimedOperation,
  seconds: number,
  now: number,
  fn: () => Promise<T>,
): Promise<T> {
  if (!(seconds > 0)) return fn();
  const bound = { setting: `customTimeouts.${operation}`, seconds };
  return deadlines.run({ at: now + seconds * 1000, bound }, fn);
}

/** The deadline of the operation this call belongs to, if the engine gave one. */
export const engineDeadline = (): Deadline | undefined => deadlines.getStore();
