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
import type { CimInstance, CimSession } from "../cim";
import { CimError, HYPERV_VIRTUALIZATION_NAMESPACE } from "../cim";
import { EnabledState, enabledStateName } from "./codes";
import type { TimeoutBound } from "./jobErrors";
import { InvalidStateError, withContext } from "./errors";
import { firstDeadline } from "./jobs";
import type { OperationRecord } from "./replicationService";
import { operationRecord } from "./records";
import type { VmIdentity, VmPowerOptions } from "./vmPower";
import type { StopWay } from "./stopWays";
import { describeWay, HARD_WAY, stopWays } from "./stopWays";
import { requestVmState, vmRef } from "./vmPower";
import { eachVmTogether } from "./vmsTogether";

const REASON = "Hyper-V Replica: the VM group is moving to its other site (pulumi-hyperv-replica)";
const IN_PROGRESS = 32782;
const STARTED = [0, 4096, IN_PROGRESS];
const SHUTDOWN_SETTING = "shutdownTimeoutSeconds";
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

/** One VM turned off: which way, and the call's record. */
export interface VmStopped {
  readonly vm: VmIdentity;
  readonly way: "guest" | "hard";
  readonly record: OperationRecord;
}

/** A refusal after some guests shut down: `stopped` lists them, so the caller can start them again. */
export class GuestShutdownRefused extends InvalidStateError {
  override name = "GuestShutdownRefused";
  constructor(
    readonly detail: string,
    readonly advice: string,
    context: VmPowerOptions["context"],
    readonly stopped: readonly VmStopped[],
  ) {
    super(detail, advice, context);
  }
}

const hardAdvice = (what: string) =>
  `${what}, or set allowHardPowerOff: true to power such VMs off (RequestStateChange 3), which loses what their guests have not written to disk`;

/**
 * Turns the VMs off: every guest that can be asked is asked at once, then waited for until the shutdown timeout;
 * the rest, and guests still running at the deadline, are powered off hard together if allowed. Without that
 * permission a VM that needs it is refused: before any call when it is known from the reads, else with the VMs
 * already shut down listed on the error. `waves` orders them (a program's boot groups, reversed): each wave is off
 * before the next begins. By default all go together.
 */
export async function stopVms(
  session: CimSession,
  vms: readonly VmIdentity[],
  options: VmStopOptions,
  waves: readonly (readonly VmIdentity[])[] = [vms],
): Promise<VmStopped[]> {
  try {
    const ways = await stopWays(session, vms);
    const hard = ways.filter((w): w is HardWay => w.way === "hard");
    if (hard.length > 0 && !options.allowHardPowerOff) throw refuseBefore(hard, options);
    for (const way of ways) options.progress(describeWay(way));
    const stopped: VmStopped[] = [];
    for (const wave of waves) {
      const inWave = ways.filter((w) => wave.includes(w.vm));
      if (inWave.length > 0) stopped.push(...(await stopWave(session, inWave, options, stopped)));
    }
    return stopped;
  } catch (error) {
    throw withContext(error, options.context);
  }
}

/** One wave: its guests shut down together, then the VMs that need it powered off together. */
async function stopWave(
  session: CimSession,
  ways: readonly StopWay[],
  options: VmStopOptions,
  before: readonly VmStopped[],
): Promise<VmStopped[]> {
  const guests = ways.filter((w): w is Extract<StopWay, { way: "guest" }> => w.way === "guest");
  const { stopped, stragglers, bound } = await shutDownGuests(session, guests, options);
  // The whole operation's bound ran out: powering off hard now would lose data after the time the user allowed.
  const outOfTime = bound.setting !== SHUTDOWN_SETTING && stragglers.length > 0;
  if (outOfTime || (stragglers.length > 0 && !options.allowHardPowerOff))
    throw refuseAfter(stragglers, [...before, ...stopped], options, bound);
  for (const { vm, why } of stragglers)
    options.progress(`VM '${vm.name}': ${HARD_WAY}: ${why}; allowHardPowerOff is true`);
  const offHard = [...ways.filter((w) => w.way === "hard"), ...stragglers].map(({ vm }) => vm);
  stopped.push(...(await eachVmTogether(offHard, (vm) => powerOff(session, vm, options), options.context)));
  return stopped;
}

async function powerOff(session: CimSession, vm: VmIdentity, options: VmStopOptions): Promise<VmStopped> {
  const { record } = await requestVmState(session, vm, EnabledState.Off, options);
  return { vm, way: "hard", record };
}

function refuseBefore(hard: readonly HardWay[], options: VmStopOptions): InvalidStateError {
  const list = hard.map((h) => `VM '${h.vm.name}': ${h.why}`).join("; ");
  return new InvalidStateError(
    `a guest shutdown (Msvm_ShutdownComponent.InitiateShutdown) is not possible for ${list}; nothing was turned off`,
    hardAdvice(
      "Enable the Shutdown integration service in those VMs (Enable-VMIntegrationService -Name Shutdown), start any that are Saved or Paused, or connect to the node that runs them",
    ),
    options.context,
  );
}

