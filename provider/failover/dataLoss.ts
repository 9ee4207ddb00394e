/**
 * The data-loss acknowledgement every resource keeps (STYLE practice 15): which steps throw writes away, what each
 * would lose, and the token that names that very event. Pure: it reads only what the host reported.
 *
 * Why a token and not a boolean: a standing `allowDataLoss: true` left in a program after a disaster authorizes the
 * next, different loss too (a failback while the new primary resynchronizes, a revert days later). A token is built
 * from facts the host reports about this event only: the CollectionID and the recovery point's CreationTime the
 * event turns on (the point failed over to, read back as LastApplyTime, for a revert, a split brain or a commit; the
 * point selected, for an unplanned failover). A new failover, a later recovery point or another split brain has
 * another token, and an old program re-applied by a pipeline cannot authorize it. The point, not the VMs' start
 * times, names the event because it stays put while the run itself stops the VMs step by step, so one
 * acknowledgement carries a sequence to its end. What this cannot tell apart: a second failover to the very same
 * recovery point after a revert (the host keeps no record of the failover itself beyond its job, removed after
 * 5 minutes); replication delivers a newer point within minutes, so only a point pinned by InstanceID repeats. The
 * refusal and the preview print the token.
 *
 * Why a rehearsal window: reverting a failover right after it (a rehearsal) loses only what the VMs wrote while they
 * were being checked. Documented (per-VM RevertFailover, HyperV_v2 revertfailover-msvm-replicationservice.md): it
 * reverts "discarding the current failover disk". Only a VM that ran longer than the window (or for a time the host
 * does not tell) makes the revert a loss that needs the token.
 */
import { EnabledState } from "../hyperv/codes";

/** A step that throws writes away: what `acknowledgeDataLoss` must hold, and what would be lost, in words. */
export interface DataLossEvent {
  readonly token: string;
  readonly loses: string;
}

/** A member VM as far as its run matters: documented Msvm_ComputerSystem properties (HyperV_v2). */
export interface VmRunFacts {
  readonly name: string;
  readonly enabledState: number;
  /** TimeOfLastStateChange (ms): "The date and time when the enabled state of the element last changed." */
  readonly timeOfLastStateChange: number | null;
  /** OnTimeInMilliseconds: "the time, in milliseconds, since the machine was last turned on, reset, or restored". */
  readonly onTimeMs: number | null;
  /** How long it had run when this run turned it off, as measured then (a two-site run stops VMs step by step). */
  readonly measuredRunMs?: number | null;
}

/** How one VM ran after a reference time (the failover's recovery point). */
export interface VmRun {
  readonly name: string;
  /** Running now since this time; null when it is not running. */
  readonly runningSince: number | null;
  /** When it last changed state, when it is not running (it ran until then at the latest). */
  readonly changedAt: number | null;
  /** How long it ran: exact when running, else at most this (from the reference time); null when not known. */
  readonly forMs: number | null;
  readonly exact: boolean;
}

/** Default rehearsal window: a failover checked and reverted within an hour is a rehearsal (README says why). */
export const DEFAULT_REHEARSAL_MINUTES = 60;
export const MAX_REHEARSAL_MINUTES = 24 * 60;

