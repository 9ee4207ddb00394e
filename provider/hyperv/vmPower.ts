/**
 * Turning one member VM on or off: Msvm_ComputerSystem.RequestStateChange, waiting for its job. A collection's VMs
 * are each asked at once and waited for together (vmsTogether.ts). The one implementation for every resource (the
 * drill's and the two-site resource's).
 *
 * Documented (ClusHyperV, Msvm_ComputerSystem.RequestStateChange): RequestedState 2 Enabled and 3 Disabled; return
 * values 0, 4096 "Method Parameters Checked - Job Started", 32774 "System is in use" and 32775 "Invalid state for
 * this operation" among 32768-32778. The virtualization v2 page adds: "Invoking the RequestStateChange method
 * multiple times could result in earlier requests being overwritten or lost."
 *
 * Inferred, as no Hyper-V page says it: a VM that is already Running, or Starting because another run asked first,
 * answers RequestStateChange(2) with 32775. OpenStack's os-win (vmutils.set_vm_state) accepts 32775 because it
 * "typically means that the VM is already in the state requested", and microsoft/wmi (PRs #27, #33) retries 32775
 * as transient. So a refusal is judged by the VM itself: re-read it, wait for the job that is moving it, and
 * succeed when it reaches the requested state.
 */
import type { CimRef, CimSession } from "../cim";
import { isCimRef } from "../cim";
import { CLASS, enabledStateName, isTerminalJobState, ReturnCode } from "./codes";
import type { ErrorContext } from "./errors";
import { HyperVReturnCodeError, withContext } from "./errors";
import { jobRef, toJobSnapshot } from "./jobs";
import type { MethodOptions, MethodResult } from "./replicationService";
import { operationRecord, seeJobThrough } from "./replicationService";
import type { RetryReadOptions } from "./retry";
import { retryRead } from "./retry";

export const VmRequestedState = { Running: 2, Off: 3 } as const;
export type VmRequestedState = (typeof VmRequestedState)[keyof typeof VmRequestedState];

/** What a power request needs to know of a VM: Msvm_ComputerSystem.Name (its GUID), ElementName and EnabledState. */
export interface VmIdentity {
  readonly id: string;
  readonly name: string;
  readonly enabledState: number;
}

export interface VmPowerOptions extends MethodOptions {
  /** The collection and host that errors name; the method is added here. */
  readonly context: ErrorContext;
}

const METHOD = "RequestStateChange";

/** EnabledState 10 Starting moves toward 2, and 4 Shutting Down toward 3 (documented transient states). */
const MOVING_TOWARD: Readonly<Record<VmRequestedState, number>> = { 2: 10, 3: 4 };

export function vmRef(id: string): CimRef {
  return { className: CLASS.computerSystem, keys: { CreationClassName: CLASS.computerSystem, Name: id } };
}

/**
 * Asks one VM to start (2) or turn off (3) and waits for the job. When Hyper-V refuses with 32774 or 32775, the VM
 * is read again: already there, or moving there under another run's job (which is waited for), is success. 32774
 * with the VM still where it was is retried with back-off, as for the service's methods.
 */
export async function requestVmState(
  session: CimSession,
  vm: VmIdentity,
  requested: VmRequestedState,
  options: VmPowerOptions,
): Promise<MethodResult> {
  const context: ErrorContext = { ...options.context, method: `${METHOD}(${requested}) on VM '${vm.name}'` };
  const { clock } = options;
  try {
    for (let attempt = 1; ; attempt++) {
      const startedAt = clock.now();
      const result = await session.invoke(
        vmRef(vm.id),
        METHOD,
        { RequestedState: requested },
        { signal: options.signal },
      );
      const { returnValue, outParameters } = result;
      if (returnValue === ReturnCode.Completed) {
        return {
          record: operationRecord(METHOD, null, null, null, startedAt, clock.now()),
          outParameters,
          vanished: false,
        };
      }
      if (returnValue === ReturnCode.JobStarted && isCimRef(outParameters.Job)) {
        const seen = await seeJobThrough(
          session,
          METHOD,
          outParameters.Job,
          startedAt,
          context,
          naming(vm, requested, options),
        );
        return { ...seen, outParameters };
      }
      const refused = returnValue === ReturnCode.SystemInUse || returnValue === ReturnCode.InvalidState;
      const settled = refused
        ? await settle(session, vm, requested, returnValue, context, options)
        : undefined;
      if (settled !== undefined) return settled;
      if (returnValue === ReturnCode.SystemInUse && attempt <= options.busyRetries.attempts) {
        const delay = options.busyRetries.initialDelayMs * 2 ** (attempt - 1);
        options.progress(
          `${context.method}: the VM is in use (32774); trying again in ${Math.round(delay / 1000)} s`,
        );
        await clock.sleep(delay, options.signal);
        continue;
      }
      throw new HyperVReturnCodeError(returnValue, context, attempt, advice(vm, requested, returnValue));
    }
  } catch (error) {
    throw withContext(error, context);
  }
}

