/**
 * What each two-site path would throw away, in the shared words and tokens of failover/dataLoss.ts, and the guard
 * that turns an unacknowledged loss into a refusal before the path's first step. Pure, like the planner.
 */
import { FailedOverReplicationType } from "../../hyperv/codes";
import type { DataLossEvent, VmRunFacts } from "../dataLoss";
import {
  isoSeconds,
  lossRefusal,
  revertLoss,
  splitBrainLoss,
  unacknowledged,
  unplannedLoss,
} from "../dataLoss";
import { refusal } from "./refusals";
import type { PathName, SiteCollection, SitesDesire, SitesPlan, SiteStep } from "./types";

/** A token names the CollectionID; a planner test's observation without one is named by its site. */
const idOf = (site: string, c: SiteCollection) => c.collectionId ?? site;

const vmFacts = (c: SiteCollection): VmRunFacts[] =>
  c.members.map((m) => ({
    name: m.name,
    enabledState: m.enabledState,
    timeOfLastStateChange: m.timeOfLastStateChange ?? null,
    onTimeMs: m.onTimeMs ?? null,
    measuredRunMs: m.measuredRunMs ?? null,
  }));

/** RevertFailover of a failed-over replica (a stray failover, or a cancelled move): a loss once its VMs ran. */
export function revertOn(site: string, c: SiteCollection, want: SitesDesire, now: number) {
  return revertLoss({
    collectionId: idOf(site, c),
    vms: vmFacts(c),
    failedOverTo: c.lastApplyTime ?? null,
    now,
    rehearsalMinutes: want.rehearsalMinutes,
  });
}

/** Reprotect of `site` (a returned primary) against `partner`, which failed over: a loss when `site`'s VMs ran. */
export function splitBrainOn(site: string, c: SiteCollection, partner: SiteCollection, now: number) {
  return splitBrainLoss(site, idOf(site, c), vmFacts(c), partner.lastApplyTime ?? null, now);
}

/** An unplanned failover to `site` now, to the point `recoveryPoint` selects (the newest by default). */
export function failoverTo(site: string, c: SiteCollection, why: string, now: number): DataLossEvent {
  const point = c.chosenPoint === undefined ? (c.newestRecoveryPoint ?? null) : c.chosenPoint;
  return unplannedLoss(
    "unplanned-failover",
    idOf(site, c),
    point,
    now,
    `${why}; failing over to ${site} (unplanned)`,
  );
}

/**
 * Committing `site`'s unplanned failover during reprotect: it keeps the point failed over to and loses what the
 * other site wrote after it. The token is the failover's own (its point is LastApplyTime), so the acknowledgement
 * given for the failover covers it; writes made after the other site returned are a split brain, judged apart.
 */
export function commitFailedOver(site: string, c: SiteCollection, other: string, now: number): DataLossEvent {
  return unplannedLoss(
    "unplanned-failover",
    idOf(site, c),
    c.lastApplyTime ?? null,
    now,
    `${site} was failed over without a planned failover on ${other}, and reprotecting ${other} commits that failover`,
  );
}

/**
 * Committing a Regular (unplanned) failover after the partner was prepared for a planned one. Inferred from the
 * documented words: InitiatePlannedFailover "Initiates planned failover (synced replication)", per VM Prepare
 * "replicat[es] any pending changes"; a failover made before that (FailedOverReplicationType 1 Regular, documented
 * "0 None, 1 Regular, 2 Planned") runs on an older point, so committing it loses the final sync.
 */
export function olderPoint(site: string, c: SiteCollection, other: string): DataLossEvent | undefined {
  if (c.failedOverReplicationType !== FailedOverReplicationType.Regular) return undefined;
  const applied = c.lastApplyTime === undefined ? "no-time-reported" : isoSeconds(c.lastApplyTime);
  return {
    token: `commit-older-point:${idOf(site, c).toLowerCase()}:${applied}`,
    loses: `${site} was failed over unplanned (FailedOverReplicationType Regular) to its recovery point of ${applied}, and ${other} was prepared for a planned failover, which replicates its final changes; committing ${site}'s older point loses them. Without acknowledging it, set activeSite to ${other} to revert ${site}'s failover, then move again for a planned move without loss`,
  };
}

/** The steps when every loss they cause is acknowledged, else a refusal that names each and what to set. */
export function guarded(
  path: PathName,
  steps: readonly SiteStep[],
  events: readonly (DataLossEvent | undefined)[],
  want: SitesDesire,
): SitesPlan {
  const losses = events.filter((e): e is DataLossEvent => e !== undefined);
  const missing = unacknowledged(losses, want.acknowledged);
  if (missing.length > 0) {
    const { reason, advice } = lossRefusal(missing);
    return { ...refusal(reason, advice), dataLoss: true };
  }
  return { kind: "steps", path, steps, ...(losses.length > 0 ? { losses } : {}) };
}

/** An unplanned failover cannot start when `recoveryPoint` selects no point on the site: refused before any step. */
export function noPoint(site: string, c: SiteCollection): SitesPlan | undefined {
  if (c.chosenPoint !== null) return undefined;
  return refusal(
    `recoveryPoint selects no recovery point on ${site}, so there is nothing to fail over to`,
    "Nothing was called. Choose a point the site has (getRecoveryPoints lists them), or use 'latest'",
  );
}
