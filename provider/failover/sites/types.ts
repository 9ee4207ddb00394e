/** What the two-site planner reads and returns: observations of both sites in, steps as data out. */
import type { DataLossEvent } from "../dataLoss";

/** A member VM as observed. EnabledState: 2 running, 3 off, 4 shutting down, 10 starting. */
export interface MemberObservation {
  readonly id: string;
  readonly name: string;
  readonly enabledState: number;
  /** TimeOfLastStateChange (ms); absent or null = not reported (taken as "may have run"). */
  readonly timeOfLastStateChange?: number | null;
  /** OnTimeInMilliseconds; absent or null = not reported. */
  readonly onTimeMs?: number | null;
  /** How long it had run when this run turned it off (the driver measured it just before). */
  readonly measuredRunMs?: number | null;
}

/** One site's collection as observed. */
export interface SiteCollection {
  readonly replicationState: number;
  readonly replicationMode: number;
  readonly failedOverReplicationType: number;
  readonly members: readonly MemberObservation[];
  /** When the newest recovery point on this site was taken (ms), if it has any: the data-loss window's start. */
  readonly newestRecoveryPoint?: number;
  /** The CollectionID: a data-loss token names it (failover/dataLoss.ts). */
  readonly collectionId?: string;
  /** LastApplyTime (ms): the recovery point a failed-over replica runs on. */
  readonly lastApplyTime?: number;
  /**
   * When the recovery point `recoveryPoint` selects was taken (ms), or null when it selects none; absent = the
   * newest. What an unplanned failover here would lose starts there.
   */
  readonly chosenPoint?: number | null;
}

export type SiteObservation =
  | { readonly reachable: true; readonly collection: SiteCollection }
  /** `error` says why the site could not be read (the host did not answer). */
  | { readonly reachable: false; readonly error: string };

export interface PairObservation {
  readonly [site: string]: SiteObservation;
}

export interface SitesDesire {
  /** Where the VMs should run. */
  readonly activeSite: string;
  /** The other site. */
  readonly otherSite: string;
  /** The data-loss tokens the program acknowledged (`acknowledgeDataLoss`); each authorizes one event. */
  readonly acknowledged: readonly string[];
  /** A stray failover reverted after its VMs ran at most this many minutes is a rehearsal. */
  readonly rehearsalMinutes: number;
  /** Commit an unplanned failover once its VMs run; otherwise it stays revertible until reprotect needs the commit. */
  readonly commitFailover: boolean;
}

/** What one step does; each maps to one kind of Hyper-V call on one site. */
export type StepAction =
  | "StopVMs"
  | "InitiatePlannedFailover"
  | "RevertPlannedFailover"
  | "InitiateFailover"
  | "RevertFailover"
  | "CommitFailover"
  | "PrepareForReverseReplication"
  | "ReverseReplicationRelationship"
  | "StartVMs";

/**
 * Where a step's place in a sequence comes from: a ClusHyperV page about collections (`documented`), the per-VM
 * Hyper-V documentation carried over to collections (`perVm`: documented for one VM, inferred for a group), or
 * an inference with its reason.
 */
export type Evidence =
  { readonly documented: string } | { readonly perVm: string } | { readonly inferred: string };

/** One step: an action on a site, and where its place in the sequence comes from. */
export interface SiteStep {
  readonly site: string;
  readonly action: StepAction;
  /** Quoted Hyper-V documentation for this step's place in the sequence, or the reason it is inferred. */
  readonly evidence: Evidence;
}

/** The named sequences the planner chooses from. */
export type PathName =
  "plannedMove" | "cancelMove" | "unplannedFailover" | "reprotect" | "revertStrayFailover" | "startVMs";

export type SitesPlan =
  | { readonly kind: "none" }
  /** Something is in flight (a transitional state): observe again after a pause. */
  | { readonly kind: "wait"; readonly reason: string }
  /**
   * The steps still to take, in order. The driver takes the first, then observes both sites and plans again.
   * `losses`: the acknowledged data losses these steps cause (absent when none), printed before the first call.
   */
  | {
      readonly kind: "steps";
      readonly path: PathName;
      readonly steps: readonly SiteStep[];
      readonly losses?: readonly DataLossEvent[];
    }
  /** `dataLoss`: refused for want of an acknowledgement (failover/dataLoss.ts), not for the state. */
  | { readonly kind: "refuse"; readonly reason: string; readonly advice: string; readonly dataLoss?: true };
