/**
 * The recovery point of a failover job this run did not start (an adopted one, or another run's found afterwards).
 * Msvm_ConcreteJob does not name the point it failed over to, so it is read from the collection: the point whose
 * CreationTime equals the collection's LastApplyTime (inferred: the docs do not say that LastApplyTime is the
 * applied point's CreationTime). With no such point the record names none, rather than a guess.
 */
import type { CimSession } from "../cim";
import type { Collection, ErrorContext, OperationRecord } from "../hyperv";
import { listRecoveryPoints } from "../hyperv";
import { withPoint } from "./prepare";

export async function withAppliedPoint(
  session: CimSession,
  collection: Collection,
  record: OperationRecord,
  context: ErrorContext,
): Promise<OperationRecord> {
  const applied = collection.lastApplyTime;
  if (record.method !== "InitiateFailover" || record.jobState !== "Completed" || !applied) return record;
  if (record.recoveryPoint !== undefined) return record;
  const points = await listRecoveryPoints(session, collection.id, context);
  const point = points.find((p) => p.creationTime === applied);
  if (point === undefined) return record;
  const { instanceId, creationTime, consistencyLevelName } = point;
  return withPoint(record, { instanceId, creationTime, consistencyLevel: consistencyLevelName });
}
