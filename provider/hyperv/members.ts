/**
 * The member VMs of a collection (Msvm_CollectedVirtualSystems -> Msvm_ComputerSystem, whose Name is the VM GUID)
 * and their power state. Msvm_ComputerSystem.RequestStateChange is documented with RequestedState 2 Enabled
 * (start) and 3 Disabled (turn off), return 0 or 4096 with a Job, and 32768-32778 otherwise.
 */
import type { CimInstance, CimRef, CimSession } from "../cim";
import type { Clock } from "../clock";
import { collectionRef } from "./collections";
import { CLASS, enabledStateName, JobState, replicationHealthName, ReturnCode } from "./codes";
import type { ErrorContext } from "./errors";
import { HyperVJobError, HyperVReturnCodeError, withContext } from "./errors";
import type { PollingOptions } from "./jobs";
import { describeFailure, waitForJob } from "./jobs";

export interface MemberVm {
  /** Msvm_ComputerSystem.Name, the VM GUID. */
  readonly id: string;
  /** ElementName, the VM's name. */
  readonly name: string;
  readonly enabledState: number;
  /** `Running`, `Off`, `Saved`, ... */
  readonly enabledStateName: string;
  /** The per-VM ReplicationState (deprecated since 8.1, per the docs, but still read here), or null. */
  readonly replicationState: number | null;
  readonly replicationHealth: number | null;
  readonly replicationHealthName: string | null;
}

const num = (i: CimInstance, p: string) =>
  typeof i.properties[p] === "number" ? (i.properties[p] as number) : null;

export function toMemberVm(instance: CimInstance): MemberVm {
  const enabled = num(instance, "EnabledState") ?? 0;
  const health = num(instance, "ReplicationHealth");
  return {
    id: String(instance.properties.Name ?? ""),
    name: String(instance.properties.ElementName ?? ""),
    enabledState: enabled,
    enabledStateName: enabledStateName(enabled),
    replicationState: num(instance, "ReplicationState"),
    replicationHealth: health,
    replicationHealthName: health === null ? null : replicationHealthName(health),
  };
}

/** The collection's member VMs, sorted by name so that outputs do not churn. */
export async function readMembers(
  session: CimSession,
  collectionId: string,
  context: ErrorContext,
): Promise<MemberVm[]> {
  try {
    const found = await session.associators(collectionRef(collectionId), {
      association: CLASS.collectedVirtualSystems,
      resultClass: CLASS.computerSystem,
    });
    return found.map(toMemberVm).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  } catch (error) {
    throw withContext(error, context);
  }
}

export function vmRef(id: string): CimRef {
  return { className: CLASS.computerSystem, keys: { CreationClassName: CLASS.computerSystem, Name: id } };
}

export interface VmStateOptions {
  readonly clock: Clock;
  readonly timeoutSeconds: number;
  readonly polling: PollingOptions;
  readonly progress: (line: string) => void;
  readonly context: ErrorContext;
}

/** EnabledState 10 Starting moves toward 2, and 4 Shutting Down toward 3 (the documented EnabledState values). */
const MOVING_TOWARD: Readonly<Record<2 | 3, number>> = { 2: 10, 3: 4 };

/**
 * After 32774 (System is in use) or 32775 (Invalid state), whether the VM is already at `requested`, or on its way
 * there because another run asked first, and gets there before the deadline. Inferred: a second request while the
 * first one's job runs, or once it is done, is refused, so the VM's own state is the honest way to tell.
 */
async function settlesTo(
  session: CimSession,
  vm: MemberVm,
  requested: 2 | 3,
  options: VmStateOptions,
): Promise<boolean> {
  const deadline = options.clock.now() + options.timeoutSeconds * 1000;
  for (;;) {
    const now = await session.get(vmRef(vm.id));
    const state = now === undefined ? undefined : toMemberVm(now).enabledState;
    if (state === requested) return true;
    if (state !== MOVING_TOWARD[requested] || options.clock.now() >= deadline) return false;
    await options.clock.sleep(options.polling.initialMs);
  }
}

/**
 * Asks one VM for an EnabledState (2 to start, 3 to turn off) and waits for its job. Returns without a call when
 * the VM is already there. A job that vanishes is judged by reading the VM again.
 */
export async function requestVmState(
  session: CimSession,
  vm: MemberVm,
  requested: 2 | 3,
  options: VmStateOptions,
): Promise<void> {
  const verb = requested === 2 ? "start" : "turn off";
  const context: ErrorContext = {
    ...options.context,
    method: `RequestStateChange(${requested}) on VM '${vm.name}'`,
  };
  if (vm.enabledState === requested) return;
  try {
    const startedAt = options.clock.now();
    const result = await session.invoke(vmRef(vm.id), "RequestStateChange", { RequestedState: requested });
    if (result.returnValue === ReturnCode.Completed) return;
    if (result.returnValue === ReturnCode.SystemInUse && (await settlesTo(session, vm, requested, options)))
      return;
    const job = result.outParameters.Job as CimRef | undefined;
    if (result.returnValue !== ReturnCode.JobStarted || job === undefined) {
      const advice =
        result.returnValue === ReturnCode.InvalidState
          ? `Hyper-V will not ${verb} the VM from ${vm.enabledStateName} (${vm.enabledState}); check it in Hyper-V Manager, then run again`
          : undefined;
      throw new HyperVReturnCodeError(result.returnValue, context, 1, advice);
    }
    options.progress(`${verb} VM '${vm.name}': job ${String(job.keys.InstanceID)}`);
    const outcome = await waitForJob(session, job, {
      clock: options.clock,
      deadline: startedAt + options.timeoutSeconds * 1000,
      timeoutSeconds: options.timeoutSeconds,
      polling: options.polling,
      cancelOnTimeout: false,
      context,
    });
    if (outcome.kind === "finished" && outcome.job.jobState !== JobState.Completed) {
      throw new HyperVJobError(await describeFailure(session, outcome.job), context);
    }
  } catch (error) {
    throw withContext(error, context);
  }
}
