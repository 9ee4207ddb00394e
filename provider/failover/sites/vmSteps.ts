/**
 * The two-site driver's StartVMs and StopVMs steps. StartVMs starts each VM that is not running (RequestStateChange
 * 2). StopVMs shuts the guests down and powers a VM off hard only as the request allows (hyperv/vmShutdown.ts).
 */
import type { CimSession } from "../../cim";
import type { ErrorContext, MethodOptions, OperationRecord, SiteMember, VmStopped } from "../../hyperv";
import {
  GuestShutdownRefused,
  InvalidStateError,
  requestVmState,
  stopVms,
  VmRequestedState,
} from "../../hyperv";
import type { SitesRequest, StepRecord } from "./drive";
import { EVIDENCE, evidenceLabel } from "./evidence";
import type { SiteRead } from "./observe";

type Action = StepRecord["action"];
type Evidence = StepRecord["evidence"];

/** What a step on one site needs from the driver: the session, the options, and how to log and record calls. */
export interface PowerStep {
  readonly site: string;
  readonly session: CimSession;
  readonly request: Pick<SitesRequest, "name" | "shutdownTimeoutSeconds" | "allowHardPowerOff">;
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

export async function startVMs(
  step: PowerStep,
  members: readonly SiteMember[],
  evidence: Evidence,
): Promise<void> {
  for (const vm of members.filter((m) => m.enabledState !== VmRequestedState.Running)) {
    await step.recorded("StartVMs", vm.name, evidence, () =>
      requestVmState(step.session, vm, VmRequestedState.Running, { ...step.options, context: step.context }),
    );
  }
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
  const running = members.filter((m) => m.enabledState !== VmRequestedState.Off);
  try {
    const stopped = await stopVms(step.session, running, options);
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
  for (const { vm } of stopped) {
    step.log(`VM '${vm.name}': starting it again, as the move was refused before it began`);
    await step.recorded("StartVMs", vm.name, evidence, () =>
      requestVmState(step.session, { ...vm, enabledState: VmRequestedState.Off }, VmRequestedState.Running, {
        ...step.options,
        context: step.context,
      }),
    );
  }
  return `${named(stopped)} had shut down and were started again, so the group runs on ${step.site} as before`;
}

function stayOff(stopped: readonly VmStopped[], runningSite: string): string {
  if (stopped.length === 0) return "no VM had shut down yet";
  return `${named(stopped)} had shut down and stay off, as ${runningSite} runs the group`;
}