export const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export function duration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} days ${hours % 24} h`;
}

/**
 * The VMs that ran after `from` (the recovery point failed over to: no VM of the failed-over site can have run
 * before it, since a replica VM cannot start; inferred from Hyper-V refusing to start a replica VM). A VM not off
 * has run. An off VM ran if it changed state after `from`, for at most that long; when the host reports no time
 * for it, it is taken to have run (the safe side).
 */
export function runsAfter(vms: readonly VmRunFacts[], from: number | null, now: number): VmRun[] {
  return vms.flatMap((vm): VmRun[] => {
    const changed = vm.timeOfLastStateChange;
    if (vm.enabledState === EnabledState.Running) {
      const since = changed ?? (vm.onTimeMs === null ? null : now - vm.onTimeMs);
      const forMs = vm.onTimeMs ?? (since === null ? null : now - since);
      return [{ name: vm.name, runningSince: since, changedAt: null, forMs, exact: forMs !== null }];
    }
    if (vm.enabledState === EnabledState.Off && changed !== null && from !== null && changed <= from)
      return [];
    const atMost = changed !== null && from !== null ? Math.max(0, changed - from) : null;
    return [{ name: vm.name, runningSince: null, changedAt: changed, forMs: atMost, exact: false }];
  });
}

function describeRun(run: VmRun): string {
  if (run.runningSince !== null) {
    const length = run.forMs === null ? "for a time the host does not report" : `for ${duration(run.forMs)}`;
    return `'${run.name}' running since ${isoSeconds(run.runningSince)} (${length})`;
  }
  if (run.changedAt === null) return `'${run.name}' (the host reports no time for it, so it may have run)`;
  const length =
    run.forMs === null ? "for an unknown time" : `for ${run.exact ? "" : "at most "}${duration(run.forMs)}`;
  return `'${run.name}' ran until ${isoSeconds(run.changedAt)} (${length})`;
}

/** The event's time: the recovery point it turns on, else (a host that reports none) the earliest run seen. */
function eventTime(point: number | null, runs: readonly VmRun[]): string {
  const times = runs.map((r) => r.runningSince ?? r.changedAt).filter((t): t is number => t !== null);
  const first = point ?? (times.length > 0 ? Math.min(...times) : null);
  return first === null ? "no-time-reported" : isoSeconds(first);
}

export interface RevertFacts {
  readonly collectionId: string;
  readonly vms: readonly VmRunFacts[];
  /** LastApplyTime: the recovery point failed over to. */
  readonly failedOverTo: number | null;
  readonly now: number;
  readonly rehearsalMinutes: number;
}

/**
 * Reverting a failover (RevertFailover): a loss when a failed-over VM ran longer than the rehearsal window, or for
 * a time the host does not tell. Undefined when it is a rehearsal (every VM off since the failover, or each ran
 * less than the window by the host's own times).
 */
export function revertLoss(f: RevertFacts): DataLossEvent | undefined {
  const runs = runsAfter(f.vms, f.failedOverTo, f.now);
  const window = f.rehearsalMinutes * 60_000;
  if (runs.every((r) => r.forMs !== null && r.forMs <= window)) return undefined;
  return {
    token: `revert-failover:${f.collectionId.toLowerCase()}:${eventTime(f.failedOverTo, runs)}`,
    loses: `RevertFailover discards the failover disk, so what the failed-over VMs wrote since the failover to the recovery point of ${f.failedOverTo === null ? "(no time reported)" : isoSeconds(f.failedOverTo)} is lost: ${runs.map(describeRun).join(", ")}; longer than rehearsalMinutes (${f.rehearsalMinutes})`,
  };
}

/**
 * Reprotect of a site whose VMs ran after the other site failed over (split brain: both wrote). Stopping them,
 * PrepareForReverseReplication and ReverseReplicationRelationship make it a replica of the other, which discards
 * what it wrote. Always a loss, whatever how long: no rehearsal window applies to what production wrote.
 */
export function splitBrainLoss(
  site: string,
  collectionId: string,
  vms: readonly VmRunFacts[],
  partnerFailedOverTo: number | null,
  now: number,
): DataLossEvent | undefined {
  const runs = runsAfter(vms, partnerFailedOverTo, now);
  if (runs.length === 0) return undefined;
  const since = partnerFailedOverTo === null ? "the failover" : isoSeconds(partnerFailedOverTo);
  return {
    token: `split-brain:${collectionId.toLowerCase()}:${eventTime(partnerFailedOverTo, runs)}`,
    loses: `${site}'s VMs ran after the other site failed over (split brain: both sites wrote), and reprotecting ${site} discards what they wrote after ${since}: ${runs.map(describeRun).join(", ")}`,
  };
}

/**
 * Failing over unplanned to a recovery point (and committing it): what the primary wrote after the point is lost.
 * `point` is that point's CreationTime; the token names it, so a later point is another event.
 */
export function unplannedLoss(
  kind: "unplanned-failover" | "failover-and-commit",
  collectionId: string,
  point: number | null,
  now: number,
  context: string,
): DataLossEvent {
  const when = point === null ? "no-recovery-point" : isoSeconds(point);
  const tail =
    point === null
      ? "no recovery point is reported, so everything written since the last replication is lost"
      : `the recovery point is from ${isoSeconds(point)}, so up to ${duration(Math.max(0, now - point))} of changes made after it are lost`;
  return { token: `${kind}:${collectionId.toLowerCase()}:${when}`, loses: `${context}: ${tail}` };
}

/** The events of a plan that `acknowledged` does not name. */
export function unacknowledged(
  events: readonly DataLossEvent[],
  acknowledged: readonly string[],
): DataLossEvent[] {
  return events.filter((e) => !acknowledged.includes(e.token));
}

/** The refusal's words: what would be lost, and exactly what to set; the preview prints the same. */
export function lossRefusal(events: readonly DataLossEvent[]): { reason: string; advice: string } {
  const tokens = events.map((e) => `"${e.token}"`).join(", ");
  return {
    reason: events.map((e) => e.loses).join("; and "),
    advice: `Nothing was called. To accept ${events.length === 1 ? "this loss" : "these losses"}, and only ${events.length === 1 ? "it" : "them"}, set acknowledgeDataLoss: [${tokens}]; the value names this event only, so a later failover, a later recovery point or another split brain needs its own`,
  };
}

/** The line a run prints before an acknowledged loss, and preview prints for one. */
export const acknowledgedLine = (e: DataLossEvent) => `data loss acknowledged (${e.token}): ${e.loses}`;
