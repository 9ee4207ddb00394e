/**
 * Finding a host's VMs by name or id, to make them members of a VM group. Msvm_ComputerSystem's Name is the VM's
 * GUID and ElementName its name (as for the members in members.ts). In root\virtualization\v2 the class also holds
 * the host itself, whose Name is the host's name, not a GUID; that the cluster namespace may too is inferred, so
 * only instances whose Name is a GUID are taken for VMs.
 */
import type { CimInstance, CimSession } from "../cim";
import { CLASS } from "./codes";
import type { ErrorContext } from "./errors";
import { HyperVError, NotFoundError, withContext } from "./errors";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface HostVm {
  /** Msvm_ComputerSystem.Name, the VM's GUID. */
  readonly id: string;
  /** ElementName, the VM's name. */
  readonly name: string;
}

/** Several VMs have the name: VM names need not be unique on a host. */
export class AmbiguousVmError extends HyperVError {
  override name = "AmbiguousVmError";

  constructor(name: string, ids: readonly string[], context: ErrorContext) {
    super(
      `Ambiguous VM name: ${ids.length} VMs are named '${name}' (${ids.join(", ")})${context.collection ? ` [VM group '${context.collection}', host ${context.host ?? "unknown"}]` : ""}. Name the VM by its id (Get-VM '${name}' | Select Id) in members instead`,
      context,
    );
  }
}

const asVm = (i: CimInstance): HostVm | undefined => {
  const id = i.properties.Name;
  return typeof id === "string" && GUID.test(id)
    ? { id, name: String(i.properties.ElementName ?? "") }
    : undefined;
};

/** One VM by its GUID or by its name, or an error that names the entry and what to do. */
export async function findVm(session: CimSession, entry: string, context: ErrorContext): Promise<HostVm> {
  try {
    const byId = GUID.test(entry);
    const found = byId
      ? [await session.get({ className: CLASS.computerSystem, keys: { Name: entry } })]
      : await session.query(CLASS.computerSystem, { ElementName: entry });
    const vms = found.flatMap((i) => (i === undefined ? [] : (asVm(i) ?? [])));
    if (vms.length > 1)
      throw new AmbiguousVmError(
        entry,
        vms.map((v) => v.id),
        context,
      );
    const vm = vms[0];
    if (vm === undefined) {
      throw new NotFoundError(
        `no VM has the ${byId ? "id" : "name"} '${entry}'`,
        context,
        "Check members: each is a VM's name or its id (Get-VM lists both) on a host of the cluster the connection reaches",
      );
    }
    return vm;
  } catch (error) {
    throw withContext(error, context);
  }
}

/** Every entry's VM, read before anything is written; the first entry that finds no single VM stops it. */
export async function findVms(
  session: CimSession,
  entries: readonly string[],
  context: ErrorContext,
): Promise<HostVm[]> {
  const vms: HostVm[] = [];
  for (const entry of entries) vms.push(await findVm(session, entry, context));
  return vms;
}
