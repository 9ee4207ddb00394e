/**
 * Member VMs around a failover. Failing over does not start them: the per-VM Hyper-V flow is Start-VMFailover, then
 * Start-VM (windows-powershell-docs Start-VMFailover: "Start-VMFailover -VMName VM01 ... Start-VM VM01"). And
 * Stop-VMFailover "turns a running VM off before cancelling", so the VMs are turned off before RevertFailover
 * (inferred to hold for the collection method, whose page says nothing about running VMs).
 *
 * A collection's VMs start together and are waited for together (hyperv/vmsTogether.ts); where the program declares
 * boot groups (failover/bootOrder.ts), group after group, and turned off in the reverse order.
 */
import type { CimSession } from "../cim";
import type { ProgressLine } from "../hyperv";
import type { ErrorContext, MemberVm, VmIdentity, VmPowerOptions } from "../hyperv";
import { eachVmTogether, EnabledState, readMembers, requestVmState } from "../hyperv";
import type { BootGroup, NameMatch, Wave } from "./bootOrder";
import { bootWaves, exactName, refuseUnknownBootNames } from "./bootOrder";
import type { ReconcileDeps } from "./request";

export interface VmDeps extends Pick<
  ReconcileDeps,
  "clock" | "polling" | "busyRetries" | "readRetries" | "progressCadence" | "operationDeadline"
> {
  readonly timeoutSeconds: number;
  readonly log: ProgressLine;
  readonly context: ErrorContext;
}

/** The program's boot groups, and how its names find the members (test VMs carry a suffix). */
export interface BootOrder {
  readonly groups?: readonly BootGroup[] | undefined;
  readonly match?: NameMatch;
}

/**
 * Starts every member VM that is not running (RequestStateChange 2): all together, or boot group after boot group.
 * A VM that another run is starting at the same time is waited for, not started twice (see requestVmState). Boot
 * groups that name no member are refused before any VM is started. Returns the VMs.
 */
export async function startMembers(
  session: CimSession,
  collectionId: string,
  deps: VmDeps,
  order: BootOrder = {},
): Promise<MemberVm[]> {
  const members = await readMembers(session, collectionId, deps.context);
  refuseUnknownBootNames(members, order.groups, deps.context, order.match ?? exactName);
  const waves = bootWaves(members, order.groups, order.match).map((wave) => ({
    ...wave,
    vms: wave.vms.filter((m) => m.enabledState !== EnabledState.Running),
  }));
  const start = async (vm: MemberVm) => {
    await requestVmState(session, vm, EnabledState.Running, vmOptions(deps));
    deps.log(`VM '${vm.name}' started`);
  };
  await inOrder(waves, deps, async (vms) => {
    await eachVmTogether(vms, start, deps.context);
  });
  // Read again only when something was started: otherwise the first read is still what the host shows.
  const started = waves.some((w) => w.vms.length > 0);
  return started ? readMembers(session, collectionId, deps.context) : members;
}

/**
 * Turns off every running member VM of those just read (RequestStateChange 3), together, or boot group by boot
 * group in the reverse order. A hard power off loses nothing here that would be kept: RevertFailover follows, and
 * per VM it "discards the current failover disk" (fact sheet §4). Where the VMs' data is kept, as before a planned
 * move, guests are shut down instead (hyperv/vmShutdown.ts).
 */
export async function turnOffRunningMembers(
  session: CimSession,
  members: readonly MemberVm[],
  deps: VmDeps,
  groups?: readonly BootGroup[],
): Promise<void> {
  const waves = stopWaves(bootWaves(members, groups), (m) => m.enabledState === EnabledState.Running);
  await inOrder(waves, deps, async (vms) => {
    for (const vm of vms)
      deps.log(`turning VM '${vm.name}' off first: RevertFailover discards what it wrote since the failover`);
    await eachVmTogether(
      vms,
      (vm) => requestVmState(session, vm, EnabledState.Off, vmOptions(deps)),
      deps.context,
    );
  });
}

/** The waves in the order VMs stop (the reverse of boot order), keeping only the VMs `keep` selects, no pauses. */
export function stopWaves<T>(waves: readonly Wave<T>[], keep: (vm: T) => boolean): Wave<T>[] {
  return [...waves].reverse().map((w) => ({ ...w, vms: w.vms.filter(keep), delaySeconds: 0 }));
}

/**
 * Acts on each wave that has VMs, one after the other; after a wave that acted, its delay passes before the next
 * wave that has VMs. A wave with none (its VMs already running) has nothing to wait for.
 */
export async function inOrder<T extends VmIdentity>(
  waves: readonly Wave<T>[],
  deps: Pick<VmDeps, "clock" | "log">,
  act: (vms: readonly T[]) => Promise<void>,
): Promise<void> {
  const acting = waves.filter((w) => w.vms.length > 0);
  for (const [i, wave] of acting.entries()) {
    const before = acting[i - 1];
    if (before !== undefined && before.delaySeconds > 0) {
      deps.log(
        `${before.label} is running; waiting ${before.delaySeconds} s (delaySeconds) before ${wave.label}`,
      );
      await deps.clock.sleep(before.delaySeconds * 1000);
    }
    if (wave.label !== "") deps.log(`${wave.label}: ${wave.vms.map((vm) => `'${vm.name}'`).join(", ")}`);
    await act(wave.vms);
  }
}

function vmOptions(deps: VmDeps): VmPowerOptions {
  return {
    clock: deps.clock,
    polling: deps.polling,
    busyRetries: deps.busyRetries,
    readRetries: deps.readRetries,
    timeoutSeconds: deps.timeoutSeconds,
    cancelOnTimeout: false,
    progress: deps.log,
    progressCadence: deps.progressCadence,
    operationDeadline: deps.operationDeadline,
    context: deps.context,
  };
}
