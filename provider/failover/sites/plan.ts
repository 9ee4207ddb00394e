/**
 * The two-site planner: from what both sites show and where the VMs should run, the steps still to take, or a
 * refusal. Pure: it reads only its arguments and returns effects as data, so every pair of states is tested
 * without a host. The driver takes the first step, observes both sites again and asks again, which makes every
 * sequence resumable from whatever the hosts show.
 */
import { ReplicationMode, ReplicationState as S } from "../../hyperv/codes";
import { NORMAL_STATES } from "../states";
import { EVIDENCE as E, step } from "./evidence";
import { commitFailedOver, failoverTo, guarded, noPoint, olderPoint, revertOn, splitBrainOn } from "./losses";
import { describeSite, refusal } from "./refusals";
import type { PairObservation, SiteCollection, SitesDesire, SitesPlan, SiteStep } from "./types";

const OFF = 3;
/** Shutting down (4) and starting (10) pass on their own: wait for them. */
const TRANSITIONAL_VM_STATES = [4, 10];

const isPrimary = (c: SiteCollection) => c.replicationMode === ReplicationMode.Primary;
const isReplica = (c: SiteCollection) => c.replicationMode === ReplicationMode.Replica;
const isNormal = (c: SiteCollection) => NORMAL_STATES.includes(c.replicationState);
/** Prepared by InitiatePlannedFailover: slot 11 (an inferred reading of the garbled docs) or 4, whose name "Failover initiated" matches the docs' FailoverInitiated (a match of names, inferred). */
const isPlannedPrepared = (c: SiteCollection) =>
  isPrimary(c) &&
  (c.replicationState === S.PlannedFailoverInitiated || c.replicationState === S.FailoverInitiated);
/** Made ready by PrepareForReverseReplication: a replica in ReadyForReplication (1), inferred. */
const isPreparedForReverse = (c: SiteCollection) =>
  isReplica(c) && c.replicationState === S.ReadyForReplication;
/**
 * Sending its first copy, as a new primary does after a reverse (fact sheet: "state 1 or 2, then 3"), and its
 * replica waiting for it: settled, not a failure, whatever the data-loss setting (inferred).
 */
const isFirstCopy = (c: SiteCollection) =>
  c.replicationState === S.ReadyForReplication ||
  c.replicationState === S.WaitingToCompleteInitialReplication;
const isReplicatingOrFirstCopy = (c: SiteCollection) => isNormal(c) || isFirstCopy(c);
const anyRunning = (c: SiteCollection) => c.members.some((m) => m.enabledState !== OFF);
const allRunning = (c: SiteCollection) => c.members.every((m) => m.enabledState === 2);

const stopVMs = (site: string, c: SiteCollection, evidence: SiteStep["evidence"]): SiteStep[] =>
  anyRunning(c) ? [step(site, "StopVMs", evidence)] : [];

export function planSites(o: PairObservation, want: SitesDesire, now: number): SitesPlan {
  const { activeSite: A, otherSite: B } = want;
  const active = o[A];
  const other = o[B];
  if (!active || !other) throw new Error(`planSites needs observations of ${A} and ${B}`);
  if (!active.reachable) {
    return refusal(
      `activeSite ${A} is unreachable (${active.error}), so the VMs cannot be brought up there`,
      `Run again once ${A} answers, or set activeSite to ${B}`,
    );
  }
  const a = active.collection;
  const b = other.reachable ? other.collection : undefined;
  const inFlight = [a, b].find(
    (c) =>
      c &&
      ((c.replicationState === S.FailoverInitiated && isReplica(c)) ||
        c.members.some((m) => TRANSITIONAL_VM_STATES.includes(m.enabledState))),
  );
  if (inFlight) return { kind: "wait", reason: "a failover or a VM start or stop is under way" };
  if (isPrimary(a)) return toPrimary(want, a, b, now);
  if (isReplica(a)) return toReplica(o, want, a, b, now);
  return refusal(`${describeSite(A, a)}: it is neither primary nor replica`, UNKNOWN_ADVICE);
}