/** The options with progress lines that name the VM, since a RequestStateChange job's own lines do not. */
function naming(vm: VmIdentity, requested: VmRequestedState, options: VmPowerOptions): VmPowerOptions {
  const verb = requested === VmRequestedState.Running ? "start" : "power off (hard)";
  return {
    ...options,
    progress: (line, kind) => options.progress(`VM '${vm.name}', ${verb}: ${line}`, kind),
  };
}

function advice(vm: VmIdentity, requested: VmRequestedState, returnValue: number): string | undefined {
  if (returnValue !== ReturnCode.InvalidState) return undefined;
  const verb = requested === VmRequestedState.Running ? "start" : "turn off";
  return `Hyper-V will not ${verb} the VM from ${enabledStateName(vm.enabledState)} (${vm.enabledState}); check the VM on its node (per VM: Get-VM), then run again`;
}

/**
 * After a refusal: the VM's own state says whether another run's request is doing our work. Already at
 * `requested` succeeds at once; moving toward it (Starting, Shutting Down) waits for the job that moves it, found
 * over Msvm_AffectedJobElement from the VM's end (inferred to list a VM's jobs in root\HyperVCluster\v2, as it does
 * in root\virtualization\v2), or, when the host lists none, reads the VM again until the deadline. Anything else is
 * undefined: a real refusal.
 */
async function settle(
  session: CimSession,
  vm: VmIdentity,
  requested: VmRequestedState,
  returnValue: number,
  context: ErrorContext,
  options: VmPowerOptions,
): Promise<MethodResult | undefined> {
  const { clock } = options;
  const startedAt = clock.now();
  const deadline = startedAt + options.timeoutSeconds * 1000;
  let followed: MethodResult | undefined;
  for (;;) {
    const state = await enabledStateOf(session, vm.id);
    if (state === requested) {
      return (
        followed ?? {
          record: operationRecord(METHOD, null, null, null, startedAt, clock.now()),
          outParameters: {},
          vanished: false,
        }
      );
    }
    if (state !== MOVING_TOWARD[requested]) return undefined;
    const job = await runningJobOf(session, vm.id);
    if (job !== undefined) {
      options.progress(
        `${context.method} returned ${returnValue}: the VM is ${enabledStateName(state)}, as another run asked; waiting for its job ${job} instead`,
      );
      followed = {
        ...(await seeJobThrough(
          session,
          METHOD,
          jobRef(job),
          clock.now(),
          context,
          naming(vm, requested, options),
        )),
        outParameters: {},
      };
      continue;
    }
    if (clock.now() >= deadline) return undefined;
    await clock.sleep(options.polling.initialMs, options.signal);
  }
}

/**
 * The VMs' EnabledState as the host shows them, in the order given (undefined: not found), in one request that is
 * tried again when the transport drops it (retry.ts).
 */
export async function readVmStates(
  session: CimSession,
  vms: readonly Pick<VmIdentity, "id">[],
  options: RetryReadOptions,
): Promise<(number | undefined)[]> {
  const refs = vms.map((vm) => vmRef(vm.id));
  const found = await retryRead(() => session.getMany(refs, { signal: options.signal }), options);
  return found.map((vm) =>
    typeof vm?.properties.EnabledState === "number" ? vm.properties.EnabledState : undefined,
  );
}

async function enabledStateOf(session: CimSession, id: string): Promise<number | undefined> {
  const instance = await session.get(vmRef(id));
  const state = instance?.properties.EnabledState;
  return typeof state === "number" ? state : undefined;
}

/** The InstanceID of an unfinished job that Msvm_AffectedJobElement ties to the VM, if the host lists one. */
async function runningJobOf(session: CimSession, id: string): Promise<string | undefined> {
  const jobs = await session.associators(vmRef(id), {
    association: CLASS.affectedJobElement,
    resultClass: CLASS.job,
  });
  return jobs.map(toJobSnapshot).find((job) => job.id !== "" && !isTerminalJobState(job.jobState))?.id;
}
