/**
 * Turning member VMs off as their guests expect: a guest shutdown through Msvm_ShutdownComponent, and a hard power
 * off (RequestStateChange 3) only where the caller allows it.
 *
 * Documented:
 * - HyperV_v2 requeststatechange-msvm-computersystem.md: RequestedState "Shut Down (4)" is "Valid in version 1 (V1)
 *   of Hyper-V only", so RequestStateChange offers no guest shutdown; 3 (Disabled) turns the VM off.
 * - msvm-shutdowncomponent.md: the class "provides a mechanism to shut down the operating system of the virtual
 *   machine from the management interfaces on the host system"; namespace "Root\Virtualization\V2"; SystemName is
 *   "The unique identifier for the scoping virtual machine"; OperationalStatus 2 OK, 3 Degraded, 7 Non-Recoverable
 *   Error, 12 No Contact ("The guest service is not installed or has not yet been contacted"), 13 Lost
 *   Communication ("The guest service is no longer responding normally").
 * - msvm-shutdowncomponent-initiateshutdown.md: InitiateShutdown(Force, Reason), "If zero (0) is returned, then the
 *   shutdown was initiated successfully. Any other return code indicates an error condition." Force "forces
 *   applications to be closed despite having unsaved data", so it is passed as false.
 *
 * Inferred: SystemName equals the VM's Msvm_ComputerSystem.Name (DeviceID is documented as "Microsoft:VMGUID\GUID"
 * with VMGUID that Name); a 4096 answer started the shutdown as 0 does, and 32782 "A system shutdown is in progress"
 * means one is already under way; the guest has finished when Msvm_ComputerSystem.EnabledState reads 3 (no page
 * says how a caller learns it). On a cluster, root\virtualization\v2 is each node's own, so a VM that runs on
 * another node than the one addressed shows no shutdown component there.
 */
import type { CimSession } from "../cim";
import { CimError, HYPERV_VIRTUALIZATION_NAMESPACE } from "../cim";
import { EnabledState, enabledStateName } from "./codes";
import type { TimeoutBound } from "./jobErrors";
import { HyperVError, withContext } from "./errors";
import type { VmCallFailed, VmStopped } from "./vmStopErrors";
import type { Straggler } from "./vmStopErrors";
import {
  GuestShutdownRefused,
  refuseAfter,
  refuseBefore,
  SHUTDOWN_SETTING,
  StopInterrupted,
} from "./vmStopErrors";
import { firstDeadline } from "./jobs";
import type { OperationRecord } from "./replicationService";
import { operationRecord } from "./records";
import type { VmIdentity, VmPowerOptions } from "./vmPower";
import type { StopWay } from "./stopWays";
import { describeWay, HARD_WAY, stopWays } from "./stopWays";
import { readVmStates, requestVmState } from "./vmPower";
import { eachVmTogether } from "./vmsTogether";

const REASON = "Hyper-V Replica: the VM group is moving to its other site (pulumi-hyperv-replica)";
const IN_PROGRESS = 32782;
const STARTED = [0, 4096, IN_PROGRESS];
/** Refusals the InitiateShutdown page names, in its words. */
const REFUSALS: Readonly<Record<number, string>> = {
  32775: "Invalid state for this operation",
  32780: "The system is not ready",
  32781: "The machine is locked and cannot be shut down without the force option",
};

export interface VmStopOptions extends VmPowerOptions {
  /** How long each guest has to shut down, from the InitiateShutdown call. */
  readonly shutdownTimeoutSeconds: number;
  /** Turn a VM off hard when its guest cannot be asked or does not shut down in time. */
  readonly allowHardPowerOff: boolean;
}

type HardWay = Extract<StopWay, { way: "hard" }>;

/** What a stop has done so far: the VMs seen off, and the power-off calls whose jobs failed. */
interface StopLedger {
  readonly stopped: VmStopped[];
  readonly failed: VmCallFailed[];
}

/**
 * Turns the VMs off: every guest that can be asked is asked at once, then waited for until the shutdown timeout;
 * the rest, and guests still running at the deadline, are powered off hard together if allowed. Without that
 * permission a VM that needs it is refused: before any call when it is known from the reads, else with the VMs
 * already shut down listed on the error ({@link GuestShutdownRefused}). Any other failure after the first call
 * comes as a {@link StopInterrupted}. `waves` orders them (a program's boot groups, reversed): each wave is off
 * before the next begins. By default all go together.
 */
