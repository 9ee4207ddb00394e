/**
 * What a StartVMs or StopVMs step on one site needs from the two-site driver, and starting VMs with it: together,
 * or boot group after boot group (failover/bootOrder.ts). A stop that does not go through starts again the VMs it
 * shut down, with {@link startAgain}.
 */
import type { CimSession } from "../../cim";
import type { ErrorContext, MethodOptions, OperationRecord, VmIdentity } from "../../hyperv";
import {
  eachVmTogether,
  enabledStateName,
  JobTimeoutError,
  readVmStates,
  requestVmState,
  VmRequestedState,
} from "../../hyperv";
import { bootWaves } from "../bootOrder";
import { inOrder } from "../virtualMachines";
import type { SitesRequest, StepRecord } from "./drive";
import { evidenceLabel } from "./evidence";
import type { Evidence as Why } from "./types";

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

/** Starts the VMs together (RequestStateChange 2), waiting for each job; each call is recorded as it ends. */
export async function startTogether(
  step: PowerStep,
  vms: readonly VmIdentity[],
  evidence: Evidence,
): Promise<void> {
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

/** A stop that did not go through: why its VMs are started again, for the log and the step records. */
export interface StartAgainReason {
  readonly because: string;
  readonly evidence: Why;
}

/**
 * Starts again `vms`, which a stop that did not go through shut down, in the program's boot order. Returns undefined
 * once all run, else why that was not seen through: the stop's own failure stays the error, and this is said beside
 * it, for the user to check.
 */
export async function startAgain(
  step: PowerStep,
  vms: readonly VmIdentity[],
  reason: StartAgainReason,
): Promise<string | undefined> {
  for (const vm of vms) step.log(`VM '${vm.name}': starting it again, as ${reason.because}`);
  const off = vms.map((vm) => ({ ...vm, enabledState: VmRequestedState.Off }));
  const evidence = evidenceLabel(reason.evidence);
  try {
    await inOrder(bootWaves(off, step.request.bootGroups), step, (wave) =>
      startTogether(step, wave, evidence),
    );
    return undefined;
  } catch (error) {
    if (error instanceof JobTimeoutError)
      return `job ${error.jobId} did not finish within ${error.bound.seconds} s (${error.bound.setting}) and goes on on the host`;
    return error instanceof Error ? error.message : String(error);
  }
}

export const named = (vms: readonly VmIdentity[]) => vms.map((vm) => `'${vm.name}'`).join(", ");

/** "'a' had shut down and was started again", "'a', 'b' had shut down and were started again". */
export const startedAgain = (vms: readonly VmIdentity[]) =>
  `${named(vms)} had shut down and ${vms.length > 1 ? "were" : "was"} started again`;

/** What to say when {@link startAgain} was asked for `vms` and not seen through. */
export function notSeenThrough(step: PowerStep, vms: readonly VmIdentity[], failure: string): string {
  const [them, they] = vms.length > 1 ? ["them", "they run"] : ["it", "it runs"];
  return `${named(vms)} had shut down; starting ${them} again was asked but not seen through (${failure}): check that ${they} on ${step.site} (Get-VM) and start any that is Off`;
}

/** The VMs' EnabledState as the site shows them now (undefined: not found), read with the read retries. */
export const readSiteVms = (step: PowerStep, vms: readonly VmIdentity[]): Promise<(number | undefined)[]> =>
  readVmStates(step.session, vms, { clock: step.clock, retries: step.options.readRetries });

/** "'sql-a' is Off (3)", or "'sql-a' is not found". */
export const vmIs = (vm: VmIdentity, state: number | undefined) =>
  `'${vm.name}' ${state === undefined ? "is not found" : `is ${enabledStateName(state)} (${state})`}`;
