/**
 * Boot groups: the order in which a collection's VMs start where a program needs one (a database before the
 * application that uses it). Pure: the groups and the VMs as read in, the waves to start (and, reversed, to stop)
 * out. The VMs of one wave start together; the waves start one after the other, each after the one before it runs
 * and its `delaySeconds` have passed. VMs that no group names start last, together, and stop first.
 *
 * The shape follows the failover cluster's own start ordering (Windows Server 2016 cluster group sets:
 * New-ClusterGroupSet, "On this set you can control when other sets start and when this set starts based on
 * dependencies between sets"; its StartupDelay is "The group set delay in seconds").
 */
import type { ErrorContext } from "../hyperv";
import { InvalidStateError } from "../hyperv";

export interface BootGroup {
  /** The names (ElementName) of the VMs that start together. */
  readonly virtualMachines: readonly string[];
  /** How long to wait, once this group's VMs run, before the next group starts. Default 0. */
  readonly delaySeconds?: number;
}

/** One step of the order: VMs that start (or stop) together, and the pause after they have started. */
export interface Wave<T> {
  readonly vms: readonly T[];
  readonly delaySeconds: number;
  /** How log lines name it: `boot group 2`, or the VMs no group names. */
  readonly label: string;
}

/** How a member's name is matched against the name a boot group gives. */
export type NameMatch = (member: string, declared: string) => boolean;

export const exactName: NameMatch = (member, declared) => member === declared;

/**
 * A test collection's VMs carry the replica VM's name followed by " - Test", as Start-VMFailover -AsTest names a
 * test VM (per-VM behaviour, inferred for test collections), so the program names the VMs it knows.
 */
export const TEST_COPY_SUFFIX = " - Test";
export const testCopyName: NameMatch = (member, declared) =>
  member === declared || member === `${declared}${TEST_COPY_SUFFIX}`;

export const NO_GROUP = "the VMs in no boot group";

/** The waves to start, in order: one per group, then the VMs no group names. Without groups, one wave of all. */
export function bootWaves<T extends { readonly name: string }>(
  members: readonly T[],
  groups: readonly BootGroup[] | undefined,
  match: NameMatch = exactName,
): Wave<T>[] {
  if (groups === undefined || groups.length === 0) return [{ vms: members, delaySeconds: 0, label: "" }];
  const waves: Wave<T>[] = groups.map((group, i) => ({
    vms: members.filter((m) => group.virtualMachines.some((name) => match(m.name, name))),
    delaySeconds: group.delaySeconds ?? 0,
    label: `boot group ${i + 1}`,
  }));
  const rest = members.filter((m) => !waves.some((w) => w.vms.includes(m)));
  if (rest.length > 0) waves.push({ vms: rest, delaySeconds: 0, label: NO_GROUP });
  return waves;
}

/** The names the groups give that no member carries, with where each is written. */
export function unknownBootNames(
  members: readonly { readonly name: string }[],
  groups: readonly BootGroup[] | undefined,
  match: NameMatch = exactName,
): { property: string; name: string }[] {
  return (groups ?? []).flatMap((group, i) =>
    group.virtualMachines
      .map((name, j) => ({ property: `bootGroups[${i}].virtualMachines[${j}]`, name }))
      .filter(({ name }) => !members.some((m) => match(m.name, name))),
  );
}

/** Refuses, before anything is called, boot groups that name VMs the collection does not have. */
export function refuseUnknownBootNames(
  members: readonly { readonly name: string }[],
  groups: readonly BootGroup[] | undefined,
  context: ErrorContext,
  match: NameMatch = exactName,
): void {
  const unknown = unknownBootNames(members, groups, match);
  if (unknown.length === 0) return;
  const listed = unknown.map((u) => `${u.property} '${u.name}'`).join(", ");
  const names = [...new Set(members.map((m) => `'${m.name}'`))].join(", ") || "none";
  throw new InvalidStateError(
    `bootGroups names VMs that are not members of the collection: ${listed}; nothing was called`,
    `Name the member VMs by their names (ElementName; the collection has ${names}), or remove those entries`,
    context,
  );
}

/** The order in words, for the preview: `'db'; after 60 s 'app-1', 'app-2'; then the VMs in no boot group`. */
export function describeBootOrder(groups: readonly BootGroup[] | undefined): string {
  if (groups === undefined || groups.length === 0) return "all together";
  let text = "";
  groups.forEach((group, i) => {
    const names = group.virtualMachines.map((n) => `'${n}'`).join(", ");
    const before = groups[i - 1]?.delaySeconds ?? 0;
    text += i === 0 ? names : `; ${before > 0 ? `after ${before} s ` : "then "}${names}`;
  });
  const last = groups[groups.length - 1]?.delaySeconds ?? 0;
  return `${text}; ${last > 0 ? `after ${last} s ` : "then "}${NO_GROUP}, if any`;
}