export const UNKNOWN_ADVICE =
  "Bring the collections back to a primary and a replica through WMI, with the Msvm_CollectionReplicationService method their states call for (RevertPlannedFailover, RevertFailover, CommitFailover or ReverseReplicationRelationship in root/HyperVCluster/v2; collection replication has no cmdlet and no UI), refresh the stack, then run again";

/** The active site is (still) the primary. */
function toPrimary(
  want: SitesDesire,
  a: SiteCollection,
  b: SiteCollection | undefined,
  now: number,
): SitesPlan {
  const { activeSite: A, otherSite: B } = want;
  // Right after a move (the other site a replicating replica) the VMs are started as the per-VM flow does.
  const why = b && isReplica(b) && isReplicatingOrFirstCopy(b) ? E.startAfterReverse : E.startActive;
  const start = allRunning(a) ? [] : [step(A, "StartVMs", why)];
  if (isPlannedPrepared(a)) return cancelMove(want, a, b, now);
  // The mirror of the torn read in toReplica: B read before A's ReverseReplicationRelationship (still the primary
  // prepared for the move), A after it (the new primary). Read again, never act on it (inferred, as there).
  if (b && isPlannedPrepared(b) && isReplicatingOrFirstCopy(a))
    return {
      kind: "wait",
      reason: `${B} shows the planned move to ${A} that ${A}'s reverse has ended; reading both sites again`,
    };
  // A first copy is settled only beside a replica taking it (or none seen), never a reason to reprotect.
  const settledFirstCopy = isFirstCopy(a) && (!b || (isReplica(b) && isReplicatingOrFirstCopy(b)));
  if (!isNormal(a) && !settledFirstCopy) return refusal(`${describeSite(A, a)}`, UNKNOWN_ADVICE);
  if (!b) return start.length ? { kind: "steps", path: "startVMs", steps: start } : { kind: "none" };
  if (isReplica(b) && isReplicatingOrFirstCopy(b))
    return start.length ? { kind: "steps", path: "startVMs", steps: start } : { kind: "none" };
  if (isReplica(b) && b.replicationState === S.Committed) {
    // The VMs ran on B after a disaster; B's data is the newest. Reprotect first, then move back to A. What A's
    // VMs wrote after B failed over (both wrote: split brain) is discarded, so it needs its acknowledgement.
    const reversed = { ...b, replicationMode: ReplicationMode.Primary, replicationState: S.Replicating };
    return guarded(
      "reprotect",
      [...reprotect(B, A, a), ...plannedMove(B, A, reversed)],
      [splitBrainOn(A, a, b, now)],
      want,
    );
  }
  if (isReplica(b) && b.replicationState === S.Recovered) {
    const revert = [
      ...stopVMs(B, b, E.stopOldPrimary),
      step(B, "RevertFailover", E.revertFailover),
      ...start,
    ];
    return guarded("revertStrayFailover", revert, [revertOn(B, b, want, now)], want);
  }
  return refusal(`${describeSite(A, a)}, and ${describeSite(B, b)}`, UNKNOWN_ADVICE);
}

/** A planned move away from the active site was started and the user wants the VMs back there. */
function cancelMove(
  want: SitesDesire,
  a: SiteCollection,
  b: SiteCollection | undefined,
  now: number,
): SitesPlan {
  const { activeSite: A, otherSite: B } = want;
  const restart = [
    step(A, "RevertPlannedFailover", E.revertPlanned),
    step(A, "StartVMs", E.restartAfterCancel),
  ];
  if (!b) {
    return refusal(
      `${describeSite(A, a)}: a planned move to ${B} was started, and ${B} cannot be read to see how far it went`,
      `Run again once ${B} answers: the move can then be cancelled (RevertPlannedFailover) if ${B} has not committed`,
    );
  }
  if (isReplica(b) && isNormal(b)) return steps("cancelMove", restart);
  if (isReplica(b) && b.replicationState === S.Recovered) {
    const revert = [...stopVMs(B, b, E.stopOldPrimary), step(B, "RevertFailover", E.revertFailover)];
    return guarded("cancelMove", [...revert, ...restart], [revertOn(B, b, want, now)], want);
  }
  if (isReplica(b) && b.replicationState === S.Committed) {
    return refusal(
      `the planned move to ${B} has passed CommitFailover on ${B}, which cannot be undone, so it cannot be cancelled`,
      `Set activeSite back to ${B} to finish the move (ReverseReplicationRelationship on ${B}), then set it to ${A} for a planned move back`,
    );
  }
  return refusal(`${describeSite(A, a)}, and ${describeSite(B, b)}`, UNKNOWN_ADVICE);
}