interface Asked {
  readonly vm: VmIdentity;
  /** When InitiateShutdown was called for it (ms). */
  readonly at: number;
}

interface Straggler {
  readonly vm: VmIdentity;
  readonly why: string;
}

function refuseAfter(
  stragglers: readonly Straggler[],
  stopped: readonly VmStopped[],
  options: VmStopOptions,
  bound: TimeoutBound,
): GuestShutdownRefused {
  const list = stragglers.map((s) => `VM '${s.vm.name}': ${s.why}`).join("; ");
  const advice =
    bound.setting === SHUTDOWN_SETTING
      ? hardAdvice(
          `Shut those guests down from inside (or find what holds them up), raise shutdownTimeoutSeconds (now ${options.shutdownTimeoutSeconds})`,
        )
      : `Nothing was powered off hard: ${bound.setting} had run out. Raise ${bound.setting} (now ${bound.seconds} s) above shutdownTimeoutSeconds (${options.shutdownTimeoutSeconds}) so that the guests have their time, or shut them down from inside, then run again`;
  return new GuestShutdownRefused(list, advice, options.context, stopped);
}

/** Asks each guest to shut down, then waits for all of them together until the deadline. */
async function shutDownGuests(
  session: CimSession,
  guests: readonly Extract<StopWay, { way: "guest" }>[],
  options: VmStopOptions,
): Promise<{ stopped: VmStopped[]; stragglers: Straggler[]; bound: TimeoutBound }> {
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
  const once = await waitUntilOff(session, refused, { ...options, shutdownTimeoutSeconds: 0 });
  const waited = await waitUntilOff(session, asked, options);
  const stopped = [...once.stopped, ...waited.stopped];
  const stragglers: Straggler[] = refused
    .filter((r) => !stopped.some((s) => s.vm === r.vm))
    .map(({ vm, returnValue }) => ({
      vm,
      why: `InitiateShutdown returned ${returnValue}${REFUSALS[returnValue] ? ` (${REFUSALS[returnValue]})` : ""}`,
    }));
  const { bound, states } = waited;
  const within =
    bound.setting === SHUTDOWN_SETTING
      ? `${SHUTDOWN_SETTING} (${bound.seconds})`
      : `${bound.setting} (${bound.seconds} s), the whole operation's bound, before ${SHUTDOWN_SETTING} (${options.shutdownTimeoutSeconds}) ran out`;
  for (const { vm } of asked.filter((a) => !stopped.some((s) => s.vm === a.vm))) {
    const state = states.get(vm);
    const read =
      state === undefined ? "" : `, and read again then it was ${enabledStateName(state)} (${state})`;
    stragglers.push({ vm, why: `its guest did not shut down within ${within}${read}` });
  }
  return { stopped, stragglers, bound };
}

/**
 * Reads the VMs (one request per tick) until each is Off (3) or the deadline, counted from the first call, passes:
 * shutdownTimeoutSeconds, or the whole operation's deadline (customTimeouts) when that comes first. The last read is
 * at the deadline; `states` keeps what it showed for the VMs still on.
 */
async function waitUntilOff(
  session: CimSession,
  asked: readonly Asked[],
  options: VmStopOptions,
): Promise<{ stopped: VmStopped[]; bound: TimeoutBound; states: Map<VmIdentity, number> }> {
  const { clock } = options;
  const stopped: VmStopped[] = [];
  const states = new Map<VmIdentity, number>();
  const first = asked[0]?.at ?? clock.now();
  const own = { setting: SHUTDOWN_SETTING, seconds: options.shutdownTimeoutSeconds };
  const { at: deadline, bound } = firstDeadline(first, own, options.operationDeadline?.());
  let pending = [...asked];
  while (pending.length > 0) {
    const read = await readVms(session, pending, options, deadline);
    const now = clock.now();
    const stateOf = (i: number) => read[i]?.properties.EnabledState;
    const off = pending.filter((_, i) => stateOf(i) === EnabledState.Off);
    pending.forEach((p, i) => typeof stateOf(i) === "number" && states.set(p.vm, stateOf(i) as number));
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
  return { stopped, bound, states };
}

/**
 * The VMs as the host shows them. A read that times out once the wait's deadline has passed is read again: the whole
 * operation's bound abandons a read that started before it and ended after (runtime/boundedReads.ts), and that read
 * was the wait's last. A guest that shut down in its last moments must be seen Off, or it would be left off, neither
 * counted as shut down nor started again; a read started after the deadline is not bounded by it.
 */
async function readVms(
  session: CimSession,
  pending: readonly Asked[],
  options: VmStopOptions,
  deadline: number,
): Promise<readonly (CimInstance | undefined)[]> {
  const refs = pending.map((p) => vmRef(p.vm.id));
  try {
    return await session.getMany(refs, { signal: options.signal });
  } catch (error) {
    const abandonedAtDeadline =
      error instanceof CimError && error.category === "timeout" && options.clock.now() >= deadline;
    if (!abandonedAtDeadline) throw error;
    return session.getMany(refs, { signal: options.signal });
  }
}
