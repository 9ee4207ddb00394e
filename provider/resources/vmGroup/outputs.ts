/** VmGroup's outputs: what the host shows of the group, read after every write, and the inputs as applied. */
import type { CimSession } from "../../cim";
import type { ErrorContext, HostVm } from "../../hyperv";
import { findCollection, NotFoundError, readMembers } from "../../hyperv";
import { publicConnection } from "../../runtime/connection";
import type { VmGroupInputs, VmGroupOutputs } from "./types";
import { DEFAULTS } from "./types";

/** The group as the host shows it now; an error when the host has no group with that CollectionID. */
export async function groupOutputs(
  session: CimSession,
  collectionId: string,
  inputs: VmGroupInputs,
  host: string | null,
  context: ErrorContext,
): Promise<VmGroupOutputs> {
  const group = await findCollection(session, { id: collectionId }, undefined, context);
  if (group === undefined) {
    throw new NotFoundError(
      `no VM group has CollectionID ${collectionId}`,
      context,
      "It was deleted outside this stack; refresh the stack to drop it, then run again to create it anew",
    );
  }
  const members = await readMembers(session, group.id, context);
  return {
    collectionId: group.id,
    name: group.name,
    memberVms: members.map((m): HostVm => ({ name: m.name, id: m.id })),
    members: [...(inputs.members ?? [])],
    replicationState: group.replicationState,
    hostSystemName: host,
    jobTimeoutSeconds: inputs.jobTimeoutSeconds ?? DEFAULTS.jobTimeoutSeconds,
    connection: publicConnection(inputs.connection),
  };
}
