/**
 * One call per VM, all at once: the VMs of a collection start (and turn off) together, and the run waits for all
 * of them. Each VM's request is made and followed on its own (requestVmState), so one that fails stops no other,
 * and the error names every VM that failed.
 *
 * Documented (HyperV_v2 requeststatechange-msvm-computersystem.md): "Invoking the RequestStateChange method multiple
 * times could result in earlier requests being overwritten or lost." That is said of one VM; each request here goes
 * to a different VM, and one VM is never asked twice at once. Inferred: Hyper-V runs the jobs of different VMs side
 * by side, as Start-VM does for the several VMs it is given.
 */
import type { ErrorContext } from "./errors";
import { HyperVError } from "./errors";

/** A VM and what one call on it gave, or how it failed. */
export interface VmFailure {
  readonly name: string;
  readonly error: unknown;
}

/** Several VMs failed: each is named with its own error; `failures[0].error` is the first. */
export class VmsFailedError extends HyperVError {
  override name = "VmsFailedError";

  constructor(
    readonly failures: readonly VmFailure[],
    readonly total: number,
    context: ErrorContext,
  ) {
    const each = failures.map((f) => `VM '${f.name}': ${messageOf(f.error)}`).join("; ");
    super(`${failures.length} of ${total} VMs failed: ${each}`, context, { cause: failures[0]?.error });
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Calls `call` for every VM at once and waits for all of them. Returns the results in the VMs' order; when one VM
 * failed its own error is thrown (it names the VM), when several failed a {@link VmsFailedError} naming each.
 */
export async function eachVmTogether<V extends { readonly name: string }, T>(
  vms: readonly V[],
  call: (vm: V) => Promise<T>,
  context: ErrorContext,
): Promise<T[]> {
  const settled = await Promise.allSettled(vms.map((vm) => call(vm)));
  const failures: VmFailure[] = vms.flatMap((vm, i) => {
    const s = settled[i];
    return s?.status === "rejected" ? [{ name: vm.name, error: s.reason as unknown }] : [];
  });
  const [first] = failures;
  if (first !== undefined && failures.length === 1) throw first.error;
  if (failures.length > 1) throw new VmsFailedError(failures, vms.length, context);
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}
