/**
 * The two-site driver's StartVMs and StopVMs steps. StartVMs starts the VMs that are not running
 * (RequestStateChange 2) together, or boot group after boot group (failover/bootOrder.ts). StopVMs shuts the guests
 * down, in the reverse order, and powers a VM off hard only as the request allows (hyperv/vmShutdown.ts).
 */
import type { SiteMember, VmStopped } from "../../hyperv";
import {
  GuestShutdownRefused,
  InvalidStateError,
  StopInterrupted,
  stopVms,
  VmRequestedState,
} from "../../hyperv";
import { bootWaves } from "../bootOrder";
import { inOrder, stopWaves } from "../virtualMachines";
import type { SitesRequest, StepRecord } from "./drive";
import { EVIDENCE } from "./evidence";
import { afterInterruption } from "./interruption";
import type { SiteRead } from "./observe";
import { runsEveryMember } from "./observe";
import { startIncomplete } from "./startFailure";
import type { PowerStep } from "./powerStep";
import { named, notSeenThrough, startAgain, startedAgain, startTogether } from "./powerStep";

type Evidence = StepRecord["evidence"];

/**
 * Starts the VMs that are not running, together or boot group by boot group; each call is recorded as it ends. A
 * failure part-way says which VMs are not running (startFailure.ts).
 */
export async function startVMs(
  step: PowerStep,
  members: readonly SiteMember[],
  evidence: Evidence,
): Promise<void> {
  const waves = bootWaves(members, step.request.bootGroups).map((wave) => ({
    ...wave,
    vms: wave.vms.filter((m) => m.enabledState !== VmRequestedState.Running),
  }));
  try {
    await inOrder(waves, step, (vms) => startTogether(step, vms, evidence));
  } catch (error) {
    throw await startIncomplete(step, members, error);
  }
}

/** The other site, when it runs every member VM: the group is up there whatever happens on `site`. */
export function runsElsewhere(
  request: Pick<SitesRequest, "sites">,
  site: string,
  reads: Readonly<Record<string, SiteRead>>,
): string | undefined {
  const other = request.sites.find((s) => s.name !== site)?.name ?? "";
  return runsEveryMember(reads[other]) ? other : undefined;
}

/**
 * Turns the site's VMs off. When a guest does not shut down and the run refuses, the VMs already shut down are
 * started again unless `runningSite` runs the group: this site ran it and the move has not begun, so leaving them
 * off would leave the group off on both sites. Where the other site runs it, they are older copies that must not
 * run beside it, so they stay off. When the stop fails part-way for another reason, the same holds for the VMs the
 * host then shows off (interruption.ts).
 */
export async function stopVMs(
  step: PowerStep,
  members: readonly SiteMember[],
  evidence: Evidence,
  runningSite: string | undefined,
): Promise<void> {
  const options = {
    ...step.options,
    context: step.context,
    shutdownTimeoutSeconds: step.request.shutdownTimeoutSeconds,
    allowHardPowerOff: step.request.allowHardPowerOff,
  };
  const isOn = (m: SiteMember) => m.enabledState !== VmRequestedState.Off;
  const running = members.filter(isOn);
  const waves = stopWaves(bootWaves(members, step.request.bootGroups), isOn).map((w) => w.vms);
  try {
    const stopped = await stopVms(step.session, running, options, waves);
    for (const { vm, record } of stopped) step.keep("StopVMs", vm.name, evidence, record);
  } catch (error) {
    if (error instanceof StopInterrupted) {
      for (const { vm, record } of [...error.stopped, ...error.failed])
        step.keep("StopVMs", vm.name, evidence, record);
      throw await afterInterruption(step, error, runningSite);
    }
    if (!(error instanceof GuestShutdownRefused)) throw error;
    for (const { vm, record } of error.stopped) step.keep("StopVMs", vm.name, evidence, record);
    const after =
      runningSite === undefined ? await restart(step, error.stopped) : stayOff(error.stopped, runningSite);
    throw new InvalidStateError(
      `StopVMs on ${step.site} was refused, and nothing after it was called: ${error.detail}; ${after}`,
      error.advice,
      step.context,
    );
  }
}

/** Starts the VMs a refused StopVMs shut down; says so. */
async function restart(step: PowerStep, stopped: readonly VmStopped[]): Promise<string> {
  if (stopped.length === 0) return "no VM had shut down yet";
  const vms = stopped.map(({ vm }) => vm);
  const because = "the move was refused before it began";
  const failure = await startAgain(step, vms, { because, evidence: EVIDENCE.restartAfterRefusedStop });
  if (failure !== undefined) return notSeenThrough(step, vms, failure);
  return `${startedAgain(vms)}, so the group runs on ${step.site} as before`;
}

function stayOff(stopped: readonly VmStopped[], runningSite: string): string {
  if (stopped.length === 0) return "no VM had shut down yet";
  return `${named(stopped.map(({ vm }) => vm))} had shut down and stay off, as ${runningSite} runs the group`;
}
