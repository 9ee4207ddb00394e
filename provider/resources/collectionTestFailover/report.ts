/** The report of a drill: the replica and the test collection read after the run, whose VMs the RTO waits for. */
import type { CimSession } from "../../cim";
import type { Collection } from "../../hyperv";
import type { ReportRecorder } from "../../runtime/report";
import type { Props } from "../../runtime/resourceMethods";
import type { DrillSeen } from "./outputs";
import type { CollectionTestFailoverInputs } from "./types";

export const DRILL = "test failover";

/**
 * The drill's report: the replica and the test collection as they are now (the test VMs are the ones brought up,
 * when the drill starts them), or the report kept from before when this run changed nothing.
 */
export async function finishReport(
  report: ReportRecorder,
  session: CimSession,
  replica: Pick<Collection, "id" | "name">,
  seen: DrillSeen,
  inputs: Props | CollectionTestFailoverInputs,
  previous: unknown,
): Promise<unknown> {
  if (!report.acted) return previous ?? null;
  await report.readAfter(session, null, { id: replica.id }, false);
  await report.readAfter(session, null, { id: seen.testId }, inputs.startVirtualMachines === true);
  return report.finish({ action: DRILL, recoveryPoint: seen.recoveryPoint });
}
