/**
 * A StopVMs that failed part-way for another reason than a refusal: a read or call that failed in transit, a job
 * that failed, the engine's cancel. Which guests had shut down by then is not known from the wait, so the site is
 * read again. Where this site ran the group (no other site runs it), the VMs it shows off are started again, as
 * after a refusal: leaving them would leave the group off on both sites. Where the other site runs it, they stay
 * off. A VM still on whose guest was asked to shut down cannot be called back; it is named, for the user to start
 * once it is off.
 */
import type { StopInterrupted, VmIdentity } from "../../hyperv";
import { HyperVError, VmRequestedState } from "../../hyperv";
import { EVIDENCE } from "./evidence";
import type { PowerStep } from "./powerStep";
import { named, notSeenThrough, readSiteVms, startAgain, startedAgain, vmIs } from "./powerStep";

/** The stop's failure, with where it left the VMs it had asked to turn off, and what was done about them. */
export class StopVMsInterrupted extends HyperVError {
  override name = "StopVMsInterrupted";
}

export async function afterInterruption(
  step: PowerStep,
  error: StopInterrupted,
  runningSite: string | undefined,
): Promise<StopVMsInterrupted> {
  const after = await whereLeft(step, error.asked, runningSite);
  return new StopVMsInterrupted(
    `StopVMs on ${step.site} stopped part-way, and nothing after it was called: ${after}. What stopped it: ${error.message}`,
    step.context,
    { cause: error.failure },
  );
}

async function whereLeft(
  step: PowerStep,
  asked: readonly VmIdentity[],
  runningSite: string | undefined,
): Promise<string> {
  if (asked.length === 0) return "no VM had been asked to turn off";
  let states: readonly (number | undefined)[];
  try {
    states = await readSiteVms(step, asked);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    const advice =
      runningSite === undefined
        ? "start any that is Off"
        : `leave them off, as ${runningSite} runs the group`;
    return `${named(asked)} had been asked to turn off, and ${step.site} could not be read again (${why}): check them there (Get-VM) and ${advice}`;
  }
  const off = asked.filter((_, i) => states[i] === VmRequestedState.Off);
  const on = asked.flatMap((vm, i) => (states[i] === VmRequestedState.Off ? [] : [{ vm, state: states[i] }]));
  const stillOn = on.map(({ vm, state }) => onSaid(step, vm, state, runningSite));
  if (runningSite !== undefined) {
    const stay =
      off.length > 0 ? [`${named(off)} had shut down and stay off, as ${runningSite} runs the group`] : [];
    return [...stay, ...stillOn].join("; ");
  }
  if (off.length === 0) return ["no VM had shut down", ...stillOn].join("; ");
  const because = "the move stopped before it began";
  const failure = await startAgain(step, off, { because, evidence: EVIDENCE.restartAfterInterruptedStop });
  if (failure !== undefined) return [notSeenThrough(step, off, failure), ...stillOn].join("; ");
  const restarted = startedAgain(off);
  if (stillOn.length > 0) return [restarted, ...stillOn].join("; ");
  return `${restarted}, so the group runs on ${step.site} as before`;
}

function onSaid(step: PowerStep, vm: VmIdentity, state: number | undefined, runningSite: string | undefined) {
  const shows = `${vmIs(vm, state)} on ${step.site}`;
  if (runningSite !== undefined)
    return `${shows}: run again to turn it off, as ${runningSite} runs the group`;
  return `${shows}; its guest may have been asked to shut down, which cannot be called back: check it (Get-VM) and start it if it goes Off`;
}
