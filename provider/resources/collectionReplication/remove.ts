/**
 * Delete: RemoveReplicationRelationship on the tracked group, then, when the program opted in, on the recovery-side
 * collection it named by id. Documented: RemoveReplicationRelationship "Removes the collection replication
 * relationship. This does not clean up the recovery server collection." So after it the recovery side still holds
 * its VM group, the replica VMs with their virtual disks and recovery points, and its own end of the relationship;
 * the log says so, and says what the opt-in removed.
 */
import type { CimSession } from "../../cim";
import type { Collection } from "../../hyperv";
import { confirmGone, recordedHostOf } from "../../failover/identity";
import { findCollection, InvalidStateError, replicationStateName } from "../../hyperv";
import type { RuntimeContext } from "../../runtime/context";
import type { CallDeps } from "./apply";
import { callOn, reread } from "./apply";
import { asInputs, runChoices } from "./settings";
import type { CollectionReplicationOutputs } from "./types";

const NOT_REPLICATING = 0;
const REPLICA = 2;
/** States of a replica that runs no failed-over VMs: the relationship may go (inferred, the safe side). */
const REPLICA_AT_REST = [1, 2, 3, 7, 8, 9, 10];

async function removeOn(
  session: CimSession,
  group: Collection,
  deps: CallDeps,
  timeout: number,
  side: string,
) {
  await callOn(session, group, "RemoveReplicationRelationship", deps, timeout);
  const after = await reread(session, group.id, group.name);
  if (after.replicationState !== NOT_REPLICATING) {
    throw new InvalidStateError(
      `RemoveReplicationRelationship completed on the ${side}, but VM group ${group.id} still shows ReplicationState ${after.replicationState} (${replicationStateName(after.replicationState)})`,
      "Read the group's state on the host, then run pulumi destroy again",
      { collection: group.name, method: "RemoveReplicationRelationship", host: session.target },
    );
  }
}

export async function removeReplication(
  ctx: RuntimeContext,
  session: CimSession,
  id: string,
  stored: CollectionReplicationOutputs,
  deps: CallDeps,
): Promise<void> {
  const inputs = asInputs(stored as unknown as Record<string, unknown>);
  const { jobTimeoutSeconds, removeRecoverySideOnDelete } = runChoices(inputs);
  const name = stored.collectionName ?? id;
  const group = await findCollection(session, { id });
  if (group === undefined) {
    // Gone, but only if this is the cluster the relationship was made on.
    const context = { collection: name, host: session.target };
    await confirmGone(session, id, recordedHostOf(stored.hostSystemName), context, { action: "destroy" });
  }
  if (group === undefined || group.replicationState === NOT_REPLICATING) {
    deps.log(
      `[${name}] VM group ${id} ${group ? "no longer replicates" : "is gone"}; no relationship to remove`,
    );
  } else {
    await removeOn(session, group, deps, jobTimeoutSeconds, "primary");
    deps.log(`[${name}] removed the replication relationship of VM group ${id} on the primary`);
  }
  const side = inputs.recoverySide;
  const where = side ? `VM group ${side.collectionId}` : `the VM group at ${stored.recoveryConnectionPoint}`;
  if (!side || !removeRecoverySideOnDelete) {
    deps.log(
      `[${name}] left on the recovery side (RemoveReplicationRelationship "does not clean up the recovery server collection"): ${where} with its replica VMs, their virtual disks and recovery points, and its end of the relationship. ` +
        "Set recoverySide and removeRecoverySideOnDelete: true to have this resource remove that relationship too",
    );
    return;
  }
  await ctx.withSession(side.connection, side.collectionId, async (recovery) => {
    const replica = await findCollection(recovery, { id: side.collectionId });
    if (replica === undefined || replica.replicationState === NOT_REPLICATING) {
      deps.log(
        `[${name}] recovery-side ${where} ${replica ? "no longer replicates" : "is gone"}; nothing to remove there`,
      );
      return;
    }
    if (replica.replicationMode !== REPLICA || !REPLICA_AT_REST.includes(replica.replicationState)) {
      throw new InvalidStateError(
        `recovery-side ${where} is ReplicationMode ${replica.replicationMode}, ReplicationState ${replica.replicationState} (${replicationStateName(replica.replicationState)}), not a replica at rest, so its relationship was not removed: it may be running failed-over VMs`,
        "Finish or revert the failover there first, or set removeRecoverySideOnDelete: false and remove it by hand",
        { collection: replica.name, method: "RemoveReplicationRelationship", host: recovery.target },
      );
    }
    await removeOn(recovery, replica, deps, jobTimeoutSeconds, "recovery side");
    deps.log(
      `[${name}] removed the replication relationship of recovery-side ${where}; its VM group and replica VMs, with their virtual disks, stay on the recovery cluster (inferred: as per-VM Remove-VMReplication leaves the replica VM)`,
    );
  });
}
