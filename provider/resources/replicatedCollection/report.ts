/**
 * The report of a ReplicatedCollection move: both sites read before (when a move is expected) and after (as the
 * driver last read them), the driver's calls kept as it makes them. The site made active is the one whose VMs the
 * RTO waits for.
 */
import type { SitesFailure, SitesResult } from "../../failover/sites/drive";
import type { SiteTarget } from "../../failover/sites/observe";
import { hasSession } from "../../failover/sites/observe";
import type { Report, ReportRecorder } from "../../runtime/report";
import type { ReplicatedCollectionInputs } from "./types";

/** A failed run, with its report. */
export type MoveFailure = SitesFailure & { report?: Report | null };

export async function reportingMove(
  report: ReportRecorder,
  inputs: ReplicatedCollectionInputs,
  sites: readonly SiteTarget[],
  expectMove: boolean,
  move: () => Promise<SitesResult>,
): Promise<{ result: SitesResult; lastReport: Report | null }> {
  const open = sites.filter(hasSession);
  if (expectMove)
    for (const site of open) report.readBefore(site.session, site.name, { id: site.collectionId });
  // `reads`: both sites as the driver read them in its closing round, after its last call, kept for the report
  // instead of read again; a site they do not hold is read now. After a failure both are read now.
  const finish = async (
    steps: SitesResult["steps"],
    reads: SitesResult["reads"] | undefined,
    error: unknown,
  ) => {
    if (!report.acted) return null;
    for (const site of open) {
      const recovers = site.name === inputs.activeSite;
      const read = reads?.[site.name];
      if (read?.reachable) report.keepAfter(site.session, site.name, read.reading, recovers);
      else await report.readAfter(site.session, site.name, { id: site.collectionId }, recovers);
    }
    const point = steps.find((step) => step.recoveryPoint !== undefined)?.recoveryPoint ?? null;
    return report.finish({ action: `move to ${inputs.activeSite}`, recoveryPoint: point }, error);
  };
  try {
    const result = await report.run(move);
    return { result, lastReport: await finish(result.steps, result.reads, null) };
  } catch (error) {
    const failure = error as MoveFailure;
    // The report keeps the message the user sees, with what it says when no site runs the group any more.
    if (Array.isArray(failure.steps)) failure.report = await finish(failure.steps, undefined, failure);
    throw error;
  }
}
