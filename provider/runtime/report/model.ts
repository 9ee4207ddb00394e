/**
 * Builds a report from what a run recorded: the calls it sent, the host's own job times, the recovery point, and the
 * collections as read before and after. Pure: the same inputs give the same report.
 */
import type {
  CollectionSnapshot,
  JobTimes,
  RecordedCall,
  Report,
  ReportPoint,
  ReportResource,
  ReportStep,
  VmBar,
} from "./types";
import { describeDuration, stepTitle } from "./words";

export interface ReportInput {
  readonly resource: ReportResource;
  readonly name: string;
  readonly action: string;
  readonly calls: readonly RecordedCall[];
  /** The host's job times, by job InstanceID. */
  readonly jobs: ReadonlyMap<string, JobTimes>;
  readonly recoveryPoint: ReportPoint | null;
  readonly before: readonly CollectionSnapshot[];
  readonly after: readonly CollectionSnapshot[];
  readonly error: string | null;
  /** Agent clock, epoch ms, when the report was made. */
  readonly finishedAt: number;
}

const iso = (ms: number) => new Date(ms).toISOString();
const seconds = (ms: number) => Math.round(ms / 100) / 10;

export function buildReport(input: ReportInput): Report {
  const names = vmNames([...input.before, ...input.after]);
  const steps = input.calls.map((call) => toStep(call, input.jobs.get(call.jobId ?? ""), names));
  const start = steps.length > 0 ? Math.min(...steps.map((s) => Date.parse(s.startedAt))) : input.finishedAt;
  const rpo = rpoSeconds(input.recoveryPoint, start);
  const rto = rtoOf(input.after, start);
  const virtualMachines = vmBars(input.after, steps, start);
  const report = {
    resource: input.resource,
    name: input.name,
    action: input.action,
    outcome: input.error === null ? ("succeeded" as const) : ("failed" as const),
    error: input.error,
    startedAt: iso(start),
    finishedAt: iso(input.finishedAt),
    recoveryPoint: input.recoveryPoint,
    rpoSeconds: rpo,
    rtoSeconds: rto.seconds,
    rtoNote: rto.note,
    steps,
    virtualMachines,
    before: input.before,
    after: input.after,
  };
  return { ...report, summary: summaryOf(report) };
}

function vmNames(snapshots: readonly CollectionSnapshot[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const vm of snapshots.flatMap((s) => s.virtualMachines)) names.set(vm.id.toLowerCase(), vm.name);
  return names;
}

/** The VM a call acted on: a key of its target that is a member VM's id (Msvm_ComputerSystem.Name, SystemName). */
function vmOf(call: RecordedCall, names: ReadonlyMap<string, string>): string | null {
  for (const value of Object.values(call.keys)) {
    const name = names.get(String(value).toLowerCase());
    if (name !== undefined) return name;
  }
  return null;
}

function toStep(
  call: RecordedCall,
  job: JobTimes | undefined,
  names: ReadonlyMap<string, string>,
): ReportStep {
  const vm = vmOf(call, names);
  const host = job !== undefined && job.startedAt !== null;
  const end = job === undefined ? call.returnedAt : job.finishedAt;
  return {
    title: stepTitle(call, vm),
    host: call.host,
    vm,
    call: {
      namespace: call.namespace,
      className: call.className,
      keys: call.keys,
      method: call.method,
      arguments: call.arguments,
    },
    returnValue: call.returnValue,
    jobId: call.jobId,
    jobState: job?.jobState ?? null,
    errorCode: job?.errorCode ?? null,
    startedAt: iso(host ? (job.startedAt ?? call.calledAt) : call.calledAt),
    finishedAt: end === null ? null : iso(end),
    timesFrom: host ? "host job" : "agent clock",
  };
}

function rpoSeconds(point: ReportPoint | null, start: number): number | null {
  const created = point?.creationTime ? Date.parse(point.creationTime) : NaN;
  return Number.isNaN(created) ? null : seconds(start - created);
}

/** From the first step until the last VM of the recovered collection was running, or why there is no such time. */
function rtoOf(
  after: readonly CollectionSnapshot[],
  start: number,
): { seconds: number | null; note: string | null } {
  const recovered = after.filter((s) => s.recovers);
  const vms = recovered.flatMap((s) => s.virtualMachines);
  if (recovered.length === 0 || vms.length === 0) {
    return { seconds: null, note: "this run brings no VM up, so there is no recovery time to measure" };
  }
  const down = vms.filter((vm) => vm.runningSince === null);
  if (down.length > 0) {
    const list = down.map((vm) => `'${vm.name}' (${vm.state})`).join(", ");
    return { seconds: null, note: `not every VM was running at the end: ${list}` };
  }
  const last = Math.max(...vms.map((vm) => Date.parse(vm.runningSince ?? "")));
  if (last < start) return { seconds: null, note: "the VMs were already running before the first call" };
  return { seconds: seconds(last - start), note: null };
}

/** One bar per recovered VM: from the call that started it (else the first step) until it was running. */
function vmBars(after: readonly CollectionSnapshot[], steps: readonly ReportStep[], start: number): VmBar[] {
  return after
    .filter((s) => s.recovers)
    .flatMap((s) => s.virtualMachines)
    .flatMap((vm) => {
      if (vm.runningSince === null || Date.parse(vm.runningSince) < start) return [];
      const own = steps.find((step) => step.vm === vm.name && step.call.method === "RequestStateChange");
      return [
        {
          name: vm.name,
          startedAt: own?.startedAt ?? new Date(start).toISOString(),
          runningAt: vm.runningSince,
        },
      ];
    });
}

function healthLine(snapshots: readonly CollectionSnapshot[]): string {
  const named = snapshots.filter((s) => s.collectionName !== null);
  if (named.length === 0) return "not read";
  return named
    .map((s) => `${s.collectionName} ${s.replicationState ?? "?"}/${s.health ?? "no health"}`)
    .join(", ");
}

function summaryOf(report: Omit<Report, "summary">): string {
  const outcome =
    report.outcome === "succeeded"
      ? "succeeded"
      : `FAILED (${firstSentence(report.error ?? "unknown error")})`;
  const rto =
    report.rtoSeconds === null
      ? `RTO n/a (${report.rtoNote ?? ""})`
      : `RTO ${describeDuration(report.rtoSeconds)}`;
  const rpo = report.rpoSeconds === null ? "RPO n/a" : `RPO ${describeDuration(report.rpoSeconds)}`;
  const steps = `${report.steps.length} step${report.steps.length === 1 ? "" : "s"}`;
  return `${report.resource} '${report.name}': ${report.action} ${outcome} in ${steps}; ${rto}; ${rpo}; before: ${healthLine(report.before)}; after: ${healthLine(report.after)}`;
}

/** The error's first sentence, at most 160 characters: the summary is one line; the report keeps the whole text. */
function firstSentence(text: string): string {
  const end = text.search(/\.\s/);
  const first = end === -1 ? text : text.slice(0, end);
  return first.length > 160 ? `${first.slice(0, 159)}…` : first;
}
