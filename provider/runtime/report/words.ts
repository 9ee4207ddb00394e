/** Plain words for the report: durations and what each call did, with the WMI method beside them. */
import type { RecordedCall } from "./types";

/** `42.5 s`, `3 min 5 s`, `2 h 10 min`. */
export function describeDuration(seconds: number): string {
  const s = Math.abs(seconds);
  const sign = seconds < 0 ? "-" : "";
  if (s < 60) return `${sign}${Math.round(s * 10) / 10} s`;
  if (s < 3600) return `${sign}${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  const minutes = Math.round((s % 3600) / 60);
  if (s < 86_400) return `${sign}${Math.floor(s / 3600)} h ${minutes} min`;
  return `${sign}${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}

/** The RequestedState values the provider sends a VM (hyperv/vmPower.ts). */
const POWER: Readonly<Record<number, string>> = { 2: "start", 3: "power off (hard)" };

const SERVICE: Readonly<Record<string, string>> = {
  InitiateFailover: "fail over",
  RevertFailover: "revert the failover",
  CommitFailover: "commit the failover",
  TestReplicaCollection: "make the test collection",
  RevertTestReplicaCollection: "remove the test collection",
  ReverseReplicationRelationship: "reverse replication",
  StartReplication: "start replication",
  RequestReplicationStateChange: "change the replication state",
  InitiateShutdown: "shut down",
};

/** For example `start VM 'sql-a' (RequestStateChange 2)` or `fail over (InitiateFailover)`. */
export function stepTitle(call: RecordedCall, vm: string | null): string {
  const requested = call.arguments.RequestedState;
  const job = call.className === "Msvm_ConcreteJob";
  const what = job
    ? "terminate"
    : call.method === "RequestStateChange" && typeof requested === "number"
      ? (POWER[requested] ?? `request state ${requested}`)
      : (SERVICE[call.method] ?? call.method);
  const wmi =
    call.method === "RequestStateChange" && typeof requested === "number"
      ? `${call.method} ${requested}`
      : call.method;
  const on = vm !== null ? ` VM '${vm}'` : job ? ` job ${String(call.keys.InstanceID)}` : "";
  return `${what}${on} (${wmi})`;
}

/** A report's heading: `CollectionTestFailover 'sql-cluster': test failover succeeded`. */
export const reportTitle = (report: { resource: string; name: string; action: string; outcome: string }) =>
  `${report.resource} '${report.name}': ${report.action} ${report.outcome}`;
