/**
 * A StartVMs that failed part-way: a VM's start job failed, or the wait for it did. The steps before it stand (the
 * move, the failover or the revert is done), and the planner starts the VMs that are not running at the next run,
 * so the message says which VMs are not running on the site where the group is to run, and what to do.
 */
import type { VmIdentity } from "../../hyperv";
import { HyperVError, VmRequestedState } from "../../hyperv";
import type { PowerStep } from "./powerStep";
import { readSiteVms, vmIs } from "./powerStep";

export class StartVMsIncomplete extends HyperVError {
  override name = "StartVMsIncomplete";
}

export async function startIncomplete(
  step: PowerStep,
  vms: readonly VmIdentity[],
  failure: unknown,
): Promise<StartVMsIncomplete> {
  const cause = failure instanceof Error ? failure.message : String(failure);
  const where = await notRunning(step, vms);
  return new StartVMsIncomplete(
    `StartVMs on ${step.site} stopped part-way: ${where}. The steps before it stand; run again once the cause below is fixed, and the run starts the VMs that are not running (or start them on ${step.site} with Start-VM). What stopped it: ${cause}`,
    step.context,
    { cause: failure },
  );
}

/** The VMs not running on the site, as read again now, in words. */
async function notRunning(step: PowerStep, vms: readonly VmIdentity[]): Promise<string> {
  try {
    const states = await readSiteVms(step, vms);
    const down = vms.flatMap((vm, i) =>
      states[i] === VmRequestedState.Running ? [] : [vmIs(vm, states[i])],
    );
    if (down.length === 0) return `every VM runs on ${step.site} as read again now`;
    return `${down.join(", ")} on ${step.site}, where the group is to run`;
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return `${step.site} could not be read again (${why}): check its VMs there (Get-VM)`;
  }
}
