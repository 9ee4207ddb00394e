import type { CimArguments, CimMethodResult, CimRef } from "../../cim";
import { argument, returnOnly, type JobContext } from "./args";
import { Cls, EnabledState, ReplicationHealth, ReplicationMode, ReturnCode, sameText } from "../constants";
import { startJob } from "./startJob";
import { withKey } from "../store/keyIndex";
import {
  hostCollections,
  JOB_VM,
  type SimState,
  type StoredCollection,
  type StoredMember,
} from "../store/state";

/**
 * Member VMs (Msvm_ComputerSystem in root\HyperVCluster\v2) and their RequestStateChange. The ClusHyperV page
 * documents RequestedState "Enabled (2), Disabled (3), Shut Down (4), Offline (6), Test (7), Defer (8),
 * Quiesce (9), Reboot (10), Reset (11)" and the return values 0, 4096 and 32768-32778 (32775 "Invalid state for
 * this operation"); which requests a VM accepts in which state is inferred below.
 */

export interface VmStateChange {
  readonly requested: number;
  readonly jobType: number;
  readonly jobName: string;
  /** EnabledState values the request is accepted from; others are 32775 (inferred). */
  readonly from: readonly number[];
  /**
   * The EnabledState while the job runs. Documented on CIM_EnabledLogicalElement.EnabledState: "Shutting Down (4)
   * and Starting (10) are transient states between Enabled and Disabled."
   */
  readonly whileRunning?: number;
  readonly to: number;
  /** Whether the VM must be allowed to run (see {@link mayRun}). */
  readonly starts: boolean;
}

/** JobTypes from ConcreteJob_JobType (microsoft/wmi, hypervcluster v2): 12 Start, 13 Power Off, 14 Save, ... */
export const VM_STATE_CHANGES: readonly VmStateChange[] = [
  {
    requested: 2,
    jobType: 12,
    jobName: "Start Virtual Machine",
    from: [3, 6],
    whileRunning: 10,
    to: 2,
    starts: true,
  },
  {
    requested: 3,
    jobType: 13,
    jobName: "Power Off Virtual Machine",
    from: [2, 6, 9],
    whileRunning: 4,
    to: 3,
    starts: false,
  },
  { requested: 6, jobType: 14, jobName: "Save Virtual Machine", from: [2, 9], to: 6, starts: false },
  { requested: 9, jobType: 26, jobName: "Pause Virtual Machine", from: [2], to: 9, starts: false },
  { requested: 10, jobType: 29, jobName: "Reboot Virtual Machine", from: [2], to: 2, starts: false },
  { requested: 11, jobType: 28, jobName: "Reset Virtual Machine", from: [2], to: 2, starts: false },
];

export const VM_METHOD = "RequestStateChange";
export const VM_DEFAULT_DURATION_MS = 1000;

/** Inferred defaults for VMs stored before these fields existed: a primary's VMs run, all others are off. */
export function enabledStateOf(collection: StoredCollection, member: StoredMember): number {
  if (member.enabledState !== undefined) return member.enabledState;
  return collection.replicationMode === ReplicationMode.primary
    ? EnabledState.enabled
    : EnabledState.disabled;
}

export function replicationHealthOf(collection: StoredCollection, member: StoredMember): number {
  if (collection.replicationMode === ReplicationMode.none) return ReplicationHealth.notApplicable;
  return member.replicationHealth ?? ReplicationHealth.ok;
}

/**
 * The per-VM ReplicationState (the Msvm_ReplicationRelationship numbering, fact sheet §3) a member shows for its
 * collection's state. 0-3 and 5-10 mean the same in both numberings; the rest is inferred: 4 on a primary is
 * "Synced replication complete", 4 on a replica "Failover in progress", 11 "Synced replication complete",
 * 12 "Repurpose replication in progress", 13 "Firedrill in progress", 14-16 "Unknown".
 */
