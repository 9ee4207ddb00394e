/**
 * The one validator behind CollectionFailover's `check`, reused by create, update and the tests. It says which
 * property is wrong, what was wrong, and what to do.
 */
import { DESIRED_STATES } from "../../failover/states";
import { checkConnection } from "../../runtime/connectionRules";
import type { CheckFailure, Rule } from "../../runtime/rules";
import {
  boolean,
  checkObject,
  checkSelector,
  GUID,
  integer,
  oneOf,
  present,
  show,
  text,
} from "../../runtime/rules";
import { checkBootGroups } from "../../runtime/bootGroups";
import { acknowledgeDataLossRule, rehearsalMinutesRule } from "../../runtime/dataLossRules";
import { recoveryPointRule } from "../../runtime/recoveryPointRule";
import { reportDirectoryRule } from "../../runtime/report";
import type { ConnectionInputs } from "../../runtime/types";

const MAX_TIMEOUT_SECONDS = 7 * 24 * 3600;
const INPUT_KEYS = [
  "collectionId",
  "collectionName",
  "failoverState",
  "recoveryPoint",
  "requireHealthy",
  "startVirtualMachines",
  "jobTimeoutSeconds",
  "cancelJobOnTimeout",
  "acknowledgeDataLoss",
  "rehearsalMinutes",
  "bootGroups",
  "connection",
  "reportDirectory",
] as const;

const TOP_RULES: Readonly<Record<string, Rule>> = {
  collectionId: (v) =>
    typeof v === "string" && GUID.test(v)
      ? undefined
      : `${show(v)} is not a GUID; use the collection's CollectionID, such as 3f2504e0-4f89-11d3-9a0c-0305e82c3301 (Get-VMGroup shows it as Id), or set collectionName instead`,
  collectionName: text("the collection's name (its ElementName)", 256),
  failoverState: oneOf(DESIRED_STATES),
  recoveryPoint: recoveryPointRule,
  requireHealthy: boolean,
  startVirtualMachines: boolean,
  jobTimeoutSeconds: integer(
    1,
    MAX_TIMEOUT_SECONDS,
    "it bounds the wait for each Hyper-V job (default 1800)",
  ),
  cancelJobOnTimeout: boolean,
  acknowledgeDataLoss: acknowledgeDataLossRule,
  rehearsalMinutes: rehearsalMinutesRule,
  // Checked on their own, below.
  bootGroups: () => undefined,
  connection: () => undefined,
  reportDirectory: reportDirectoryRule,
};

/**
 * Stored inputs without failoverState come from a refresh or an import that found the collection between states:
 * with `ignoreChanges: ["failoverState"]` the engine then removes the program's value too.
 */
function missingState(olds: Record<string, unknown>): string {
  const states = "'normal', 'failedOver' or 'committed'";
  if (!present(olds.collectionId) || present(olds.failoverState)) return `missing: set it to ${states}`;
  return `missing: the last refresh (or import) found the collection between states, so no failoverState was stored, and with ignoreChanges: ["failoverState"] the engine takes the stored value in place of the program's. Nothing was called. Wait until the collection settles (Get-VMReplication), refresh, then run again; or set failoverState to ${states} without ignoring it`;
}

/**
 * All the reasons these inputs cannot be applied, or none. `fromConfig` is the connection from stack config, which
 * completes the resource's own; `configFailures` are the problems already found in that config.
 */
export function validateInputs(
  news: Record<string, unknown>,
  fromConfig: ConnectionInputs = {},
  configFailures: readonly CheckFailure[] = [],
  olds: Record<string, unknown> = {},
): CheckFailure[] {
  const failures = checkObject(news, TOP_RULES, [...INPUT_KEYS], "");
  failures.push(...checkSelector(news));
  if (!present(news.failoverState)) {
    failures.push({ property: "failoverState", reason: missingState(olds) });
  }
  failures.push(...checkBootGroups(news.bootGroups));
  failures.push(...checkConnection(news.connection, fromConfig, configFailures));
  return failures;
}
