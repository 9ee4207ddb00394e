/**
 * What VmGroup's diff and update decide, from data alone: whether the program's members are the group's, and the
 * calls that make them so. Nothing here touches the host.
 */
import type { HostVm } from "../../hyperv";
import type { Props } from "../../runtime/resourceMethods";
import { UNKNOWN } from "../../runtime/types";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Whether a program's entry (a VM's id or name) names this VM. */
export function names(entry: string, vm: HostVm): boolean {
  return GUID.test(entry) ? sameId(entry, vm.id) : entry === vm.name;
}

/**
 * Whether the program's entries name exactly the recorded members: every entry one of them, every member named. An
 * unknown entry (another resource's output, during preview) counts as a change.
 */
export function sameMembers(entries: readonly unknown[], members: readonly HostVm[]): boolean {
  if (entries.some((e) => typeof e !== "string" || e === UNKNOWN)) return false;
  const wanted = entries as readonly string[];
  return (
    wanted.every((e) => members.some((m) => names(e, m))) &&
    members.every((m) => wanted.some((e) => names(e, m)))
  );
}

export interface MemberCalls {
  /** The VMs to take out of the group (RemoveMember), by the id the host shows. */
  readonly remove: readonly HostVm[];
  /** The VMs to put in (AddMember). */
  readonly add: readonly HostVm[];
}

/** The membership calls that turn `current` into `desired`; VMs in both are left alone. */
export function memberCalls(desired: readonly HostVm[], current: readonly HostVm[]): MemberCalls {
  return {
    remove: current.filter((c) => !desired.some((d) => sameId(d.id, c.id))),
    add: desired.filter((d) => !current.some((c) => sameId(d.id, c.id))),
  };
}

/** The program's entries, or none. */
export const entriesOf = (inputs: Props): readonly unknown[] =>
  Array.isArray(inputs.members) ? inputs.members : [];

/** The members recorded in the outputs. */
export const recordedMembers = (olds: Props): HostVm[] =>
  Array.isArray(olds.memberVms) ? (olds.memberVms as HostVm[]) : [];

/** The line a preview prints: the calls an update would make, planned from the recorded state. */
export function previewLine(olds: Props, news: Props): string | undefined {
  const calls: string[] = [];
  const entries = entriesOf(news);
  if (!sameMembers(entries, recordedMembers(olds))) {
    const known = entries.filter((e): e is string => typeof e === "string" && e !== UNKNOWN);
    const leaving = recordedMembers(olds).filter((m) => !known.some((e) => names(e, m)));
    const joining = known.filter((e) => !recordedMembers(olds).some((m) => names(e, m)));
    if (leaving.length > 0) calls.push(`RemoveMember for ${leaving.map((m) => `'${m.name}'`).join(", ")}`);
    if (joining.length > 0) calls.push(`AddMember for ${joining.map((e) => `'${e}'`).join(", ")}`);
    if (known.length < entries.length) calls.push("AddMember for members known after other resources");
  }
  if (news.name !== olds.name) calls.push(`RenameCollection to '${String(news.name)}'`);
  if (calls.length === 0) return undefined;
  return `[${String(olds.name)}] will call ${calls.join(", then ")}, as recorded at the last refresh; preview with --refresh to plan from the host now`;
}
