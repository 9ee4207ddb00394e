/**
 * Member VMs around a failover. Failing over does not start them: the per-VM Hyper-V flow is Start-VMFailover, then
 * Start-VM (windows-powershell-docs Start-VMFailover: "Start-VMFailover -VMName VM01 ... Start-VM VM01"). And
 * Stop-VMFailover "turns a running VM off before cancelling", so the VMs are turned off before RevertFailover
 * (inferred to hold for the collection method, whose page says nothing about running VMs).
 */
import type { CimSession } from "../cim";
import type { ProgressLine } from "../hyperv";
import type { ErrorContext, MemberVm, VmPowerOptions } from "../hyperv";
import { EnabledState, readMembers, requestVmState } from "../hyperv";
import type { ReconcileDeps } from "./request";

export interface VmDeps extends Pick<
  ReconcileDeps,
  "clock" | "polling" | "busyRetries" | "readRetries" | "progressCadence" | "operationDeadline"
> {
  readonly timeoutSeconds: number;
  readonly log: ProgressLine;
  readonly context: ErrorContext;
}

/**
 * Starts every member VM that is not running (RequestStateChange 2), one at a time, waiting for each job. A VM that
 * another run is starting at the same time is waited for, not started twice (see requestVmState). Returns the VMs.
 */
export async function startMembers(
  session: CimSession,
  collectionId: string,
  deps: VmDeps,
): Promise<MemberVm[]> {
  const members = await readMembers(session, collectionId, deps.context);
  const off = members.filter((m) => m.enabledState !== EnabledState.Running);
  for (const vm of off) {
    await requestVmState(session, vm, EnabledState.Running, vmOptions(deps));
    deps.log(`VM '${vm.name}' started`);
  }
  // Read again only when something was started: otherwise the first read is still what the host shows.
  return off.length === 0 ? members : readMembers(session, collectionId, deps.context);
}

/**
 * Turns off every running member VM of those just read (RequestStateChange 3), waiting for each job. A hard power
 * off loses nothing here that would be kept: RevertFailover follows, and per VM it "discards the current failover
 * disk" (fact sheet §4). Where the VMs' data is kept, as before a planned move, guests are shut down instead
 * (hyperv/vmShutdown.ts).
 */
export async function turnOffRunningMembers(
  session: CimSession,
  members: readonly MemberVm[],
  deps: VmDeps,
): Promise<void> {
  for (const vm of members.filter((m) => m.enabledState === EnabledState.Running)) {
    deps.log(`turning VM '${vm.name}' off first: RevertFailover discards what it wrote since the failover`);
    await requestVmState(session, vm, EnabledState.Off, vmOptions(deps));
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
