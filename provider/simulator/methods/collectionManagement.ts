import { isCimRef, type CimArguments, type CimInstance, type CimMethodResult, type CimRef } from "../../cim";
import { argument, collectionArgument, returnOnly, textArgument, type JobContext } from "./args";
import type { ClassDef } from "../model/classes";
import { Cls, FailedOverType, ReplicationMode, ReplicationState, ReturnCode, sameText } from "../constants";
import { collectionOfVm, hostVms } from "../model/hostVms";
import { newGuid } from "../ids";
import { hasSites } from "./recoverySide";
import { startJob } from "./startJob";
import {
  belongsTo,
  collectionById,
  collectionOf,
  recordsOf,
  type SimState,
  type StoredCollection,
  type StoredJob,
} from "../store/state";
import { managementRow, type ManagementRow } from "./transitions/collectionManagement";

/**
 * Msvm_CollectionManagementService in root\HyperVCluster\v2: DefineCollection, AddMember, RemoveMember,
 * RenameCollection and DestroyCollection, as the rows of transitions/collectionManagement.ts say (each quotes its
 * page or says what is inferred). Order of answers, as for the replication service: 32773 for arguments that name
 * nothing, the busy code while a job runs on the collection, 32775 for a state that does not allow the call.
 */

export const MANAGEMENT_SERVICE = "Msvm_CollectionManagementService";
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Inferred: the page says only that "the default new collection name is used". */
export const DEFAULT_COLLECTION_NAME = "New VM Group";

/** The singleton; its Name, like the replication service's, is inferred. */
export function managementServiceInstance(hostName: string): CimInstance {
  return {
    className: MANAGEMENT_SERVICE,
    properties: {
      CreationClassName: MANAGEMENT_SERVICE,
      Name: "vmms",
      SystemCreationClassName: "Msvm_ComputerSystem",
      SystemName: hostName,
      ElementName: "Hyper-V Collection Management Service",
      EnabledState: 5,
    },
  };
}

export const MANAGEMENT_CLASS_DEF: ClassDef = {
  name: MANAGEMENT_SERVICE,
  keys: ["CreationClassName", "Name", "SystemCreationClassName", "SystemName"],
  properties: Object.keys(managementServiceInstance("").properties),
  ancestors: ["CIM_Service", "CIM_EnabledLogicalElement", "CIM_LogicalElement", "CIM_ManagedSystemElement"],
  instances: (_state, ctx) => [managementServiceInstance(ctx.hostName)],
};

/** Whether a REF names this host's management service: every key it gives must match. */
export function isManagementService(ref: CimRef, hostName: string): boolean {
  if (!sameText(ref.className, MANAGEMENT_SERVICE)) return false;
  const service = managementServiceInstance(hostName).properties;
  return Object.entries(ref.keys).every(([key, value]) => {
    const name = Object.keys(service).find((k) => sameText(k, key));
    const actual = name === undefined ? undefined : service[name];
    return typeof actual === "string" && typeof value === "string" && sameText(actual, value);
  });
}

type Context = JobContext & { readonly hostName: string };

export function invokeManagement(
  state: SimState,
  ctx: Context,
  method: string,
  args: CimArguments,
): CimMethodResult {
  const row = managementRow(method);
  if (row === undefined) return returnOnly(ReturnCode.notSupported);
  if (row.method === "DefineCollection") return define(state, ctx, args);
  const collection = collectionArgument(state, args, ctx.hostName);
  if (collection === undefined) return returnOnly(ReturnCode.invalidParameter);
  const refused = refusal(state, ctx, row, collection, args);
  if (refused !== undefined) return returnOnly(refused);
  if (row.method === "DestroyCollection") {
    destroy(state, collection);
    return returnOnly(ReturnCode.completed);
  }
  return start(state, ctx, row, collection, args);
}

/** The code that refuses the call, or undefined when it is accepted. */
function refusal(
  state: SimState,
  ctx: Context,
  row: ManagementRow,
  collection: StoredCollection,
  args: CimArguments,
): number | undefined {
  const vmId = memberId(argument(args, "Member"));
  if (row.method === "AddMember" || row.method === "RemoveMember") {
    if (vmId === undefined) return ReturnCode.invalidParameter;
    const inThis = collection.members.some((m) => sameText(m.id, vmId));
    const free = hostVms(state, ctx.hostName).some((vm) => sameText(vm.id, vmId));
    if (row.method === "RemoveMember" && !inThis) return ReturnCode.invalidParameter;
    if (row.method === "AddMember" && !free && collectionOfVm(state, vmId) === undefined)
      return ReturnCode.invalidParameter;
    if (row.method === "AddMember" && !free) return ReturnCode.invalidState;
  }
  if (row.method === "RenameCollection" && textArgument(args, "NewName") === undefined)
    return ReturnCode.invalidParameter;
  if (recordsOf(state.jobs, collection).some((job) => !job.finished))
    return state.busyReturnCode ?? ReturnCode.systemInUse;
  const membership = row.method !== "RenameCollection";
  if (membership && collection.replicationState !== ReplicationState.disabled) return ReturnCode.invalidState;
  if (row.method === "DestroyCollection" && collection.members.length > 0) return ReturnCode.invalidState;
  return undefined;
}

