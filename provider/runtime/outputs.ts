/** Plain output shapes every resource shares, built from what the Hyper-V layer read. */
import type { MemberVm } from "../hyperv";

/** A member VM as the outputs show it. */
export interface VirtualMachine {
  name: string;
  id: string;
  enabledState: number;
  enabledStateName: string;
  replicationState: number | null;
  replicationHealth: string | null;
}

export function virtualMachines(members: readonly MemberVm[]): VirtualMachine[] {
  return members.map((vm) => ({
    name: vm.name,
    id: vm.id,
    enabledState: vm.enabledState,
    enabledStateName: vm.enabledStateName,
    replicationState: vm.replicationState,
    replicationHealth: vm.replicationHealthName,
  }));
}
