/**
 * What happens on the host before a failover method is called, all of it able to refuse with no failover call:
 * choosing the recovery point, the `requireHealthy` guard, and turning running VMs off before RevertFailover.
 */
import type { CimSession } from "../cim";
import type { Collection, ErrorContext, OperationRecord, PointUsed, ProgressLine } from "../hyperv";
import { chooseRecoveryPoint } from "./choosePoint";
import { refuseUnlessHealthy } from "./health";
import type { Step } from "./plan";
import type { ReconcileDeps, ReconcileRequest } from "./request";
import { refuseUnknownBootNames } from "./bootOrder";
import { turnOffRunningMembers } from "./virtualMachines";
import { readMembers } from "../hyperv";

export interface Prepared {
  /** The CollectionRecoveryPoint to pass: null for the latest (NULL, as documented). */
  readonly pass: string | null;
  readonly point?: PointUsed;
}

export async function prepareStep(
  session: CimSession,
  collection: Collection,
  step: Step,
  request: ReconcileRequest,
  deps: ReconcileDeps,
  context: ErrorContext,
): Promise<Prepared> {
  const log: ProgressLine = (line, kind) => deps.log(`[${collection.name}] ${line}`, kind);
  const members = await readMembers(session, collection.id, context);
  if (members.length === 0) deps.log(emptyGroupLine(collection, step.method), "warning");
  // The VMs start after the failover and stop before a revert in this order: a name it gets wrong refuses now.
  refuseUnknownBootNames(members, request.bootGroups, context);
  if (step.method === "RevertFailover") {
    await turnOffRunningMembers(
      session,
      members,
      { ...deps, timeoutSeconds: request.timeoutSeconds, log, context },
      request.bootGroups,
    );
  }
  if (step.method !== "InitiateFailover" && step.method !== "ResumeReplication") return { pass: null };
  // ResumeReplication is the failover's first step: whatever would refuse the failover refuses before it, so a
  // refused failover leaves the collection Suspended as it was.
  const chosen = await chooseRecoveryPoint(session, collection, request.recoveryPoint, context);
  if (request.requireHealthy) {
    const what =
      step.method === "ResumeReplication"
        ? "the failover (ResumeReplication, then InitiateFailover)"
        : step.method;
    await refuseUnlessHealthy(session, collection, what, { ...deps, progress: log }, context);
  }
  if (step.method === "ResumeReplication") {
    log(
      "replication is Suspended (7): resuming it before InitiateFailover, as the per-VM Start-VMFailover does (inferred for collections)",
    );
    return { pass: null };
  }
  const { point } = chosen;
  log(
    `failing over to recovery point ${point.instanceId} (${point.creationTime ?? "no time"}, ${point.consistencyLevelName})`,
  );
  return {
    pass: chosen.pass,
    point: {
      instanceId: point.instanceId,
      creationTime: point.creationTime,
      consistencyLevel: point.consistencyLevelName,
    },
  };
}

/**
 * A group with no member VMs is still called (Hyper-V decides what that means), but the user hears of it first:
 * an empty group is most often a collectionId or collectionName that names the wrong group.
 */
function emptyGroupLine(collection: Collection, method: string): string {
  return `[${collection.name}] warning: the collection has no member VMs (Msvm_CollectedVirtualSystems lists none for CollectionID ${collection.id}); calling ${method} anyway. Check that collectionId or collectionName names the group you meant (Get-VMGroup lists each group's VMs), or add its VMs with Add-VMGroupMember`;
}

/** The record with the point used and, for a failover, the data-loss window from the point to the call. */
export function withPoint(record: OperationRecord, point: PointUsed | undefined): OperationRecord {
  if (point === undefined) return record;
  const window =
    point.creationTime === null
      ? null
      : Math.max(0, Math.round((Date.parse(record.startedAt) - Date.parse(point.creationTime)) / 1000));
  return {
    ...record,
    recoveryPoint: point,
    ...(record.method === "InitiateFailover" ? { dataLossWindowSeconds: window } : {}),
  };
}
