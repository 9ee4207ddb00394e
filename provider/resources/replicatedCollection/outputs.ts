/** ReplicatedCollection's outputs from what both sites showed, and the planner's view rebuilt from stored outputs. */
import { planSites } from "../../failover/sites/plan";
import type { SiteRead } from "../../failover/sites/observe";
import { toObservation } from "../../failover/sites/observe";
import type { PairObservation, SiteObservation, SitesPlan } from "../../failover/sites/types";
import type { SiteMember } from "../../hyperv";
import { enabledStateName, ReplicationMode, replicationStateName } from "../../hyperv";
import { publicConnection } from "../../runtime/connection";
import type {
  ChangeOutput,
  ReplicatedCollectionInputs,
  ReplicatedCollectionOutputs,
  SiteOutput,
  SiteRole,
} from "./types";
import { applied, DEFAULTS } from "./types";

const ROLES: Readonly<Record<number, SiteRole>> = {
  [ReplicationMode.None]: "notReplicating",
  [ReplicationMode.Primary]: "primary",
  [ReplicationMode.Replica]: "replica",
  [ReplicationMode.TestReplica]: "testReplica",
};
const MODE_OF_ROLE = new Map(Object.entries(ROLES).map(([mode, role]) => [role, Number(mode)]));
const HEALTH_NAMES: Readonly<Record<number, string>> = {
  0: "NotApplicable",
  1: "Ok",
  2: "Warning",
  3: "Critical",
};
const RUNNING = 2;

/** Inferred: the group's health is its worst member's Msvm_ComputerSystem.ReplicationHealth (the collection has none). */
function health(members: readonly SiteMember[]): string | null {
  if (members.length === 0) return null;
  const worst = Math.max(...members.map((m) => m.replicationHealth));
  return HEALTH_NAMES[worst] ?? `Unknown(${worst})`;
}

function siteOutput(
  inputs: ReplicatedCollectionInputs,
  name: string,
  read: SiteRead | undefined,
  recordedHost: string | null,
): SiteOutput {
  const site = inputs.sites[name];
  const base = { collectionId: site?.collectionId ?? "", connection: publicConnection(site?.connection) };
  const host = (read?.reachable ? read.reading.hostSystemName : undefined) ?? recordedHost;
  if (!read?.reachable) {
    return {
      ...base,
      collectionName: null,
      reachable: false,
      unreachableReason: read?.error ?? "not read",
      role: "unreachable",
      replicationState: null,
      replicationStateName: null,
      failedOverReplicationType: null,
      health: null,
      members: [],
      newestRecoveryPoint: null,
      hostSystemName: host,
    };
  }
  const { collection, members, newestRecoveryPoint } = read.reading;
  return {
    ...base,
    collectionName: collection.name,
    reachable: true,
    unreachableReason: null,
    role: ROLES[collection.replicationMode] ?? "unknown",
    replicationState: collection.replicationState,
    replicationStateName: replicationStateName(collection.replicationState),
    failedOverReplicationType: collection.failedOverReplicationType,
    health: health(members),
    members: members.map((m) => ({
      name: m.name,
      id: m.id,
      enabledState: m.enabledState,
      enabledStateName: enabledStateName(m.enabledState),
    })),
    newestRecoveryPoint:
      newestRecoveryPoint === undefined ? null : new Date(newestRecoveryPoint).toISOString(),
    hostSystemName: host,
  };
}

/** Where the VMs run: a primary, or a failed-over replica, whose members all run. */
function runningSite(sites: Record<string, SiteOutput>): string | null {
  const running = Object.entries(sites).filter(
    ([, s]) =>
      s.members.length > 0 &&
      s.members.every((m) => m.enabledState === RUNNING) &&
      (s.role === "primary" ||
        (s.role === "replica" && (s.replicationState === 5 || s.replicationState === 6))),
  );
  return running.length === 1 ? (running[0]?.[0] ?? null) : null;
}

/** The planner's view of a stored site output (as recorded at the last read). */
function observationOf(site: SiteOutput): SiteObservation {
  if (!site.reachable || site.replicationState === null)
    return { reachable: false, error: site.unreachableReason ?? "unreachable" };
  const newest = site.newestRecoveryPoint === null ? undefined : Date.parse(site.newestRecoveryPoint);
  return {
    reachable: true,
    collection: {
      replicationState: site.replicationState,
      replicationMode: MODE_OF_ROLE.get(site.role) ?? -1,
      failedOverReplicationType: site.failedOverReplicationType ?? 0,
      members: site.members.map(({ id, name, enabledState }) => ({ id, name, enabledState })),
      ...(newest !== undefined ? { newestRecoveryPoint: newest } : {}),
    },
  };
}

export function planFromOutputs(
  sites: Record<string, SiteOutput>,
  inputs: ReplicatedCollectionInputs,
  now: number,
): SitesPlan {
  const observation: PairObservation = Object.fromEntries(
    Object.entries(sites).map(([n, s]) => [n, observationOf(s)]),
  );
  return planFor(observation, inputs, now);
}

/**
 * The plan from what was just read: with the member VMs' run times and the points, which the outputs do not keep,
 * so that pendingSteps names a loss with the very value the run would ask for.
 */
function planFromReads(
  reads: Readonly<Record<string, SiteRead>>,
  inputs: ReplicatedCollectionInputs,
  now: number,
) {
  const observation: PairObservation = Object.fromEntries(
    Object.keys(inputs.sites).map((n) => {
      const read = reads[n];
      return [n, read ? toObservation(read) : { reachable: false as const, error: "not read" }];
    }),
  );
  return planFor(observation, inputs, now);
}

function planFor(observation: PairObservation, inputs: ReplicatedCollectionInputs, now: number): SitesPlan {
  const other = Object.keys(inputs.sites).find((n) => n !== inputs.activeSite) ?? "";
  return planSites(
    observation,
    {
      activeSite: inputs.activeSite,
      otherSite: other,
      acknowledged: inputs.acknowledgeDataLoss ?? [],
      rehearsalMinutes: inputs.rehearsalMinutes ?? DEFAULTS.rehearsalMinutes,
      commitFailover: inputs.commitFailover ?? DEFAULTS.commitFailover,
    },
    now,
  );
}

export function describePlan(plan: SitesPlan): string[] {
  switch (plan.kind) {
    case "none":
      return [];
    case "wait":
      return [`wait: ${plan.reason}`];
    case "refuse":
      return [`refused: ${plan.reason}. ${plan.advice}`];
    case "steps":
      return plan.steps.map((s) => `${s.site}: ${s.action}`);
  }
}

/**
 * The outputs after a read of both sites. `recorded` holds each site's hostSystemName from the stack: a site that
 * did not answer keeps the cluster it was recorded on.
 */
export function outputsFor(
  inputs: ReplicatedCollectionInputs,
  reads: Readonly<Record<string, SiteRead>>,
  lastChange: ChangeOutput | null,
  now: number,
  recorded: Readonly<Record<string, SiteOutput | undefined>> = {},
): ReplicatedCollectionOutputs {
  const sites = Object.fromEntries(
    Object.keys(inputs.sites).map((name) => [
      name,
      siteOutput(inputs, name, reads[name], recorded[name]?.hostSystemName ?? null),
    ]),
  );
  return {
    sites,
    activeSite: inputs.activeSite,
    ...applied(inputs),
    runningSite: runningSite(sites),
    pendingSteps: describePlan(planFromReads(reads, inputs, now)),
    observedAt: new Date(now).toISOString(),
    lastChange,
  };
}
