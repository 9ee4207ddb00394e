/**
 * After a two-site run that made calls and then failed, whether any site runs every VM of the group, from the sites
 * as read again. When none does (a cancel or a timeout while a job of the move runs, a start that failed, a stop
 * interrupted), the error says so, with each site's VMs, and what carries on: left alone, the group stays down
 * until someone acts.
 */
import { enabledStateName } from "../../hyperv";
import type { SiteRead } from "./observe";
import { runsEveryMember } from "./observe";

/** The sentence to add to the failure's message, or undefined when a site runs the whole group or nothing was called. */
export function groupDownNote(
  reads: Readonly<Record<string, SiteRead>> | undefined,
  activeSite: string,
  calls: number,
): string | undefined {
  if (reads === undefined || calls === 0) return undefined;
  const sites = Object.entries(reads);
  if (sites.some(([, read]) => runsEveryMember(read))) return undefined;
  const each = sites.map(([name, read]) => `${name}: ${described(read)}`).join("; ");
  return `No site runs every VM of the group now (${each}): once the cause is dealt with, run again to carry on towards activeSite '${activeSite}'; the run waits first for any job still running, then takes the steps left`;
}

function described(read: SiteRead): string {
  if (!read.reachable) return "not read";
  const { members } = read.reading;
  if (members.length === 0) return "no member VMs";
  return members.map((m) => `${m.name} ${enabledStateName(m.enabledState)}`).join(", ");
}