/** The VM a Member REF names (Msvm_ComputerSystem, by Name). */
function memberId(value: unknown): string | undefined {
  if (!isCimRef(value) || !sameText(value.className, Cls.computerSystem)) return undefined;
  const key = Object.keys(value.keys).find((k) => sameText(k, "Name"));
  const id = key === undefined ? undefined : value.keys[key];
  return typeof id === "string" ? id : undefined;
}

function define(state: SimState, ctx: Context, args: CimArguments): CimMethodResult {
  const type = argument(args, "Type");
  if (type === 1) return returnOnly(ReturnCode.notSupported);
  if (type !== 0) return returnOnly(ReturnCode.invalidParameter);
  const given = argument(args, "Id");
  if (given !== undefined && given !== null && (typeof given !== "string" || !GUID.test(given)))
    return returnOnly(ReturnCode.invalidParameter);
  const id = typeof given === "string" ? given : newGuid();
  if (collectionById(state, id, ctx.hostName) !== undefined) return returnOnly(ReturnCode.failed);
  // In a two-site state file every collection lives on a site: a new one on the host that made it.
  const sited = hasSites(state);
  state.collections.push({
    id,
    name: textArgument(args, "Name") ?? DEFAULT_COLLECTION_NAME,
    replicationState: ReplicationState.disabled,
    replicationMode: ReplicationMode.none,
    failedOverReplicationType: FailedOverType.none,
    members: [],
    lastApplyTime: null,
    lastApplyConsistencyLevel: 0,
    ...(sited ? { site: ctx.hostName } : {}),
  });
  return {
    returnValue: ReturnCode.completed,
    outParameters: { DefinedCollection: { className: Cls.collection, keys: { CollectionID: id } } },
  };
}

function start(
  state: SimState,
  ctx: Context,
  row: ManagementRow,
  collection: StoredCollection,
  args: CimArguments,
): CimMethodResult {
  const vmId = memberId(argument(args, "Member"));
  const job = startJob(state, ctx, {
    method: row.method,
    jobType: row.job?.jobType ?? 0,
    collection,
    cancellable: false,
    defaultDurationMs: row.job?.defaultDurationMs ?? 500,
    // A rename's job keeps NewName in `settings`, the field in which a job keeps the text its call carried.
    extra: vmId !== undefined ? { vmId } : { settings: textArgument(args, "NewName") },
  });
  return {
    returnValue: ReturnCode.jobStarted,
    outParameters: { Job: { className: Cls.job, keys: { InstanceID: job.instanceId } } },
  };
}

/** Whether a job is one of this service's: effects.ts hands those to {@link completeManagementJob}. */
export const isManagementJob = (job: StoredJob) => managementRow(job.method) !== undefined;

/** A completed job's effect: the member moves, or the name changes. A job that fails changes nothing. */
export function completeManagementJob(state: SimState, job: StoredJob): void {
  const collection = collectionOf(state, job);
  if (collection === undefined) return;
  if (job.method === "RenameCollection" && job.settings !== undefined) collection.name = job.settings;
  if (job.vmId === undefined) return;
  const vmId = job.vmId;
  if (job.method === "AddMember") {
    const vm = (state.virtualMachines ?? []).find((v) => sameText(v.id, vmId));
    if (vm === undefined) return;
    state.virtualMachines = (state.virtualMachines ?? []).filter((v) => v !== vm);
    const { site: _site, ...member } = vm;
    collection.members.push(member);
  }
  if (job.method === "RemoveMember") {
    const member = collection.members.find((m) => sameText(m.id, vmId));
    if (member === undefined) return;
    collection.members = collection.members.filter((m) => m !== member);
    freeVm(state, collection, member);
  }
}

function freeVm(state: SimState, collection: StoredCollection, member: StoredCollection["members"][number]) {
  const site = collection.site;
  state.virtualMachines = [...(state.virtualMachines ?? []), { ...member, ...(site ? { site } : {}) }];
}

/** Only an empty collection gets here (see refusal). */
function destroy(state: SimState, collection: StoredCollection): void {
  state.collections = state.collections.filter((c) => c !== collection);
  state.recoveryPoints = state.recoveryPoints.filter((p) => !belongsTo(p, collection));
}