export async function stopVms(
  session: CimSession,
  vms: readonly VmIdentity[],
  options: VmStopOptions,
  waves: readonly (readonly VmIdentity[])[] = [vms],
): Promise<VmStopped[]> {
  const ways = await waysAllowed(session, vms, options);
  const ledger: StopLedger = { stopped: [], failed: [] };
  const asked: VmIdentity[] = [];
  try {
    for (const wave of waves) {
      const inWave = ways.filter((w) => wave.includes(w.vm));
      asked.push(...inWave.map((w) => w.vm));
      if (inWave.length > 0) await stopWave(session, inWave, options, ledger);
    }
    return ledger.stopped;
  } catch (error) {
    if (error instanceof GuestShutdownRefused) throw error;
    const { stopped, failed } = ledger;
    throw new StopInterrupted(withContext(error, options.context), asked, stopped, failed, options.context);
  }
}

/** How each VM can be turned off, read before any call; refused when a VM needs a hard power off not allowed. */
async function waysAllowed(
  session: CimSession,
  vms: readonly VmIdentity[],
  options: VmStopOptions,
): Promise<StopWay[]> {
  try {
    const ways = await stopWays(session, vms);
    const hard = ways.filter((w): w is HardWay => w.way === "hard");
    if (hard.length > 0 && !options.allowHardPowerOff) throw refuseBefore(hard, options.context);
    for (const way of ways) options.progress(describeWay(way));
    return ways;
  } catch (error) {
    throw withContext(error, options.context);
  }
}

/**
 * One wave: its guests shut down together, then the VMs that need it powered off together. Each VM is added to the
 * ledger as it is seen off, and each power off whose job failed as it fails, so a failure part-way leaves them
 * listed there.
 */
async function stopWave(
  session: CimSession,
  ways: readonly StopWay[],
  options: VmStopOptions,
  { stopped, failed }: StopLedger,
): Promise<void> {
  const guests = ways.filter((w): w is Extract<StopWay, { way: "guest" }> => w.way === "guest");
  const { stragglers, bound } = await shutDownGuests(session, guests, options, stopped);
  // The whole operation's bound ran out: powering off hard now would lose data after the time the user allowed.
  const outOfTime = bound.setting !== SHUTDOWN_SETTING && stragglers.length > 0;
  if (outOfTime || (stragglers.length > 0 && !options.allowHardPowerOff))
    throw refuseAfter(stragglers, [...stopped], options, bound);
  for (const { vm, why } of stragglers)
    options.progress(`VM '${vm.name}': ${HARD_WAY}: ${why}; allowHardPowerOff is true`);
  const offHard = [...ways.filter((w) => w.way === "hard"), ...stragglers].map(({ vm }) => vm);
  const hard: VmStopped[] = [];
  const powerOffNoted = async (vm: VmIdentity) => {
    try {
      hard.push(await powerOff(session, vm, options));
    } catch (error) {
      if (error instanceof HyperVError && error.operation)
        failed.push({ vm, record: error.operation as OperationRecord });
      throw error;
    }
  };
  try {
    await eachVmTogether(offHard, powerOffNoted, options.context);
  } finally {
    stopped.push(...offHard.flatMap((vm) => hard.filter((h) => h.vm === vm)));
  }
}

async function powerOff(session: CimSession, vm: VmIdentity, options: VmStopOptions): Promise<VmStopped> {
  const { record } = await requestVmState(session, vm, EnabledState.Off, options);
  return { vm, way: "hard", record };
}

interface Asked {
  readonly vm: VmIdentity;
  /** When InitiateShutdown was called for it (ms). */
  readonly at: number;
}

