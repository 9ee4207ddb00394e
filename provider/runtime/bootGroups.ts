/**
 * The `bootGroups` input, the same rule for every resource that starts VMs (CollectionFailover,
 * CollectionTestFailover, ReplicatedCollection): a list of groups, each naming the VMs that start together and
 * optionally how long to wait before the next group. Check refuses, calling nothing, a malformed list, a VM named
 * twice and a negative or fractional delay. Which VMs a collection has, Check cannot know without asking the host:
 * preview refuses a name that none of the VMs the stack last read carries, and the run reads the VMs and refuses an
 * unknown name before its first call (failover/bootOrder.ts).
 */
import type { BootGroup, NameMatch } from "../failover/bootOrder";
import { exactName, unknownBootNames } from "../failover/bootOrder";
import { InvalidStateError } from "../hyperv";
import type { CheckFailure, Rule } from "./rules";
import { checkObject, integer, isUnknown, show, text } from "./rules";

/** An hour between two groups is plenty for a service to come up; longer is a mistake in the unit. */
export const MAX_DELAY_SECONDS = 3600;
const GROUP_KEYS = ["virtualMachines", "delaySeconds"] as const;
const EXAMPLE =
  "[{ virtualMachines: ['sql-db'], delaySeconds: 60 }, { virtualMachines: ['app-1', 'app-2'] }]";

const GROUP_RULES: Readonly<Record<string, Rule>> = {
  virtualMachines: () => undefined,
  delaySeconds: integer(
    0,
    MAX_DELAY_SECONDS,
    "it is how long, once this group's VMs run, to wait before the next group starts (default 0)",
  ),
};
const vmName = text("a member VM's name (its ElementName)", 256);

/** Every problem with `value` as the `bootGroups` input, or none. */
export function checkBootGroups(value: unknown): CheckFailure[] {
  if (value === undefined || value === null || isUnknown(value)) return [];
  if (!Array.isArray(value))
    return [
      { property: "bootGroups", reason: `must be a list of groups, such as ${EXAMPLE}; got ${show(value)}` },
    ];
  const failures: CheckFailure[] = [];
  const seen = new Map<string, string>();
  value.forEach((group: unknown, i) => {
    const at = `bootGroups[${i}]`;
    if (isUnknown(group)) return;
    if (typeof group !== "object" || group === null || Array.isArray(group)) {
      failures.push({
        property: at,
        reason: `must be an object such as { virtualMachines: ['sql-db'], delaySeconds: 60 }`,
      });
      return;
    }
    const fields = group as Record<string, unknown>;
    failures.push(...checkObject(fields, GROUP_RULES, [...GROUP_KEYS], `${at}.`));
    failures.push(...checkNames(fields.virtualMachines, `${at}.virtualMachines`, seen));
  });
  return failures;
}

/** The group's names: a non-empty list of names, none already in an earlier group. */
function checkNames(names: unknown, at: string, seen: Map<string, string>): CheckFailure[] {
  if (isUnknown(names)) return [];
  if (!Array.isArray(names) || names.length === 0)
    return [
      { property: at, reason: `must list at least one VM by name, such as ['sql-db']; got ${show(names)}` },
    ];
  const failures: CheckFailure[] = [];
  names.forEach((name: unknown, j) => {
    const path = `${at}[${j}]`;
    if (isUnknown(name)) return;
    const reason = vmName(name, path);
    if (reason !== undefined) {
      failures.push({ property: path, reason });
      return;
    }
    const first = seen.get(name as string);
    if (first !== undefined) {
      failures.push({
        property: path,
        reason: `'${String(name)}' is already in ${first}: a VM starts in one group only; remove it from one of them`,
      });
    } else seen.set(name as string, path);
  });
  return failures;
}

/** The groups with what is not known yet (during preview) left out. */
function knownGroups(value: unknown): BootGroup[] {
  if (!Array.isArray(value)) return [];
  return value.map((group: unknown) => {
    const names = (group as { virtualMachines?: unknown } | null)?.virtualMachines;
    const known = Array.isArray(names)
      ? names.filter((n): n is string => typeof n === "string" && !isUnknown(n))
      : [];
    return { virtualMachines: known };
  });
}

/**
 * Refuses, in preview and calling nothing, boot groups that name a VM none of those the stack last read carries.
 * `recordedVms` undefined (none read yet) lets everything through: the run checks the names before its first call.
 */
export function refuseUnknownRecordedVms(
  value: unknown,
  recordedVms: readonly string[] | undefined,
  context: { readonly collection: string; readonly observedAt: unknown },
  match: NameMatch = exactName,
): void {
  if (recordedVms === undefined) return;
  const members = recordedVms.map((name) => ({ name }));
  const unknown = unknownBootNames(members, knownGroups(value), match);
  if (unknown.length === 0) return;
  const listed = unknown.map((u) => `${u.property} '${u.name}'`).join(", ");
  throw new InvalidStateError(
    `bootGroups names VMs that are not members of the collection as last read (at ${String(context.observedAt)}: ${recordedVms.map((n) => `'${n}'`).join(", ")}): ${listed}; nothing was called`,
    "Name member VMs by their names (ElementName), or remove those entries; if VMs were added since, preview with --refresh",
    { collection: context.collection },
  );
}

/** The names of the VMs a stored output lists (`virtualMachines` or a site's `members`), or undefined when none. */
export function recordedVmNames(vms: unknown): string[] | undefined {
  if (!Array.isArray(vms) || vms.length === 0) return undefined;
  const names = vms.map((vm: unknown) => (vm as { name?: unknown } | null)?.name);
  return names.every((n): n is string => typeof n === "string") ? names : undefined;
}
