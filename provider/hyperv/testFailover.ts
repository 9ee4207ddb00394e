/**
 * Test failover of a replica collection. Documented: TestReplicaCollection "creates a test collection" from a
 * recovery point (NULL = latest) and returns it as `ResultingCollection`; Msvm_ReplicaCollectionDependency links
 * the replica collection (Antecedent) to that test collection (Dependent); RevertTestReplicaCollection takes the
 * **replica** collection and destroys its test collection.
 */
import type { CimSession } from "../cim";
import { isCimRef } from "../cim";
import type { Collection } from "./collections";
import { collectionRef, findCollection, toCollection } from "./collections";
import {
  CLASS,
  isTerminalJobState,
  ReplicationMode,
  TestFailoverJobType,
  type TestFailoverMethod,
} from "./codes";
import type { ErrorContext } from "./errors";
import { withContext } from "./errors";
import type { JobSnapshot } from "./jobs";
import { readAffectedJobs } from "./runningJobs";

/**
 * The test collections made from this replica collection. The association is followed from the replica's end and
 * only collections in ReplicationMode 3 (Test Replica) are kept, because the docs do not say whether a host also
 * answers with the other end.
 */
export async function findTestCollections(
  session: CimSession,
  replica: Collection,
  context: ErrorContext,
): Promise<Collection[]> {
  try {
    const related = await session.associators(collectionRef(replica.id), {
      association: CLASS.replicaCollectionDependency,
      resultClass: CLASS.collection,
    });
    return related
      .map(toCollection)
      .filter(
        (c) =>
          c.replicationMode === ReplicationMode.TestReplica &&
          c.id.toLowerCase() !== replica.id.toLowerCase(),
      );
  } catch (error) {
    throw withContext(error, context);
  }
}

/**
 * The replica collections a test collection depends on: Msvm_ReplicaCollectionDependency followed from the test
 * collection's end (its Dependent), keeping collections in ReplicationMode 2 (Replica). Used when the replica the
 * stack recorded is gone: RevertTestReplicaCollection takes the replica, never the test collection (documented).
 */
export async function replicasOfTest(
  session: CimSession,
  testId: string,
  context: ErrorContext,
): Promise<Collection[]> {
  try {
    const related = await session.associators(collectionRef(testId), {
      association: CLASS.replicaCollectionDependency,
      resultClass: CLASS.collection,
    });
    return related
      .map(toCollection)
      .filter(
        (c) => c.replicationMode === ReplicationMode.Replica && c.id.toLowerCase() !== testId.toLowerCase(),
      );
  } catch (error) {
    throw withContext(error, context);
  }
}

/** The CollectionID in a TestReplicaCollection call's ResultingCollection out REF, when it returned one. */
export function resultingCollectionId(
  outParameters: Readonly<Record<string, unknown>> | undefined,
): string | undefined {
  const resulting = outParameters?.ResultingCollection;
  return isCimRef(resulting) &&
    typeof resulting.keys.CollectionID === "string" &&
    resulting.keys.CollectionID !== ""
    ? resulting.keys.CollectionID
    : undefined;
}

/**
 * The test collection a TestReplicaCollection call made: its ResultingCollection out REF, read again because out
 * REFs come back with only their keys (fact sheet §6); else the one collection Msvm_ReplicaCollectionDependency
 * shows for the replica.
 */
export async function resultingTestCollection(
  session: CimSession,
  replica: Collection,
  resulting: unknown,
  context: ErrorContext,
): Promise<Collection | undefined> {
  if (isCimRef(resulting) && typeof resulting.keys.CollectionID === "string") {
    const found = await findCollection(session, { id: resulting.keys.CollectionID }, undefined, context);
    if (found) return found;
  }
  const [test] = await findTestCollections(session, replica, context);
  return test;
}

export interface TestFailoverJob {
  readonly method: TestFailoverMethod;
  readonly job: JobSnapshot;
}

const METHOD_BY_JOB_TYPE = new Map<number, TestFailoverMethod>(
  Object.entries(TestFailoverJobType).map(([method, type]) => [type, method as TestFailoverMethod]),
);

export interface TestFailoverJobs {
  readonly running: TestFailoverJob[];
  readonly finished: TestFailoverJob[];
}

/**
 * The test failover jobs (JobType 102 or 103) that Msvm_AffectedJobElement ties to the replica collection, still
 * running or finished but not yet removed by the host (TimeBeforeRemoval, 5 minutes by default).
 */
export async function testFailoverJobs(
  session: CimSession,
  replica: Collection,
  context: ErrorContext,
): Promise<TestFailoverJobs> {
  return testFailoverJobsIn(await readAffectedJobs(session, replica, context));
}

/** The test failover jobs among a replica collection's jobs (readAffectedJobs). */
export function testFailoverJobsIn(jobs: readonly JobSnapshot[]): TestFailoverJobs {
  const tagged = jobs.flatMap((job) => {
    const method = METHOD_BY_JOB_TYPE.get(job.jobType);
    return method === undefined ? [] : [{ method, job }];
  });
  return {
    running: tagged.filter((t) => !isTerminalJobState(t.job.jobState)),
    finished: tagged.filter((t) => isTerminalJobState(t.job.jobState)),
  };
}