/** The active site is (still) the replica: a move to it, or the rest of one. */
function toReplica(
  o: PairObservation,
  want: SitesDesire,
  a: SiteCollection,
  b: SiteCollection | undefined,
  now: number,
): SitesPlan {
  const { activeSite: A, otherSite: B } = want;
  const finish = [
    step(A, "ReverseReplicationRelationship", E.reverse),
    ...(allRunning(a) ? [] : [step(A, "StartVMs", E.startAfterReverse)]),
  ];
  if (!b) return whileOtherDown(o, want, a, now);
  if (a.replicationState === S.Committed) {
    if (isPlannedPrepared(b)) return steps("plannedMove", finish);
    if (isPreparedForReverse(b)) return steps("reprotect", finish);
    // Each site is read on its own, so a read can straddle A's ReverseReplicationRelationship: A still committed,
    // B already the replica waiting for A's first copy. Read again, never act on the torn picture (inferred: the two
    // sides change in one job). A pair that stays so is left alone once the rounds run out.
    if (isReplica(b) && b.replicationState === S.WaitingToCompleteInitialReplication)
      return { kind: "wait", reason: `${B} shows ${A}'s reverse under way; reading both sites again` };
    if (isPrimary(b)) {
      const start = allRunning(a) ? [] : [step(A, "StartVMs", E.startAfterReverse)];
      return guarded("reprotect", [...reprotect(A, B, b), ...start], [splitBrainOn(B, b, a, now)], want);
    }
    return refusal(`${describeSite(A, a)}, and ${describeSite(B, b)}`, UNKNOWN_ADVICE);
  }
  if (isPreparedForReverse(a) && isReplica(b) && b.replicationState === S.Committed) {
    // Reprotect of this site half done (prepared); the other site finishes it, then the move back follows.
    const reversed = { ...b, replicationMode: ReplicationMode.Primary, replicationState: S.Replicating };
    return steps("reprotect", [
      step(B, "ReverseReplicationRelationship", E.reverse),
      ...plannedMove(B, A, reversed),
    ]);
  }
  if (!isPrimary(b))
    return refusal(
      `${describeSite(A, a)}, and ${describeSite(B, b)}: neither is the primary`,
      UNKNOWN_ADVICE,
    );
  if (isFirstCopy(b) && isReplicatingOrFirstCopy(a))
    return { kind: "wait", reason: `${B} is sending its first copy after a reverse; a planned move follows` };
  return againstPrimary(want, a, b, finish, now);
}