/** Asks each guest to shut down, then waits for all of them together until the deadline. */
async function shutDownGuests(
  session: CimSession,
  guests: readonly Extract<StopWay, { way: "guest" }>[],
  options: VmStopOptions,
  stopped: VmStopped[],
): Promise<{ stragglers: Straggler[]; bound: TimeoutBound }> {
  const { clock } = options;
  const answers = await eachVmTogether(
    guests.map(({ vm, component }) => ({ name: vm.name, vm, component })),
    async ({ vm, component }) => {
      const at = clock.now();
      const args = { Force: false, Reason: REASON };
      const { returnValue } = await session.invoke(component, "InitiateShutdown", args, {
        namespace: HYPERV_VIRTUALIZATION_NAMESPACE,
        signal: options.signal,
      });
      return { vm, at, returnValue };
    },
    options.context,
  );
  const asked: Asked[] = answers.filter((a) => STARTED.includes(a.returnValue));
  const refused = answers.filter((a) => !STARTED.includes(a.returnValue));
  // A refusal may only mean the VM went Off meanwhile: one read tells, and only a VM still on is a straggler.
  await waitUntilOff(session, refused, { ...options, shutdownTimeoutSeconds: 0 }, stopped);
  const waited = await waitUntilOff(session, asked, options, stopped);
  const isOff = (vm: VmIdentity) => stopped.some((s) => s.vm === vm);
  const stragglers: Straggler[] = refused
    .filter((r) => !isOff(r.vm))
    .map(({ vm, returnValue }) => ({
      vm,
      why: `InitiateShutdown returned ${returnValue}${REFUSALS[returnValue] ? ` (${REFUSALS[returnValue]})` : ""}`,
    }));
  const { bound, states } = waited;
  const within =
    bound.setting === SHUTDOWN_SETTING
      ? `${SHUTDOWN_SETTING} (${bound.seconds})`
      : `${bound.setting} (${bound.seconds} s), the whole operation's bound, before ${SHUTDOWN_SETTING} (${options.shutdownTimeoutSeconds}) ran out`;
  for (const { vm } of asked.filter((a) => !isOff(a.vm))) {
    const state = states.get(vm);
    const read =
      state === undefined ? "" : `, and read again then it was ${enabledStateName(state)} (${state})`;
    stragglers.push({ vm, why: `its guest did not shut down within ${within}${read}` });
  }
  return { stragglers, bound };
}

/**
 * Reads the VMs (one request per tick) until each is Off (3) or the deadline, counted from the first call, passes:
 * shutdownTimeoutSeconds, or the whole operation's deadline (customTimeouts) when that comes first. The last read is
 * at the deadline. Each VM seen Off is added to `stopped`; `states` keeps what the last read showed for the VMs
 * still on.
 */
async function waitUntilOff(
  session: CimSession,
  asked: readonly Asked[],
  options: VmStopOptions,
  stopped: VmStopped[],
): Promise<{ bound: TimeoutBound; states: Map<VmIdentity, number> }> {
  const { clock } = options;
  const states = new Map<VmIdentity, number>();
  const first = asked[0]?.at ?? clock.now();
  const own = { setting: SHUTDOWN_SETTING, seconds: options.shutdownTimeoutSeconds };
  const { at: deadline, bound } = firstDeadline(first, own, options.operationDeadline?.());
  let pending = [...asked];
  while (pending.length > 0) {
    const read = await readVms(session, pending, options, deadline);
    const now = clock.now();
    const off = pending.filter((_, i) => read[i] === EnabledState.Off);
    pending.forEach((p, i) => {
      const state = read[i];
      if (state !== undefined) states.set(p.vm, state);
    });
    for (const { vm, at } of off) {
      stopped.push({
        vm,
        way: "guest",
        record: operationRecord("InitiateShutdown", null, null, null, at, now),
      });
      options.progress(`VM '${vm.name}': the guest has shut down (Off)`);
    }
    pending = pending.filter((p) => !off.includes(p));
    if (pending.length === 0 || now >= deadline) break;
    await clock.sleep(Math.min(options.polling.initialMs * 4, deadline - now), options.signal);
  }
  return { bound, states };
}

/**
 * The VMs as the host shows them. A read the transport drops is tried again, as every read is (retry.ts): the guests
 * go on shutting down meanwhile, and a wait given up on one dropped reply would stop the move part-way. A read that
 * times out once the wait's deadline has passed is read again: the whole operation's bound abandons a read that
 * started before it and ended after (runtime/boundedReads.ts), and that read was the wait's last. A guest that shut
 * down in its last moments must be seen Off, or it would be left off, neither counted as shut down nor started
 * again; a read started after the deadline is not bounded by it.
 */
async function readVms(
  session: CimSession,
  pending: readonly Asked[],
  options: VmStopOptions,
  deadline: number,
): Promise<(number | undefined)[]> {
  const read = () =>
    readVmStates(
      session,
      pending.map((p) => p.vm),
      {
        clock: options.clock,
        retries: options.readRetries,
        onRetry: (error, delay) =>
          options.progress(
            `reading the VMs (Msvm_ComputerSystem): ${error.message}; reading them again in ${Math.round(delay / 1000)} s`,
          ),
        signal: options.signal,
      },
    );
  try {
    return await read();
  } catch (error) {
    const abandonedAtDeadline =
      error instanceof CimError && error.category === "timeout" && options.clock.now() >= deadline;
    if (!abandonedAtDeadline) throw error;
    return read();
  }
}
