import { toCimDateTime, toCimInterval, type CimInstance, type CimValue } from "../../cim";
import { Cls, EnabledState, JobState, OperationalStatus } from "../constants";
import { jobAt, jobNameOf, startingMs } from "../methods/jobs";
import { enabledStateOf, replicationHealthOf, vmReplicationState } from "../methods/members";
import type { StoredCollection, StoredJob, StoredMember, StoredRecoveryPoint } from "../store/state";

/** Turns stored records into the CIM instances a real host would return, property names as in the MOF. */

const instance = (className: string, properties: Record<string, CimValue>): CimInstance => ({
  className,
  properties,
});

export function collectionInstance(c: StoredCollection): CimInstance {
  return instance(Cls.collection, {
    CollectionID: c.id,
    ElementName: c.name,
    InstanceID: `Microsoft:${c.id}`,
    ReplicationState: c.replicationState,
    ReplicationMode: c.replicationMode,
    FailedOverReplicationType: c.failedOverReplicationType,
    LastApplyTime: c.lastApplyTime === null ? null : toCimDateTime(c.lastApplyTime),
    LastApplyVirtualMachineIds: c.members.map((m) => m.id),
    LastApplyConsistencyLevel: c.lastApplyConsistencyLevel,
  });
}

export function recoveryPointInstance(p: StoredRecoveryPoint): CimInstance {
  return instance(Cls.recoveryPoint, {
    InstanceID: p.instanceId,
    CollectionID: p.collectionId,
    CreationTime: p.creationTime === null ? null : toCimDateTime(p.creationTime),
    ConsistencyLevel: p.consistencyLevel,
    ElementName:
      p.creationTime === null ? "Recovery point" : `Recovery point ${new Date(p.creationTime).toISOString()}`,
    VirtualMachineIds: p.virtualMachineIds,
    RecoveryPointIds: p.recoveryPointIds ?? [],
  });
}

/**
 * A member VM. ReplicationState/Health/Mode follow the collection (members.ts says how; inferred), and are the
 * deprecated per-VM properties the fact sheet lists for Msvm_ComputerSystem. The two times are documented
 * (HyperV_v2 msvm-computersystem.md): TimeOfLastStateChange "The date and time when the enabled state of the element
 * last changed", and OnTimeInMilliseconds "the time, in milliseconds, since the machine was last turned on, reset, or
 * restored". Inferred: a VM that is not running reports 0 (it has not been on since it was last turned off).
 */
export function computerSystemInstance(
  collection: StoredCollection,
  member: StoredMember,
  now: number,
): CimInstance {
  const enabled = enabledStateOf(collection, member);
  const since = member.enabledSince;
  const onTime = enabled !== EnabledState.enabled ? 0 : since === undefined ? null : Math.max(0, now - since);
  return instance(Cls.computerSystem, {
    CreationClassName: Cls.computerSystem,
    Name: member.id,
    ElementName: member.name,
    Caption: "Virtual Machine",
    EnabledState: enabled,
    TimeOfLastStateChange: since === undefined ? null : toCimDateTime(since),
    // uint64: a decimal string, as every uint64 crosses the CIM seam (cim/types.ts).
    OnTimeInMilliseconds: onTime === null ? null : String(onTime),
    ReplicationState: vmReplicationState(collection),
    ReplicationHealth: replicationHealthOf(collection, member),
    ReplicationMode: collection.replicationMode,
  });
}

/** The service's Name and SystemCreationClassName are not in the fact sheet (inferred from Msvm_ReplicationService). */
export function serviceInstance(hostName: string): CimInstance {
  return instance(Cls.service, {
    CreationClassName: Cls.service,
    Name: "vmms",
    SystemCreationClassName: "Msvm_ComputerSystem",
    SystemName: hostName,
    ElementName: "Hyper-V Collection Replication Service",
    EnabledState: 5,
  });
}

const JOB_STATUS: Record<number, string> = {
  [JobState.starting]: "Job is starting",
  [JobState.running]: "Job is running",
  [JobState.completed]: "Job completed successfully",
  [JobState.terminated]: "Job was terminated",
  [JobState.killed]: "Job was killed",
  [JobState.exception]: "Job failed",
};

/** CIM_Job convention: OK while running, then Completed plus OK, Stopped or Error. GetErrorEx keys off "not OK". */
function operationalStatus(jobState: number): number[] {
  if (jobState === JobState.starting || jobState === JobState.running) return [OperationalStatus.ok];
  if (jobState === JobState.completed) return [OperationalStatus.ok, OperationalStatus.completed];
  if (jobState === JobState.terminated) return [OperationalStatus.stopped, OperationalStatus.completed];
  return [OperationalStatus.error, OperationalStatus.completed];
}

export function jobInstance(job: StoredJob, now: number): CimInstance {
  const view = jobAt(job, now);
  const startedAt = job.submittedAt + startingMs(job);
  const until = view.finishedAt ?? now;
  const started = until >= startedAt;
  return instance(Cls.job, {
    InstanceID: job.instanceId,
    Name: jobNameOf(job),
    JobState: view.jobState,
    PercentComplete: view.percentComplete,
    JobStatus: JOB_STATUS[view.jobState] ?? "Job state unknown",
    ErrorCode: view.errorCode,
    ErrorDescription: view.errorDescription || null,
    ErrorSummaryDescription: view.errorSummaryDescription || null,
    Cancellable: view.cancellable,
    JobType: view.jobType,
    TimeSubmitted: toCimDateTime(job.submittedAt),
    StartTime: started ? toCimDateTime(startedAt) : null,
    ElapsedTime: toCimInterval(until - job.submittedAt),
    TimeOfLastStateChange: toCimDateTime(view.finishedAt ?? (started ? startedAt : job.submittedAt)),
    TimeBeforeRemoval: toCimInterval(job.timeBeforeRemovalMs),
    OperationalStatus: operationalStatus(view.jobState),
    DeleteOnCompletion: false,
  });
}
