/** The one validator behind VmGroup's `check`. It names the property, what was wrong and what to do. */
import { checkConnection } from "../../runtime/connectionRules";
import type { CheckFailure, Rule } from "../../runtime/rules";
import { checkObject, integer, isUnknown, present, show, text, unsendableText } from "../../runtime/rules";
import type { ConnectionInputs } from "../../runtime/types";

const INPUT_KEYS = ["name", "members", "jobTimeoutSeconds", "connection"] as const;

/**
 * The longest name taken. Inferred: ElementName has no documented MaxLen; 256 is the MaxLen of the collection's
 * CollectionID and of the service's key properties.
 */
export const MAX_NAME = 256;

/**
 * Each entry a VM's name or id, none empty, none twice. Entries are compared without regard to case (inferred: Hyper-V
 * compares GUIDs so, and a name twice in another case would most likely name one VM twice).
 */
const members: Rule = (v) => {
  if (!Array.isArray(v)) return `must be a list of VM names or ids, got ${show(v)}`;
  const seen = new Map<string, number>();
  for (const [index, entry] of v.entries()) {
    if (isUnknown(entry)) continue;
    if (typeof entry !== "string" || entry.trim() === "") {
      return `entry ${index} is ${show(entry)}; each member is a VM's name or its id (Get-VM shows both)`;
    }
    const reason = unsendableText(entry);
    if (reason !== undefined) return `entry ${index} ${reason}`;
    const first = seen.get(entry.toLowerCase());
    if (first !== undefined) {
      return `entries ${first} and ${index} both name ${show(entry)}; list each VM once`;
    }
    seen.set(entry.toLowerCase(), index);
  }
  return undefined;
};

const RULES: Readonly<Record<string, Rule>> = {
  name: text("the VM group's name (its ElementName)", MAX_NAME),
  members,
  jobTimeoutSeconds: integer(1, 7 * 24 * 3600, "it bounds the wait for each Hyper-V job (default 1800)"),
  connection: () => undefined,
};

export function validateVmGroupInputs(
  news: Record<string, unknown>,
  fromConfig: ConnectionInputs = {},
  configFailures: readonly CheckFailure[] = [],
): CheckFailure[] {
  const failures = checkObject(news, RULES, [...INPUT_KEYS], "");
  if (!present(news.name)) {
    failures.push({ property: "name", reason: "missing: set name to the VM group's name (its ElementName)" });
  }
  failures.push(...checkConnection(news.connection, fromConfig, configFailures));
  return failures;
}
