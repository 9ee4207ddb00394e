/**
 * ReplicationState 13 cannot be read from the collection alone. Microsoft's enum is garbled there (fact sheet §3):
 * the ClusHyperV page labels slot 13 "Partially recovered", while the seventeen names for slots 0-16 read it as
 * "Test failover initiated" (inferred). A test failover is documented to leave a trace: TestReplicaCollection
 * "Creates the test collection for the replicated virtual system collection.", and Msvm_ReplicaCollectionDependency
 * links the replica collection (Antecedent) to "the test replica collection created by the TestReplicaCollection
 * API" (Dependent). So 13 counts as a test failover only when such a link exists; without one it may be a partial
 * failover, and the planner refuses (the safe side).
 */
import type { CimSession } from "../cim";
import type { Collection, ErrorContext } from "../hyperv";
import { findTestCollections, ReplicationMode, ReplicationState } from "../hyperv";

/** A collection as read, and, in state 13 only, whether a test collection is linked to it. */
export type ObservedCollection = Collection & { readonly testCollectionLinked?: boolean };

/** Adds the test collection link to a replica in 13, with one more read; any other collection is returned as is. */
export async function withTestLink(
  session: CimSession,
  collection: Collection,
  context: ErrorContext,
): Promise<ObservedCollection> {
  const { replicationMode, replicationState } = collection;
  if (
    replicationMode !== ReplicationMode.Replica ||
    replicationState !== ReplicationState.TestFailoverInitiated
  ) {
    return collection;
  }
  const tests = await findTestCollections(session, collection, context);
  return { ...collection, testCollectionLinked: tests.length > 0 };
}
