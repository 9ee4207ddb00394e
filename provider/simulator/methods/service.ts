import type { CimArguments, CimMethodResult, CimValue } from "../../cim";
import {
  argument,
  collectionArgument,
  recoveryPointArgument,
  returnOnly,
  textArgument,
  type JobContext,
} from "./args";
import { Cls, EnabledState, FailedOverType, ReturnCode, sameText } from "../constants";
import { newGuid } from "../ids";
import { finishJob, terminatedEnd } from "./jobs";
import { enabledStateOf } from "./members";
import { partnerRefusal } from "./pair";
import { recoverySideFree } from "./recoverySide";
import { reversedSettingsFit } from "./reverseSettings";
import { initialReplicationMs, settingsProblem } from "./transitions/replicationSetup";
import { startJob } from "./startJob";
import { isTestOf, recordsOf, type SimState, type StoredCollection, type StoredJob } from "../store/state";
import { getStatistics, resetStatistics } from "./statistics";
import { INHERITED_METHODS, transition, type Transition } from "./transitions";

/** What the argument checks found, for the job to carry. */
interface Checked {
  readonly pointId?: string;
  readonly settings?: string;
  readonly initialReplicationType?: number;
}

/**
 * Every method of Msvm_CollectionReplicationService, driven by the TRANSITIONS table. Order of answers: 32773 for
 * bad arguments, the busy code while another job runs on the collection (32774 unless the state says 32775: which
 * one a host gives is undocumented, see SimState.busyReturnCode), 32775 for the wrong mode or state or a failed
 * requirement, then 4096 with a job (or 0 for the synchronous statistics methods).
 */
export function invokeService(
  state: SimState,
  ctx: JobContext & { readonly hostName: string },
  method: string,
  args: CimArguments,
): CimMethodResult {
  // Inferred: the inherited methods control VMMS itself, which the simulator does not model (CIM code 1).
  if (INHERITED_METHODS.some((m) => sameText(m, method))) return returnOnly(ReturnCode.cimNotSupported);
  const t = transition(method);
  if (!t) return returnOnly(ReturnCode.notSupported);
  const collection = collectionArgument(state, args, ctx.hostName);
  if (!collection) return returnOnly(ReturnCode.invalidParameter);
  const checked = checkArguments(state, t, collection, args);
  if (checked === "invalid") return returnOnly(ReturnCode.invalidParameter);
  if (t.jobType !== undefined && !t.cancels && runningJobOn(state, collection)) {
    return returnOnly(state.busyReturnCode ?? ReturnCode.systemInUse);
  }
  const legal = t.modes.includes(collection.replicationMode) && t.from.includes(collection.replicationState);
  if (!legal || !meetsRequirements(state, t, collection, checked)) return returnOnly(ReturnCode.invalidState);
  const refusal = t.requires?.includes("partnerAllows")
    ? partnerRefusal(state, t.method, collection)
    : undefined;
  if (refusal !== undefined) return returnOnly(refusal);
  if (t.method === "GetReplicationStatistics") return getStatistics(state, ctx, collection);
  if (t.method === "ResetReplicationStatistics") return resetStatistics(ctx.now, collection);
  return start(state, ctx, t, collection, checked);
}

const runningJobOn = (state: SimState, collection: StoredCollection): StoredJob | undefined =>
  recordsOf(state.jobs, collection).find((job) => !job.finished);

/** The parameter checks (32773), made before the state is looked at. */
function checkArguments(
  state: SimState,
  t: Transition,
  collection: StoredCollection,
  args: CimArguments,
): Checked | "invalid" {
  const needs = t.requires ?? [];
  let checked: Checked = {};
  if (needs.includes("settings")) {
    const settings = textArgument(args, "CollectionReplicationSettingData");
    if (settings === undefined) return "invalid";
    if (needs.includes("reversedSettings") && !reversedSettingsFit(state, collection, settings))
      return "invalid";
    if (!needs.includes("reversedSettings") && settingsProblem(settings) !== undefined) return "invalid";
    checked = { ...checked, settings };
  }
  if (needs.includes("initialReplicationType")) {
    const type = argument(args, "InitialReplicationType");
    if (type !== 1 && type !== 2 && type !== 3) return "invalid";
    // Documented: the export location is "used when type 2"; requiring it then is inferred.
    if (type === 2 && textArgument(args, "InitialReplicationExportLocation") === undefined) return "invalid";
    checked = { ...checked, initialReplicationType: type };
  }
  if (needs.includes("recoveryPoint")) {
    const found = recoveryPointArgument(state, args, collection);
    if (found === "invalid") return "invalid";
    if (found.point) checked = { ...checked, pointId: found.point.instanceId };
  }
  return checked;
}

/** The state checks beyond mode and ReplicationState (32775). */
function meetsRequirements(
  state: SimState,
  t: Transition,
  collection: StoredCollection,
  checked: Checked,
): boolean {
  return (t.requires ?? []).every((need) => {
    switch (need) {
      case "recoveryPoint":
        // Inferred: failing over (or testing) needs a point to use.
        return checked.pointId !== undefined;
      case "plannedType":
        return collection.failedOverReplicationType === FailedOverType.planned;
      case "membersOff":
        return collection.members.every((m) => enabledStateOf(collection, m) === EnabledState.disabled);
      case "noTestCollection":
        return !state.collections.some((c) => isTestOf(c, collection));
      case "testCollection":
        return state.collections.some((c) => isTestOf(c, collection));
      case "recoverySideFree":
        return checked.settings === undefined || recoverySideFree(state, collection, checked.settings);
      default:
        return true;
    }
  });
}

function start(
  state: SimState,
  ctx: JobContext,
  t: Transition,
  collection: StoredCollection,
  checked: Checked,
): CimMethodResult {
  if (t.cancels) {
    const target = runningJobOn(state, collection);
    if (!target || !sameText(target.method, t.cancels)) return returnOnly(ReturnCode.invalidState);
    finishJob(state, target, terminatedEnd(target), ctx.now);
  }
  const resultId = t.effect === "createTestCollection" ? newGuid() : undefined;
  const job = startJob(state, ctx, {
    method: t.method,
    jobType: t.jobType ?? 0,
    collection,
    cancellable: t.cancellable ?? false,
    defaultDurationMs:
      t.effect === "initialReplication" ? initialReplicationMs(collection) : (t.defaultDurationMs ?? 1000),
    extra: {
      ...(resultId !== undefined ? { resultId } : {}),
      ...(checked.pointId !== undefined ? { recoveryPointId: checked.pointId } : {}),
      ...(checked.settings !== undefined ? { settings: checked.settings } : {}),
      ...(checked.initialReplicationType !== undefined
        ? { initialReplicationType: checked.initialReplicationType }
        : {}),
    },
  });
  if (t.whileRunning !== undefined) collection.replicationState = t.whileRunning;
  const jobRef = { className: Cls.job, keys: { InstanceID: job.instanceId } };
  // Inferred: ResultingCollection is returned with the call; the collection appears when the job completes.
  const outParameters: Record<string, CimValue> = { Job: jobRef };
  if (resultId !== undefined) {
    outParameters["ResultingCollection"] = { className: Cls.collection, keys: { CollectionID: resultId } };
  }
  return { returnValue: ReturnCode.jobStarted, outParameters };
}
