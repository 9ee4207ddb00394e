/** A failover of two VMs as a report's input: the sample the report tests share. */
import type { ReportInput } from "../../../provider/runtime/report/model";
import type { CollectionSnapshot, JobTimes, RecordedCall } from "../../../provider/runtime/report/types";

export const T = Date.parse("2026-11-27T12:00:00.000Z");
const SECOND = 1000;
export const VM_A = "9F1F14A0-5389-4AE7-ACE6-00E1FCB4217E";
export const VM_B = "1B659897-A74B-4F88-A8EE-AA862A00B636";

export function call(method: string, at: number, extra: Partial<RecordedCall> = {}): RecordedCall {
  return {
    host: "hv-replica01 (wsman)",
    namespace: "root/HyperVCluster/v2",
    className: "Msvm_CollectionReplicationService",
    keys: { Name: "service" },
    method,
    arguments: {},
    calledAt: at,
    returnedAt: at + 50,
    returnValue: 4096,
    jobId: `job-${method}-${at}`,
    error: null,
    ...extra,
  };
}

const start = (vm: string, at: number) =>
  call("RequestStateChange", at, {
    className: "Msvm_ComputerSystem",
    keys: { CreationClassName: "Msvm_ComputerSystem", Name: vm },
    arguments: { RequestedState: 2 },
    jobId: `job-start-${vm}`,
  });

/**
 * The collection with sql-a and sql-b on the replica site, each running since the given time, or off (null): it
 * replicates before the failover and is failed over after it.
 */
export function snapshot(
  recovers: boolean,
  running: Record<string, number | null>,
  replicationState = "FailedOver",
): CollectionSnapshot {
  const vm = (id: string, name: string) => ({
    id,
    name,
    state: running[name] == null ? "Off" : "Running",
    replicationHealth: "Ok",
    runningSince: running[name] == null ? null : new Date(running[name]).toISOString(),
  });
  return {
    site: null,
    host: "hv-replica01 (wsman)",
    collectionId: "6b0c1f4e-2a52-4c8e-9d41-0a7f3e1b9c10",
    collectionName: "sql-cluster",
    replicationState,
    replicationMode: "Replica",
    health: "Ok",
    recovers,
    error: null,
    virtualMachines: [vm(VM_A, "sql-a"), vm(VM_B, "sql-b")],
  };
}

const job = (from: number, to: number): JobTimes => ({
  startedAt: T + from * SECOND,
  finishedAt: T + to * SECOND,
  jobState: "Completed",
  errorCode: 0,
});

/**
 * InitiateFailover (its job from +1 s to +61 s), then sql-a started (+62 s to +70 s) and sql-b (+71 s to +80 s),
 * from a point made 300 s before the call: RTO 79 s, RPO 301 s.
 */
export function sampleInput(extra: Partial<ReportInput> = {}): ReportInput {
  const failover = call("InitiateFailover", T);
  return {
    resource: "CollectionFailover",
    name: "sql-cluster",
    action: "failover",
    calls: [failover, start(VM_A, T + 62 * SECOND), start(VM_B, T + 71 * SECOND)],
    jobs: new Map([
      [failover.jobId!, job(1, 61)],
      [`job-start-${VM_A}`, job(62, 70)],
      [`job-start-${VM_B}`, job(71, 80)],
    ]),
    recoveryPoint: {
      instanceId: "Microsoft:point",
      creationTime: new Date(T - 300 * SECOND).toISOString(),
      consistencyLevel: "ApplicationConsistent",
    },
    before: [snapshot(false, { "sql-a": null, "sql-b": null }, "Replicating")],
    after: [snapshot(true, { "sql-a": T + 70 * SECOND, "sql-b": T + 80 * SECOND })],
    error: null,
    finishedAt: T + 90 * SECOND,
    ...extra,
  };
}
