/**
 * The test failover driver: bring a test collection up from a replica collection (TestReplicaCollection), or take
 * it down (RevertTestReplicaCollection), refusing with guidance where a failover or another test failover is in the
 * way. A drill has one owner: create never takes a test failover it did not start (see drillOwner.ts for how a
 * resource finishes, or removes, the one it recorded).
 */
import type { CimSession } from "../cim";
import type { ProgressLine } from "../hyperv";
import type {
  Collection,
  ErrorContext,
  JobSnapshot,
  MethodOptions,
  OperationRecord,
  PointUsed,
  TestFailoverJob,
} from "../hyperv";
import {
  callFailoverMethod,
  findCollection,
  findTestCollections,
  HyperVError,
  InvalidStateError,
  readAffectedJobs,
  resultingCollectionId,
  resultingTestCollection,
  runningFailoverJobIn,
  testFailoverJobsIn,
} from "../hyperv";
import { chooseRecoveryPoint } from "./choosePoint";
import { refuseUnlessHealthy } from "./health";
import { describeObservation, planFailover } from "./plan";
import { failoverPrecondition } from "./preconditions";
import { withPoint } from "./prepare";
import type { ReconcileDeps } from "./request";
import { observedState } from "./states";
import { withTestLink } from "./testLink";

export interface TestFailoverRequest {
  readonly recoveryPoint: string;
  readonly requireHealthy: boolean;
  readonly timeoutSeconds: number;
  readonly cancelJobOnTimeout: boolean;
}

export interface TestFailoverUp {
  readonly test: Collection;
  readonly lastOperation: OperationRecord;
  readonly recoveryPoint: PointUsed | null;
}

/**
 * A run that failed after calling a method: what the host showed afterwards, for a partial failure. `testId` is the
 * CollectionID the call returned as ResultingCollection, known before its job ends: the record that lets the next
 * run of this resource prove the test failover is its own.
 */
