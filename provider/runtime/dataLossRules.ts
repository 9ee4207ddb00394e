/**
 * The inputs of the data-loss acknowledgement, one rule for every resource (failover/dataLoss.ts says why a token
 * and not a boolean): `acknowledgeDataLoss`, `rehearsalMinutes`, and the refusal of the old `allowDataLoss: true`.
 */
import { DEFAULT_REHEARSAL_MINUTES, MAX_REHEARSAL_MINUTES } from "../failover/dataLoss";
import type { Rule } from "./rules";
import { integer, isUnknown, show } from "./rules";

/** `<kind>:<CollectionID>:<time>`, as failover/dataLoss.ts makes them. */
const TOKEN =
  /^(revert-failover|split-brain|unplanned-failover|failover-and-commit|commit-older-point):[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}:[0-9A-Za-z:.-]{1,40}$/;
const MAX_TOKENS = 8;

const tokenRule = (v: unknown, at: string): string | undefined => {
  if (isUnknown(v)) return undefined;
  if (typeof v === "string" && TOKEN.test(v)) return undefined;
  return `${at} ${show(v)} is not a value a refusal or preview printed; copy it exactly, such as 'revert-failover:6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10:2026-11-27T08:00:00Z', or leave acknowledgeDataLoss out`;
};

export const acknowledgeDataLossRule: Rule = (v) => {
  if (!Array.isArray(v)) {
    return `must be a list of the values a refusal or preview printed, such as ["revert-failover:<CollectionID>:<time>"], got ${show(v)}`;
  }
  if (v.length > MAX_TOKENS) return `has ${v.length} values; at most ${MAX_TOKENS}, one per loss`;
  for (const [i, item] of v.entries()) {
    const reason = tokenRule(item, `[${i}]`);
    if (reason) return reason;
  }
  return undefined;
};

export const rehearsalMinutesRule: Rule = integer(
  0,
  MAX_REHEARSAL_MINUTES,
  `a revert whose failed-over VMs each ran at most this many minutes needs no acknowledgement (default ${DEFAULT_REHEARSAL_MINUTES}; 0 asks for one whenever a VM ran)`,
);

/**
 * `allowDataLoss` was a standing boolean: left true after a disaster it authorized a later, different loss. Only
 * `false` (the old default, which authorizes nothing) is still accepted, so old programs that set it explicitly run.
 */
export const allowDataLossRule: Rule = (v) => {
  if (v === false) return undefined;
  return `${show(v)} is no longer accepted: a standing allowDataLoss authorized every later loss too. Remove it; when a run would lose data it refuses, calling nothing, and prints the acknowledgeDataLoss value that authorizes that loss only`;
};

/** The acknowledged tokens from validated inputs. */
export const acknowledgedOf = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((t): t is string => typeof t === "string") : [];
