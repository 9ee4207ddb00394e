/** The `requireHealthy` guard: no failover or test failover while the collection's replication health is Critical. */
import type { CimSession } from "../cim";
import type { Collection, ErrorContext, HealthReport, MethodOptions } from "../hyperv";
import { InvalidStateError, ReplicationHealth } from "../hyperv";
import { readReplicationHealth } from "../hyperv";

/**
 * Reads the health and refuses, before any failover call, when it is Critical (3, read with the per-VM numbering:
 * inferred) or cannot be read at all: a guard that cannot see must not wave the failover through.
 */
export async function refuseUnlessHealthy(
  session: CimSession,
  collection: Collection,
  method: string,
  options: Pick<MethodOptions, "clock" | "readRetries" | "progress" | "progressCadence">,
  context: ErrorContext,
): Promise<HealthReport> {
  let report: HealthReport;
  try {
    report = await readReplicationHealth(session, collection, options);
  } catch (error) {
    throw new InvalidStateError(
      `requireHealthy is set, and the replication health could not be read (${error instanceof Error ? error.message : String(error)}), so ${method} was not called`,
      "Check the collection's replication (Measure-VMReplication on the replica), or set requireHealthy: false to fail over regardless",
      context,
    );
  }
  if (report.health === ReplicationHealth.Critical) {
    const issues = report.issues.length > 0 ? report.issues.map((i) => `'${i}'`).join("; ") : "none listed";
    throw new InvalidStateError(
      `requireHealthy is set and the replication health is Critical (3), so ${method} was not called; health issues: ${issues}`,
      "Fix the replication issues listed, or set requireHealthy: false to fail over anyway (a disaster may leave no choice)",
      context,
    );
  }
  return report;
}
