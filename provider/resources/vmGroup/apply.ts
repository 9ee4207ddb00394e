/**
 * VmGroup's writes, each followed through its job: create (DefineCollection, then AddMember per member), update
 * (RemoveMember, AddMember, RenameCollection) and destroy (DestroyCollection). Every VM is found before the first
 * write, so that a member that names no VM, or several, stops the run with nothing changed.
 */
import { randomUUID } from "node:crypto";
import type { CimSession } from "../../cim";
import type { ErrorContext, HostVm, MethodOptions } from "../../hyperv";
import {
  collectionsNamed,
  defineCollection,
  destroyCollection,
  findCollection,
  InvalidStateError,
  membershipCall,
  readMembers,
  renameCollection,
  replicationStateName,
} from "../../hyperv";
import { memberCalls } from "./plan";

/** Refuses a name another group has: the program most likely means that group, which it should import. */
export async function refuseTakenName(
  session: CimSession,
  name: string,
  context: ErrorContext,
): Promise<void> {
  const taken = await collectionsNamed(session, name, context);
  if (taken.length === 0) return;
  const ids = taken.map((c) => c.id);
  throw new InvalidStateError(
    `a VM group named '${name}' exists already (CollectionID ${ids.join(", ")}); nothing was called`,
    `To manage it, import it: pulumi import hyperv-replica:index:VmGroup <name> ${ids[0]} (or the import resource option with that id); to make a new group, give it another name`,
    context,
  );
}

/** Defines the group with an Id chosen here, and returns the CollectionID the host gave it. */
export async function defineGroup(
  session: CimSession,
  name: string,
  context: ErrorContext,
  options: MethodOptions,
): Promise<string> {
  const { id } = await defineCollection(session, { name, id: randomUUID() }, context, options);
  return id;
}

/** Adds and removes members until the group holds exactly `desired`, removals first. */
export async function setMembers(
  session: CimSession,
  collectionId: string,
  desired: readonly HostVm[],
  context: ErrorContext,
  options: MethodOptions,
): Promise<void> {
  const current = await readMembers(session, collectionId, context);
  const calls = memberCalls(desired, current);
  for (const vm of calls.remove) {
    options.progress(`RemoveMember '${vm.name}' (${vm.id})`);
    await membershipCall(session, "RemoveMember", collectionId, vm.id, context, options);
  }
  for (const vm of calls.add) {
    options.progress(`AddMember '${vm.name}' (${vm.id})`);
    await membershipCall(session, "AddMember", collectionId, vm.id, context, options);
  }
}

/** Renames the group when the host shows another name. */
export async function setName(
  session: CimSession,
  collectionId: string,
  name: string,
  context: ErrorContext,
  options: MethodOptions,
): Promise<void> {
  const group = await findCollection(session, { id: collectionId }, undefined, context);
  if (group === undefined || group.name === name) return;
  options.progress(`RenameCollection '${group.name}' to '${name}'`);
  await renameCollection(session, collectionId, name, context, options);
}

/**
 * Empties the group (RemoveMember per VM; the VMs stay on the host), then destroys it, unless it still replicates:
 * that would leave its replication relationship (and on the replica, its recovery VMs) without the group they belong
 * to. Returns false when the group was gone already.
 */
export async function destroyGroup(
  session: CimSession,
  collectionId: string,
  context: ErrorContext,
  options: MethodOptions,
): Promise<boolean> {
  const group = await findCollection(session, { id: collectionId }, undefined, context);
  if (group === undefined) return false;
  if (group.replicationState !== 0) {
    throw new InvalidStateError(
      `VM group '${group.name}' (CollectionID ${group.id}) still replicates: its ReplicationState is ${group.replicationState} (${replicationStateName(group.replicationState)}), not 0 (Disabled), so DestroyCollection was not called and the group was kept`,
      "Remove its replication first: delete its CollectionReplication resource, or call Msvm_CollectionReplicationService.RemoveReplicationRelationship for it (no cmdlet or UI manages a collection's replication); then run again",
      context,
    );
  }
  // "Before you can remove a group, it must be empty" (Remove-VMGroup; inferred to hold for DestroyCollection).
  await setMembers(session, group.id, [], context, options);
  options.progress(`DestroyCollection '${group.name}' (${group.id})`);
  await destroyCollection(session, group.id, context, options);
  return true;
}
