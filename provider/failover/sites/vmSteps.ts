/**
 * The two-site driver's StartVMs and StopVMs steps. StartVMs starts the VMs that are not running
 * (RequestStateChange 2) together, or boot group after boot group (failover/bootOrder.ts). StopVMs shuts the guests
 * down, in the reverse order, and powers a VM off hard only as the request allows (hyperv/vmShutdown.ts).
 */
import type { CimSession } from "../../cim";
import type {
  ErrorContext,
  MethodOptions,
  OperationRecord,
  SiteMember,
  VmIdentity,
  VmStopped,
} from "../../hyperv";
import {
  eachVmTogether,
  GuestShutdownRefused,
  InvalidStateError,
  JobTimeoutError,
  requestVmState,
  stopVms,
  VmRequestedState,
} from "../../hyperv";
import { bootWaves } from "../bootOrder";
import { inOrder, stopWaves } from "../virtualMachines";
import type { SitesRequest, StepRecord } from "./drive";
import { EVIDENCE, evidenceLabel } from "./evidence";
import type { SiteRead } from "./observe";

type Action = StepRecord["action"];
type Evidence = StepRecord["evidence"];

/** What a step on one site needs from the driver: the session, the options, and how to log and record calls. */
export interface PowerStep {
  readonly site: string;
  readonly session: CimSession;
  readonly request: Pick<
    SitesRequest,
    "name" | "shutdownTimeoutSeconds" | "allowHardPowerOff" | "bootGroups"
  >;
  readonly clock: MethodOptions["clock"];
  readonly context: ErrorContext;
  readonly options: MethodOptions;
  readonly log: (line: string) => void;
  /** Runs one call and records it, also when it fails. */
  readonly recorded: <T extends { record: OperationRecord }>(
    action: Action,
    vm: string | null,
    evidence: Evidence,
    call: () => Promise<T>,
  ) => Promise<T>;
  /** Records a call already made. */
  readonly keep: (action: Action, vm: string, evidence: Evidence, record: OperationRecord) => void;
}

/** Starts the VMs that are not running, together or boot group by boot group; each call is recorded as it ends. */
export async function startVMs(
  step: PowerStep,
  members: readonly SiteMember[],
  evidence: Evidence,
): Promise<void> {
  const waves = bootWaves(members, step.request.bootGroups).map((wave) => ({
    ...wave,
    vms: wave.vms.filter((m) => m.enabledState !== VmRequestedState.Running),
  }));
  await inOrder(waves, step, (vms) => startTogether(step, vms, evidence));
}

async function startTogether(step: PowerStep, vms: readonly VmIdentity[], evidence: Evidence): Promise<void> {
  const options = { ...step.options, context: step.context };
  await eachVmTogether(
    vms,
    (vm) =>
      step.recorded("StartVMs", vm.name, evidence, () =>
        requestVmState(step.session, vm, VmRequestedState.Running, options),
      ),
    step.context,
  );
}

/** The other site, when it runs every member VM: the group is up there whatever happens on `site`. */
export function runsElsewhere(
  request: Pick<SitesRequest, "sites">,
  site: string,
  reads: Readonly<Record<string, SiteRead>>,
): string | undefined {
  const other = request.sites.find((s) => s.name !== site)?.name ?? "";
  const read = reads[other];
  const members = read?.reachable ? read.reading.members : [];
  const running = members.length > 0 && members.every((m) => m.enabledState === VmRequestedState.Running);
  return running ? other : undefined;
}

/**
 * Turns the site's VMs off. When a guest does not shut down and the run refuses, the VMs already shut down are
 * started again unless `runningSite` runs the group: this site ran it and the move has not begun, so leaving them
 * off would leave the group off on both sites. Where the other site runs it, they are older copies that must not
 * run beside it, so they stay off.
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

const named = (stopped: readonly VmStopped[]) => stopped.map(({ vm }) => `'${vm.name}'`).join(", ");

/** Starts the VMs a refused StopVMs shut down; says so. */
async function restart(step: PowerStep, stopped: readonly VmStopped[]): Promise<string> {
  if (stopped.length === 0) return "no VM had shut down yet";
  const evidence = evidenceLabel(EVIDENCE.restartAfterRefusedStop);
  for (const { vm } of stopped)
    step.log(`VM '${vm.name}': starting it again, as the move was refused before it began`);
  const off = stopped.map(({ vm }) => ({ ...vm, enabledState: VmRequestedState.Off }));
  try {
    await inOrder(bootWaves(off, step.request.bootGroups), step, (vms) => startTogether(step, vms, evidence));
  } catch (error) {
    // The refusal stays the error: a restart that cannot be seen through (the operation's customTimeouts ran out
    // with the refusal) is said beside it, for the user to check.
    return `${named(stopped)} had shut down; starting them again was asked but not seen through (${restartFailure(error)}): check that they run on ${step.site} (Get-VM) and start any that is Off`;
  }
  return `${named(stopped)} had shut down and were started again, so the group runs on ${step.site} as before`;
}

function restartFailure(error: unknown): string {
  if (error instanceof JobTimeoutError)
    return `job ${error.jobId} did not finish within ${error.bound.seconds} s (${error.bound.setting}) and goes on on the host`;
  return error instanceof Error ? error.message : String(error);
}

function stayOff(stopped: readonly VmStopped[], runningSite: string): string {
  if (stopped.length === 0) return "no VM had shut down yet";
  return `${named(stopped)} had shut down and stay off, as ${runningSite} runs the group`;
}
