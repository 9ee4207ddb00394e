/** The one validator behind CollectionTestFailover's `check`. It names the property, what was wrong and what to do. */
import { checkBootGroups } from "../../runtime/bootGroups";
import { checkConnection } from "../../runtime/connectionRules";
import { recoveryPointRule } from "../../runtime/recoveryPointRule";
import type { CheckFailure, Rule } from "../../runtime/rules";
import { boolean, checkObject, checkSelector, GUID, integer, show, text } from "../../runtime/rules";
import { reportDirectoryRule } from "../../runtime/report";
import type { ConnectionInputs } from "../../runtime/types";

const INPUT_KEYS = [
  "collectionId",
  "collectionName",
  "recoveryPoint",
  "requireHealthy",
  "startVirtualMachines",
  "allowProductionNetwork",
  "jobTimeoutSeconds",
  "cancelJobOnTimeout",
  "bootGroups",
  "connection",
  "reportDirectory",
] as const;

const RULES: Readonly<Record<string, Rule>> = {
  collectionId: (v) =>
    typeof v === "string" && GUID.test(v)
      ? undefined
      : `${show(v)} is not a GUID; use the replica collection's CollectionID (Get-VMGroup shows it as Id), or set collectionName instead`,
  collectionName: text("the replica collection's name (its ElementName)", 256),
  recoveryPoint: recoveryPointRule,
  requireHealthy: boolean,
  startVirtualMachines: boolean,
  allowProductionNetwork: boolean,
  jobTimeoutSeconds: integer(1, 7 * 24 * 3600, "it bounds the wait for each Hyper-V job (default 1800)"),
  cancelJobOnTimeout: boolean,
  // Checked on their own, below.
  bootGroups: () => undefined,
  connection: () => undefined,
  reportDirectory: reportDirectoryRule,
};

export function validateTestFailoverInputs(
  news: Record<string, unknown>,
  fromConfig: ConnectionInputs = {},
  configFailures: readonly CheckFailure[] = [],
): CheckFailure[] {
  const failures = checkObject(news, RULES, [...INPUT_KEYS], "");
  failures.push(...checkSelector(news));
  failures.push(...checkBootGroups(news.bootGroups));
  failures.push(...checkConnection(news.connection, fromConfig, configFailures));
  return failures;
}
