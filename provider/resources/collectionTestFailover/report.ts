/** The report of a drill: the replica and the test collection read after the run, whose VMs the RTO waits for. */
import type { CimSession } from "../../cim";
import type { Collection, MemberVm } from "../../hyperv";
import type { ReportRecorder } from "../../runtime/report";
import type { Props } from "../../runtime/resourceMethods";
import type { DrillSeen } from "./outputs";
import type { CollectionTestFailoverInputs } from "./types";

export const DRILL = "test failover";

/**
 * The drill's report: the replica and the test collection as they are now (the test VMs are the ones brought up,
 * when the drill starts them), or the report kept from before when this run changed nothing. The test collection is
 * the one the run read after its job, with `members`, its VMs as the run read them for the outputs after its last
 * call: starting VMs does not change the collection, so neither is read again.
 */
export async function finishReport(
  report: ReportRecorder,
  session: CimSession,
  replica: Pick<Collection, "id" | "name">,
  seen: DrillSeen,
  inputs: Props | CollectionTestFailoverInputs,
  previous: unknown,
  members: readonly MemberVm[],
): Promise<unknown> {
  if (!report.acted) return previous ?? null;
  const recovers = inputs.startVirtualMachines === true;
  await report.readAfter(session, null, { id: replica.id }, false);
  if (seen.test) report.keepAfter(session, null, { collection: seen.test, members }, recovers);
  else await report.readAfter(session, null, { id: seen.testId }, recovers);
  return report.finish({ action: DRILL, recoveryPoint: seen.recoveryPoint });
}