export class TestFailoverFailure extends Error {
  override name = "TestFailoverFailure";
  constructor(
    readonly error: unknown,
    readonly test: Collection | undefined,
    readonly lastOperation: OperationRecord | null,
    readonly testId: string | undefined = test?.id,
  ) {
    super(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

export function methodOptions(
  deps: ReconcileDeps,
  request: TestFailoverRequest,
  log: ProgressLine,
): MethodOptions {
  return {
    ...deps,
    timeoutSeconds: request.timeoutSeconds,
    cancelOnTimeout: request.cancelJobOnTimeout,
    progress: log,
  };
}

/**
 * Refuses when the replica collection is not simply replicating, or a failover job is running for it (among `jobs`,
 * the replica's jobs as just read).
 */
async function refuseFailoverInProgress(
  session: CimSession,
  replica: Collection,
  jobs: readonly JobSnapshot[],
  context: ErrorContext,
) {
  const running = runningFailoverJobIn(jobs);
  if (running) {
    throw new InvalidStateError(
      `a ${running.method} job (${running.job.id}) is running for the replica collection, so a test failover cannot start`,
      "Wait for it to finish; a test failover needs the replica collection replicating, not failed over",
      context,
    );
  }
  // A replica in 13 with its test collection linked goes on to the checks below, which name that test collection.
  const linked = await withTestLink(session, replica, context);
  const observed = observedState(linked);
  // 13 with no test collection may be a partial failover: the planner's words say what was seen and what to check.
  const unclear =
    observed === "ambiguous" ? planFailover(linked, "normal", { recoveryPoint: "latest" }) : undefined;
  if (unclear?.kind === "refuse") throw new InvalidStateError(unclear.reason, unclear.advice, context);
  if (observed !== "normal" && observed !== "testFailoverInProgress") {
    throw new InvalidStateError(
      `${describeObservation(replica)}; a test failover is made from a replicating replica collection`,
      "Bring the collection back to normal first (a CollectionFailover with failoverState 'normal' reverts a failover), then run again",
      context,
    );
  }
  const rule = failoverPrecondition(replica.replicationState, "testFailover");
  if (rule.kind === "refuse") {
    throw new InvalidStateError(`${describeObservation(replica)}; ${rule.reason}`, rule.advice, context);
  }
}

/**
 * Creates the test collection. A test failover that exists, or whose job is running, is refused: nothing on the host
 * names who started it, and this run has no record of it (an interrupted run of this resource that recorded one is
 * an update, which finishes it: drillOwner.ts).
 */
export async function bringTestFailoverUp(
  session: CimSession,
  replica: Collection,
  request: TestFailoverRequest,
  deps: ReconcileDeps,
): Promise<TestFailoverUp> {
  const context: ErrorContext = { collection: replica.name, host: session.target };
  const log: ProgressLine = (line, kind) => deps.log(`[${replica.name}] ${line}`, kind);
  const options = methodOptions(deps, request, log);
  // One read of the replica's jobs serves both checks: a failover running, another test failover being made.
  const jobs = await readAffectedJobs(session, replica, context);
  await refuseFailoverInProgress(session, replica, jobs, context);
  await refuseOthersTestFailover(session, replica, jobs, context);
  const chosen = await chooseRecoveryPoint(session, replica, request.recoveryPoint, context);
  if (request.requireHealthy) {
    await refuseUnlessHealthy(session, replica, "TestReplicaCollection", options, context);
  }
  const point: PointUsed = {
    instanceId: chosen.point.instanceId,
    creationTime: chosen.point.creationTime,
    consistencyLevel: chosen.point.consistencyLevelName,
  };
  log(
    `test failover from recovery point ${point.instanceId} (${point.creationTime ?? "no time"}, ${point.consistencyLevel})`,
  );
  let record: OperationRecord | null = null;
  try {
    const result = await callFailoverMethod(session, replica, "TestReplicaCollection", chosen.pass, options);
    record = withPoint(result.record, point);
    const test = await resultingTestCollection(
      session,
      replica,
      result.outParameters.ResultingCollection,
      context,
    );
    if (test === undefined) {
      throw new InvalidStateError(
        "TestReplicaCollection reported success, but neither its ResultingCollection nor Msvm_ReplicaCollectionDependency shows a test collection",
        "Check the replica cluster (Get-VMGroup) and the Hyper-V-VMMS-Admin event log, then refresh the stack",
        { ...context, method: "TestReplicaCollection" },
      );
    }
    log(`TestReplicaCollection done: test collection '${test.name}' (${test.id})`);
    return { test, lastOperation: record, recoveryPoint: point };
  } catch (error) {
    if (error instanceof HyperVError && error.operation)
      record = withPoint(error.operation as OperationRecord, point);
    const testId = error instanceof HyperVError ? resultingCollectionId(error.outParameters) : undefined;
    const left =
      testId === undefined
        ? undefined
        : await findCollection(session, { id: testId }, undefined, context).catch(() => undefined);
    throw new TestFailoverFailure(error, left, record, testId);
  }
}

/**
 * Refuses while another test failover of the replica exists or is being made, naming it and when it was made (the
 * TimeSubmitted of its job, while the host keeps the job). Hyper-V allows one at a time (per-VM practice).
 */
async function refuseOthersTestFailover(
  session: CimSession,
  replica: Collection,
  affected: readonly JobSnapshot[],
  context: ErrorContext,
) {
  const jobs = testFailoverJobsIn(affected);
  const making = jobs.running.find((j) => j.method === "TestReplicaCollection");
  const when = (job: TestFailoverJob | undefined) =>
    job?.job.submittedAt === undefined ? undefined : new Date(job.job.submittedAt).toISOString();
  if (making) {
    throw new InvalidStateError(
      `another test failover is being made for this collection: TestReplicaCollection job ${making.job.id}, submitted at ${when(making) ?? "a time the host did not report"}, is running, and this resource has no record of starting it`,
      "A drill is taken over only by the resource that started it. Wait for the other run to finish; if it is another stack's drill, leave it to that stack, or remove it (RevertTestReplicaCollection on the replica collection once the job has ended), then run again",
      context,
    );
  }
  const existing = await findTestCollections(session, replica, context);
  if (existing.length === 0) return;
  const made = jobs.finished.filter((j) => j.method === "TestReplicaCollection").at(-1);
  const madeAt =
    made === undefined
      ? "made at a time the host no longer reports (it keeps a finished job for 5 minutes by default)"
      : `made by TestReplicaCollection job ${made.job.id}, submitted at ${when(made) ?? "a time the host did not report"}`;
  const names = existing.map((c) => `'${c.name}' (${c.id})`).join(", ");
  throw new InvalidStateError(
    `another test failover exists for this collection: test collection ${names}, ${madeAt}; this resource did not make it, and Hyper-V allows one at a time`,
    "Remove it first (destroy the stack or resource that made it, or call RevertTestReplicaCollection on the replica collection), then run again; to make this resource track it instead, set the resource option import to its CollectionID",
    context,
  );
}
