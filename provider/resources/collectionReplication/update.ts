/**
 * Update's calls, in the order that keeps the relationship sound: the settings first (ModifyReplicationSettings is
 * accepted while suspended, inferred), then Resume or Suspend, then a resynchronization the host needs. Each is
 * planned from the host's state read now, not from the preview's record of it.
 */
import type { CimSession } from "../../cim";
import type { Collection, OperationRecord } from "../../hyperv";
import type { Props } from "../../runtime/resourceMethods";
import type { CallDeps } from "./apply";
import { callOn, modifySettings, reread, startInitialReplication } from "./apply";
import { planUpdate } from "./preview";
import { runChoices } from "./settings";
import type { CollectionReplicationInputs } from "./types";

export interface Updated {
  /** The last call made, or undefined when the update only records inputs. */
  readonly last?: OperationRecord;
  /** The initial copy's job, when this update started it again. */
  readonly copy?: OperationRecord;
}

export async function applyUpdate(
  session: CimSession,
  group: Collection,
  olds: Props,
  news: CollectionReplicationInputs,
  deps: CallDeps,
): Promise<Updated> {
  const { jobTimeoutSeconds: timeout, initialReplicationTimeoutSeconds } = runChoices(news);
  const plan = planUpdate({ ...olds, replicationState: group.replicationState }, news as unknown as Props);
  let last: OperationRecord | undefined;
  let copy: OperationRecord | undefined;
  if (plan.startInitialCopy) {
    // A create that stopped after CreateReplicationRelationship left the group Ready (1): the copy is still owed.
    const ready = await reread(session, group.id, group.name);
    copy = await startInitialReplication(session, ready, news, deps, initialReplicationTimeoutSeconds);
    last = copy;
  }
  if (plan.modify.length > 0) {
    deps.log(`[${group.name}] ModifyReplicationSettings: ${plan.modify.join(", ")}`);
    last = await modifySettings(session, group, news, plan.modify, deps, timeout);
  }
  if (plan.pause !== undefined) {
    last = (await callOn(session, await reread(session, group.id, group.name), plan.pause, deps, timeout))
      .record;
  }
  if (plan.resynchronize) {
    // Documented: "When StartTime is not specified Resynchronize operation starts immediately."; suspended VMs are
    // left out (IncludeSuspended false), since the program did not ask to resume them.
    const now = await reread(session, group.id, group.name);
    last = (await callOn(session, now, "Resynchronize", deps, timeout, { IncludeSuspended: false })).record;
  } else if (news.resynchronize !== "whenNeeded" && [8, 9].includes(group.replicationState)) {
    deps.log(
      `[${group.name}] the host needs a resynchronization (ReplicationState ${group.replicationState}); set resynchronize: "whenNeeded" to let this resource start it`,
    );
  }
  return { ...(last ? { last } : {}), ...(copy ? { copy } : {}) };
}
