/** The words of the two-site planner's refusals. */
import { replicationModeName, replicationStateName } from "../../hyperv/codes";
import type { SiteCollection, SitesPlan } from "./types";

export function refusal(reason: string, advice: string): Extract<SitesPlan, { kind: "refuse" }> {
  return { kind: "refuse", reason, advice };
}

export function describeSite(site: string, c: SiteCollection): string {
  return `${site} is ${replicationModeName(c.replicationMode)}, ReplicationState ${replicationStateName(c.replicationState)} (${c.replicationState})`;
}
