import type { CimInstance } from "../../cim";
import { EnabledState, FailedOverType, ReplicationMode, ReplicationState, sameText } from "../constants";
import { newGuid } from "../ids";
import { computerSystemInstance } from "./render";
import { onHost, type SimState, type StoredCollection, type StoredHostVm } from "../store/state";

/**
 * The host's VMs that belong to no VM collection: what AddMember takes a member from and RemoveMember and
 * DestroyCollection give it back to. On a host, a VM exists before and after it is in a group (New-VMGroup and
 * Add-VMGroupMember take existing VMs); Msvm_ComputerSystem lists it either way.
 */

/** A VM outside every collection shows no replication: it is rendered as a member of no collection (inferred). */
const NO_COLLECTION: StoredCollection = {
  id: "",
  name: "",
  replicationState: ReplicationState.disabled,
  replicationMode: ReplicationMode.none,
  failedOverReplicationType: FailedOverType.none,
  members: [],
  lastApplyTime: null,
  lastApplyConsistencyLevel: 0,
};

/** The VMs outside every collection that a host answers for. */
export function hostVms(state: SimState, hostName: string): StoredHostVm[] {
  return (state.virtualMachines ?? []).filter((vm) => onHost(vm, hostName));
}

export function hostVmInstance(vm: StoredHostVm, now: number): CimInstance {
  return computerSystemInstance(NO_COLLECTION, vm, now);
}

/** The collection a VM of the host belongs to, if any. */
export function collectionOfVm(state: SimState, vmId: string): StoredCollection | undefined {
  return state.collections.find((c) => c.members.some((m) => sameText(m.id, vmId)));
}

/**
 * Adds VMs outside every collection, running unless `enabledState` says otherwise, each with a new GUID as its Name;
 * in a two-site state file, on `site`.
 * @throws Error when the name is empty.
 */
export function addHostVms(
  state: SimState,
  names: readonly string[],
  now: number,
  site?: string,
): StoredHostVm[] {
  for (const name of names) {
    if (typeof name !== "string" || name.trim() === "") throw new Error("a VM needs a name");
  }
  const added = names.map((name) => ({
    id: newGuid(),
    name,
    enabledState: EnabledState.enabled,
    enabledSince: now,
    ...(site !== undefined ? { site } : {}),
  }));
  state.virtualMachines = [...(state.virtualMachines ?? []), ...added];
  return added;
}
