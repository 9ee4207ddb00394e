/**
 * What a drill does with the test failover it recorded. A CollectionTestFailover records the test collection's own
 * CollectionID (and the TestReplicaCollection job's InstanceID) from the moment its call returns; only a test
 * collection with that id is ever finished, kept or removed. RevertTestReplicaCollection takes the replica
 * collection, not the test one (documented), so before each call the test collection the replica shows over
 * Msvm_ReplicaCollectionDependency is checked to be the recorded one.
 */
import type { CimSession } from "../cim";
import type { ProgressLine } from "../hyperv";
import type { Collection, ErrorContext, OperationRecord } from "../hyperv";
import {
  callFailoverMethod,
  findCollection,
  findTestCollections,
  followFailoverJob,
  InvalidStateError,
  readMembers,
  replicasOfTest,
  testFailoverJobs,
} from "../hyperv";
import type { ReconcileDeps } from "./request";
import type { TestFailoverRequest } from "./testFailover";
import { methodOptions } from "./testFailover";

/** What the stack recorded of the drill: the ids that prove it is this resource's. */
export interface DrillRecord {
  readonly testCollectionId: string;
  /** The TestReplicaCollection job this resource started, when its run recorded one. */
  readonly jobId: string | null;
}

type JobRequest = Pick<TestFailoverRequest, "timeoutSeconds" | "cancelJobOnTimeout">;

const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * The recorded test collection, after waiting for the recorded TestReplicaCollection job if the host still runs it
 * (an interrupted run of this resource: the job's InstanceID proves it is its own). Undefined when the host has no
 * collection with the recorded id.
 */
export async function finishRecordedJob(
  session: CimSession,
  replica: Collection | undefined,
  record: DrillRecord,
  request: JobRequest,
  deps: ReconcileDeps,
): Promise<{ test: Collection | undefined; lastOperation: OperationRecord | null }> {
  const context: ErrorContext = {
    collection: replica?.name ?? record.testCollectionId,
    host: session.target,
  };
  const find = () => findCollection(session, { id: record.testCollectionId }, undefined, context);
  const found = await find();
  if (found || replica === undefined || record.jobId === null) return { test: found, lastOperation: null };
  const { running } = await testFailoverJobs(session, replica, context);
  const ours = running.find(
    (j) => j.method === "TestReplicaCollection" && sameId(j.job.id, record.jobId ?? ""),
  );
  if (ours === undefined) return { test: undefined, lastOperation: null };
  const log: ProgressLine = (line, kind) => deps.log(`[${replica.name}] ${line}`, kind);
  log(
    `TestReplicaCollection job ${ours.job.id}, which this resource started, is still running; waiting for it`,
  );
  const options = methodOptions(deps, { ...request, recoveryPoint: "latest", requireHealthy: false }, log);
  const result = await followFailoverJob(session, replica, ours, options);
  return { test: await find(), lastOperation: result.record };
}

/**
 * Removes the recorded test collection: RevertTestReplicaCollection on the replica collection that shows it as its
 * test collection, which is the recorded replica, or, when that is gone or was re-created under another
 * CollectionID, whichever replica the test collection now depends on. Returns undefined when the host has no
 * collection with the recorded id (the caller decides whether that host may say so). Never calls for a test
 * collection it did not record: with no replica to call on, it fails with exactly what is left.
 */
export async function takeTestFailoverDown(
  session: CimSession,
  recordedReplica: Collection | undefined,
  record: DrillRecord,
  request: JobRequest,
  deps: ReconcileDeps,
): Promise<OperationRecord | null | undefined> {
  const { test } = await finishRecordedJob(session, recordedReplica, record, request, deps);
  if (test === undefined) return undefined;
  const context: ErrorContext = { collection: test.name, host: session.target };
  const owner = await replicaShowing(session, recordedReplica, test, context);
  if (owner === undefined) throw await leftBehind(session, test, recordedReplica, context);
  const log: ProgressLine = (line, kind) => deps.log(`[${owner.name}] ${line}`, kind);
  if (recordedReplica === undefined || !sameId(owner.id, recordedReplica.id)) {
    log(
      `test collection '${test.name}' (${test.id}) now depends on replica collection '${owner.name}' (${owner.id}); removing it through that one`,
    );
  }
  const options = methodOptions(deps, { ...request, recoveryPoint: "latest", requireHealthy: false }, log);
  const result = await callFailoverMethod(session, owner, "RevertTestReplicaCollection", null, options);
  if (await findCollection(session, { id: test.id }, undefined, context)) {
    throw new InvalidStateError(
      `RevertTestReplicaCollection reported success, but test collection ${test.id} is still on the host`,
      "Check the replica cluster (Get-VMGroup) and the Hyper-V-VMMS-Admin event log, then run pulumi destroy again",
      { ...context, method: "RevertTestReplicaCollection" },
    );
  }
  log(`RevertTestReplicaCollection done: test collection ${test.id} removed`);
  return result.record;
}

/** The replica collection whose test collection is `test`, checked from the replica's end before any call. */
async function replicaShowing(
  session: CimSession,
  recordedReplica: Collection | undefined,
  test: Collection,
  context: ErrorContext,
): Promise<Collection | undefined> {
  const candidates = recordedReplica ? [recordedReplica] : [];
  for (const replica of [...candidates, ...(await replicasOfTest(session, test.id, context))]) {
    const tests = await findTestCollections(session, replica, context);
    const [only] = tests;
    if (tests.length === 1 && only !== undefined && sameId(only.id, test.id)) return replica;
  }
  return undefined;
}

/** Nothing can be called for the recorded test collection: say exactly what is left and how to remove it. */
async function leftBehind(
  session: CimSession,
  test: Collection,
  recordedReplica: Collection | undefined,
  context: ErrorContext,
): Promise<InvalidStateError> {
  const vms = await readMembers(session, test.id, context);
  const list = vms.map((vm) => `'${vm.name}' (${vm.id}, EnabledState ${vm.enabledState})`).join(", ");
  const replica =
    recordedReplica === undefined
      ? "the replica collection it was made from is gone from the host"
      : `replica collection '${recordedReplica.name}' (${recordedReplica.id}) no longer shows it as its test collection`;
  return new InvalidStateError(
    `test collection '${test.name}' (${test.id}) that this resource made is still on the host with its VMs ${list || "(none)"}, and ${replica}; no replica collection depends on it, so RevertTestReplicaCollection cannot remove it. Nothing was called`,
    `Remove it by hand: turn each test VM off and delete it (per-VM cmdlets: Stop-VM -TurnOff, then Remove-VM, on each VM listed), then remove the test collection (Msvm_CollectionManagementService.DestroyCollection, or Remove-VMGroup); then run pulumi destroy again, which finds it gone`,
    context,
  );
}
