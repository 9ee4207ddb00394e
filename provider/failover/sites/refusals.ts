/** The words of the two-site planner's refusals. */
import { replicationModeName, replicationStateName } from "../../hyperv/codes";
import type { SiteCollection, SitesPlan } from "./types";

export function refusal(reason: string, advice: string): Extract<SitesPlan, { kind: "refuse" }> {
  return { kind: "refuse", reason, advice };
}

export function describeSite(site: string, c: SiteCollection): string {
  return `${site} is ${replicationModeName(c.replicationMode)}, ReplicationState ${replicationStateName(c.replicationState)} (${c.replicationState})`;
}

/** What an unplanned failover to `site` would lose, from its newest recovery point to now. */
export function dataLossWindow(site: string, c: SiteCollection, now: number): string {
  if (c.newestRecoveryPoint === undefined) {
    return `${site} shows no recovery point, so everything written since the last replication is lost`;
  }
  const minutes = Math.max(0, Math.round((now - c.newestRecoveryPoint) / 60_000));
  return `the newest recovery point on ${site} is from ${new Date(c.newestRecoveryPoint).toISOString()}, so up to ${minutes} minute(s) of changes made after it are lost`;
}
