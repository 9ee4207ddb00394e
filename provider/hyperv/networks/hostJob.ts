/**
 * Waiting for a job that a root\virtualization\v2 method started (ModifyResourceSettings and
 * SetFailoverNetworkAdapterSettings answer 4096 with a Job REF when they work asynchronously, as their pages say).
 * These calls are short, so a plain loop reads the job each second until it ends or the deadline passes; the
 * session's job watcher (jobs.ts) follows the cluster namespace's replication jobs instead.
 *
 * Documented (fact sheet §5): JobState 7 Completed is success; 8 Terminated, 9 Killed and 10 Exception end it badly.
 * Inferred: the job lives in the namespace of the method that started it.
 */
import type { CimSession, CimValue } from "../../cim";
import { HYPERV_VIRTUALIZATION_NAMESPACE, isCimRef } from "../../cim";
import { isTerminalJobState, jobStateName } from "../codes";
import type { ErrorContext } from "../errors";
import { HyperVError } from "../errors";
import type { NetworkWriteOptions } from "./write";

const COMPLETED = 7;
const PAUSE_MS = 1000;

export async function waitForHostJob(
  session: CimSession,
  job: CimValue | undefined,
  options: NetworkWriteOptions,
  context: ErrorContext,
): Promise<void> {
  if (!isCimRef(job)) return;
  const deadline = options.clock.now() + options.timeoutSeconds * 1000;
  for (;;) {
    const read = await session.get(job, { namespace: HYPERV_VIRTUALIZATION_NAMESPACE });
    // A job already removed finished; the caller reads the adapter back to see what it left.
    if (read === undefined) return;
    const state = Number(read.properties.JobState);
    if (state === COMPLETED) return;
    if (isTerminalJobState(state))
      throw new HyperVError(
        `Hyper-V job failed: ${context.method ?? "the call"} ended ${jobStateName(state)} (ErrorCode ${String(read.properties.ErrorCode)}: ${String(read.properties.ErrorDescription ?? "")}) [host ${context.host ?? "unknown"}]. Read the Hyper-V-VMMS Admin event log on the host, then run again`,
        context,
      );
    if (options.clock.now() >= deadline)
      throw new HyperVError(
        `Timed out: ${context.method ?? "the call"}'s job still ran after ${options.timeoutSeconds} s [host ${context.host ?? "unknown"}]. Raise jobTimeoutSeconds or check the host, then run again`,
        context,
      );
    await options.clock.sleep(PAUSE_MS);
  }
}