export function vmReplicationState(collection: StoredCollection): number {
  const state = collection.replicationState;
  if (collection.replicationMode === ReplicationMode.testReplica) return 0;
  if (state <= 3 || (state >= 5 && state <= 10)) return state;
  if (state === 4) return collection.replicationMode === ReplicationMode.replica ? 12 : 4;
  return ({ 11: 4, 12: 18, 13: 21 } as Record<number, number>)[state] ?? 17;
}

/**
 * Inferred: a replica's VMs may run only once failed over (Recovered 5 or Committed 6), and a primary's VMs not
 * after a planned failover was prepared (11, or 4 with type Planned); Hyper-V refuses to start a replica VM.
 */
export function mayRun(collection: StoredCollection): boolean {
  const { replicationMode: mode, replicationState: state } = collection;
  if (mode === ReplicationMode.replica) return state === 5 || state === 6;
  if (mode === ReplicationMode.primary) return state !== 11 && state !== 4;
  return true;
}

/** The member a Msvm_ComputerSystem REF names (by Name, the VM GUID) on the host, with its collection. */
export function memberOf(
  state: SimState,
  ref: CimRef,
  hostName?: string,
): { collection: StoredCollection; member: StoredMember } | undefined {
  const key = Object.keys(ref.keys).find((k) => sameText(k, "Name"));
  const id = key === undefined ? undefined : ref.keys[key];
  if (typeof id !== "string") return undefined;
  const collections = hostName === undefined ? state.collections : hostCollections(state, hostName);
  for (const collection of collections) {
    const member = withKey(collection.members, MEMBER_ID, id)[0];
    if (member) return { collection, member };
  }
  return undefined;
}

const MEMBER_ID = (member: StoredMember) => member.id;

/**
 * Msvm_ComputerSystem.RequestStateChange; every other VM method is 32770 Not Supported. A request for the state the
 * VM is in, or any request while a state change of the VM runs (Starting, Shutting Down), is 32775 Invalid state.
 * Inferred: no Hyper-V page says which code these get. OpenStack's os-win (vmutils.set_vm_state) accepts 32775
 * because it "typically means that the VM is already in the state requested", and microsoft/wmi (PRs #27, #33)
 * retries 32775 as transient, i.e. met while a VM is busy; nothing public shows 32774 System is in use for either.
 */
export function invokeVm(
  state: SimState,
  ctx: JobContext & { readonly hostName: string },
  ref: CimRef,
  method: string,
  args: CimArguments,
): CimMethodResult | undefined {
  const found = memberOf(state, ref, ctx.hostName);
  if (!found) return undefined;
  if (!sameText(method, VM_METHOD)) return returnOnly(ReturnCode.notSupported);
  const requested = argument(args, "RequestedState");
  if (typeof requested !== "number") return returnOnly(ReturnCode.invalidParameter);
  const change = VM_STATE_CHANGES.find((c) => c.requested === requested);
  const { collection, member } = found;
  const current = enabledStateOf(collection, member);
  const busy = withKey(state.jobs, JOB_VM, member.id).some((job) => !job.finished && job.vmId === member.id);
  if (busy || !change || !change.from.includes(current) || (change.starts && !mayRun(collection))) {
    return returnOnly(ReturnCode.invalidState);
  }
  const job = startJob(state, ctx, {
    method: VM_METHOD,
    jobType: change.jobType,
    collection,
    cancellable: false,
    defaultDurationMs: VM_DEFAULT_DURATION_MS,
    extra: { vmId: member.id, requestedState: change.requested },
  });
  job.restore.enabledState = current;
  if (change.whileRunning !== undefined) member.enabledState = change.whileRunning;
  return {
    returnValue: ReturnCode.jobStarted,
    outParameters: { Job: { className: Cls.job, keys: { InstanceID: job.instanceId } } },
  };
}

export function vmStateChange(requested: number | undefined): VmStateChange | undefined {
  return VM_STATE_CHANGES.find((c) => c.requested === requested);
}