/** The active site is a replica and the other the primary: a planned move, or an unplanned failover and reprotect. */
function againstPrimary(
  want: SitesDesire,
  a: SiteCollection,
  b: SiteCollection,
  finish: readonly SiteStep[],
  now: number,
): SitesPlan {
  const { activeSite: A, otherSite: B } = want;
  const reprotectB = [step(B, "PrepareForReverseReplication", E.prepareReverse), ...finish];
  if (a.replicationState === S.Recovered) {
    const commit = step(A, "CommitFailover", E.commitBeforeReverse);
    if (isPlannedPrepared(b)) return guarded("plannedMove", [commit, ...finish], [olderPoint(A, a, B)], want);
    // Reprotection needs the commit: ReverseReplicationRelationship "requires ... failover committed state".
    const losses = [commitFailedOver(A, a, B, now), splitBrainOn(B, b, a, now)];
    return guarded(
      "unplannedFailover",
      [...stopVMs(B, b, E.stopOldPrimary), commit, ...reprotectB],
      losses,
      want,
    );
  }
  if (!isNormal(a)) return refusal(describeSite(A, a), UNKNOWN_ADVICE);
  if (isPlannedPrepared(b)) return steps("plannedMove", plannedMove(B, A, b).slice(-4));
  if (b.replicationState === S.Replicating) return steps("plannedMove", plannedMove(B, A, b));
  // The primary answers but does not replicate cleanly (Suspended, Critical, resynchronizing): no planned failover.
  const missing = noPoint(A, a);
  if (missing) return missing;
  const why = `${describeSite(B, b)}, so a planned failover is not possible`;
  const failover = [
    step(A, "InitiateFailover", E.unplannedFailover),
    step(A, "CommitFailover", E.commitBeforeReverse),
  ];
  return guarded(
    "unplannedFailover",
    [...stopVMs(B, b, E.stopOldPrimary), ...failover, ...reprotectB],
    // What B's running VMs wrote after A's point is that failover's loss, not a split brain: A has not run.
    [failoverTo(A, a, why, now)],
    want,
  );
}

/**
 * The other site is down: only an unplanned failover can bring the VMs up here. The VMs are started on the failed-
 * over replica and it is committed only when the program says so (`commitFailover`) or reprotect needs it: per VM,
 * a commit is what users "typically perform ... when the replication point used for failover is satisfactory",
 * and after it "the failover operation cannot be canceled", so no other recovery point can be chosen.
 */
function whileOtherDown(o: PairObservation, want: SitesDesire, a: SiteCollection, now: number): SitesPlan {
  const { activeSite: A, otherSite: B } = want;
  const start = allRunning(a) ? [] : [step(A, "StartVMs", E.startAfterFailover)];
  if (a.replicationState === S.Committed) return start.length ? steps("startVMs", start) : { kind: "none" };
  if (!isNormal(a) && a.replicationState !== S.Recovered) return refusal(describeSite(A, a), UNKNOWN_ADVICE);
  const commit = want.commitFailover ? [step(A, "CommitFailover", E.commitWhenTold)] : [];
  if (a.replicationState === S.Recovered) {
    // Already failed over (its loss was acknowledged then): start the VMs, then commit only when told.
    const rest = [...start, ...commit];
    return rest.length > 0 ? steps("unplannedFailover", rest) : { kind: "none" };
  }
  const missing = noPoint(A, a);
  if (missing) return missing;
  const failover = [
    step(A, "InitiateFailover", E.unplannedFailover),
    step(A, "StartVMs", E.startAfterFailover),
    ...commit,
  ];
  const why = `${B} is unreachable (${unreachable(o, B)})`;
  return guarded("unplannedFailover", failover, [failoverTo(A, a, why, now)], want);
}

/** The planned move from `from` (a replicating primary) to `to`: no data is lost. */
function plannedMove(from: string, to: string, primary: SiteCollection): SiteStep[] {
  return [
    ...stopVMs(from, primary, E.stopBeforePrepare),
    step(from, "InitiatePlannedFailover", E.initiatePlanned),
    step(to, "InitiateFailover", E.failoverLatest),
    step(to, "CommitFailover", E.commitBeforeReverse),
    step(to, "ReverseReplicationRelationship", E.reverse),
    step(to, "StartVMs", E.startAfterReverse),
  ];
}

/** Makes `returned` (an old primary) the replica of `committed`, which keeps its data. */
function reprotect(committed: string, returned: string, old: SiteCollection): SiteStep[] {
  return [
    ...stopVMs(returned, old, E.stopOldPrimary),
    step(returned, "PrepareForReverseReplication", E.prepareReverse),
    step(committed, "ReverseReplicationRelationship", E.reverse),
  ];
}

const steps = (
  path: Extract<SitesPlan, { kind: "steps" }>["path"],
  list: readonly SiteStep[],
): SitesPlan => ({ kind: "steps", path, steps: list });

const unreachable = (o: PairObservation, site: string) => {
  const seen = o[site];
  return seen && !seen.reachable ? seen.error : "no answer";
};
