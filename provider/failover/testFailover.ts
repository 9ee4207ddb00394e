/**
 * The test failover driver: bring a test collection up from a replica collection (TestReplicaCollection), or take
 * it down (RevertTestReplicaCollection), refusing with guidance where a failover or another test failover is in the
 * way, and adopting a test failover that an interrupted run of this resource started.
 */
import type { CimSession } from "../cim";
import type {
  Collection,
  ErrorContext,
  MethodOptions,
  OperationRecord,
  PointUsed,
  TestFailoverJob,
} from "../hyperv";
import {
  callFailoverMethod,
  findCollection,
  findRunningFailoverJob,
  findTestCollections,
  followFailoverJob,
  HyperVError,
  InvalidStateError,
  resultingTestCollection,
  testFailoverJobs,
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
  readonly adopted: boolean;
}

/** A run that failed after calling a method: what the host showed afterwards, for a partial failure. */
export class TestFailoverFailure extends Error {
  override name = "TestFailoverFailure";
  constructor(
    readonly error: unknown,
    readonly test: Collection | undefined,
    readonly lastOperation: OperationRecord | null,
  ) {
    super(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

function methodOptions(
  deps: ReconcileDeps,
  request: TestFailoverRequest,
  log: (l: string) => void,
): MethodOptions {
  return {
    ...deps,
    timeoutSeconds: request.timeoutSeconds,
    cancelOnTimeout: request.cancelJobOnTimeout,
    progress: log,
  };
}

/** Refuses when the replica collection is not simply replicating, or a failover job is running for it. */
async function refuseFailoverInProgress(session: CimSession, replica: Collection, context: ErrorContext) {
  const running = await findRunningFailoverJob(session, replica, { context });
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

/** Creates the test collection, or adopts the one an interrupted run of this resource left. */
export async function bringTestFailoverUp(
  session: CimSession,
  replica: Collection,
  request: TestFailoverRequest,
  deps: ReconcileDeps,
): Promise<TestFailoverUp> {
  const context: ErrorContext = { collection: replica.name, host: session.target };
  const log = (line: string) => deps.log(`[${replica.name}] ${line}`);
  const options = methodOptions(deps, request, log);
  await refuseFailoverInProgress(session, replica, context);
  const jobs = await testFailoverJobs(session, replica, context);
  const adopted = await adoptLostTestFailover(session, replica, jobs, options, context);
  if (adopted) return adopted;
  const existing = await findTestCollections(session, replica, context);
  if (existing.length > 0) {
    const names = existing.map((c) => `'${c.name}' (${c.id})`).join(", ");
    throw new InvalidStateError(
      `another test failover exists for this collection: test collection ${names}; Hyper-V allows one at a time`,
      "Remove it first (destroy the stack or resource that made it, or call RevertTestReplicaCollection on the replica collection), then run again; to make this resource track it instead, set the resource option import to its CollectionID",
      context,
    );
  }
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
    return { test, lastOperation: record, recoveryPoint: point, adopted: false };
  } catch (error) {
    if (error instanceof HyperVError && error.operation)
      record = withPoint(error.operation as OperationRecord, point);
    const [left] = await findTestCollections(session, replica, context).catch(() => []);
    throw new TestFailoverFailure(error, left, record);
  }
}

/**
 * An interrupted run leaves its TestReplicaCollection job running on the host; the next run waits for it and takes
 * its test collection, instead of calling again (which Hyper-V would refuse while one exists). A finished job is not
 * taken: nothing on the host names the stack that called, so an existing test collection is refused with the way to
 * adopt it on purpose (the `import` resource option with its CollectionID).
 */
async function adoptLostTestFailover(
  session: CimSession,
  replica: Collection,
  jobs: { running: TestFailoverJob[] },
  options: MethodOptions,
  context: ErrorContext,
): Promise<TestFailoverUp | undefined> {
  for (const running of jobs.running) {
    options.progress(
      `${running.method} job ${running.job.id} is already running on the host; waiting for it instead of starting another`,
    );
    const result = await followFailoverJob(session, replica, running, options);
    if (running.method === "RevertTestReplicaCollection") continue;
    const [test] = await findTestCollections(session, replica, context);
    if (test) return { test, lastOperation: result.record, recoveryPoint: null, adopted: true };
  }
  return undefined;
}

/** Removes the test collection with RevertTestReplicaCollection on the replica, and confirms that it is gone. */
export async function takeTestFailoverDown(
  session: CimSession,
  replica: Collection,
  testId: string,
  request: Pick<TestFailoverRequest, "timeoutSeconds" | "cancelJobOnTimeout">,
  deps: ReconcileDeps,
): Promise<OperationRecord | null> {
  const context: ErrorContext = { collection: replica.name, host: session.target };
  const log = (line: string) => deps.log(`[${replica.name}] ${line}`);
  const tests = await findTestCollections(session, replica, context);
  if (!tests.some((t) => t.id.toLowerCase() === testId.toLowerCase())) {
    log(`test collection ${testId} is already gone; nothing to remove`);
    return null;
  }
  const options = methodOptions(deps, { ...request, recoveryPoint: "latest", requireHealthy: false }, log);
  const result = await callFailoverMethod(session, replica, "RevertTestReplicaCollection", null, options);
  if (await findCollection(session, { id: testId }, undefined, context)) {
    throw new InvalidStateError(
      `RevertTestReplicaCollection reported success, but test collection ${testId} is still on the host`,
      "Check the replica cluster (Get-VMGroup) and the Hyper-V-VMMS-Admin event log, then run pulumi destroy again",
      { ...context, method: "RevertTestReplicaCollection" },
    );
  }
  log(`RevertTestReplicaCollection done: test collection ${testId} removed`);
  return result.record;
}
