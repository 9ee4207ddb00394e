/**
 * What a CollectionTestFailover recorded, read back for its methods: the replica it was made from, the cluster it was
 * made on, whether its TestReplicaCollection job still runs, and the error when its test collection is gone.
 */
import type { CimSession } from "../../cim";
import { recordedHostOf } from "../../failover/identity";
import type { Collection, ErrorContext } from "../../hyperv";
import { hostSystemName, InvalidStateError, testFailoverJobs } from "../../hyperv";
import type { Props } from "../../runtime/resourceMethods";
import type { ConnectionInputs } from "../../runtime/types";
import type { CollectionTestFailoverOutputs } from "./types";

export type Replica = Pick<Collection, "id" | "name">;

export const lockKey = (session: CimSession, id: string) => `${session.target}|${id.toLowerCase()}`;

export const connectionOf = (props: Props) => (props.connection ?? null) as ConnectionInputs | null;

export const recordedReplica = (stored: CollectionTestFailoverOutputs): Replica => ({
  id: stored.collectionId,
  name: stored.collectionName,
});

/**
 * The cluster the drill was made on. State written before drills recorded it has none: there, a host that still has
 * the replica collection the drill was made from is taken as that cluster (CollectionIDs are GUIDs).
 */
export async function recordedHost(
  session: CimSession,
  props: Props,
  replica: Collection | undefined,
  context: ErrorContext,
): Promise<string | undefined> {
  const recorded = recordedHostOf(props.hostSystemName);
  if (recorded !== undefined || replica === undefined) return recorded;
  return hostSystemName(session, context);
}

/** Whether the TestReplicaCollection job this resource recorded still runs: its test collection is on the way. */
export async function jobStillRunning(
  session: CimSession,
  replica: Collection | undefined,
  jobId: string | null,
  context: ErrorContext,
): Promise<boolean> {
  if (replica === undefined || jobId === null) return false;
  const { running } = await testFailoverJobs(session, replica, context);
  return running.some((j) => j.job.id.toLowerCase() === jobId.toLowerCase());
}

export function drillGone(testId: string, context: ErrorContext): InvalidStateError {
  return new InvalidStateError(
    `test collection ${testId}, which this resource made, is gone from the host, so there is nothing to update`,
    "Refresh the stack (pulumi refresh) to record that it is gone; the next pulumi up then makes a new drill",
    context,
  );
}
