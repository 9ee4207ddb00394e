/**
 * What a two-site run keeps of the calls it made, and how it follows jobs already running on either site (an
 * interrupted run's, or an operator's): they are waited for first, so no call is repeated whose job ran.
 */
import type { CimSession } from "../../cim";
import type { ErrorContext, JobSnapshot, MethodOptions, OperationRecord } from "../../hyperv";
import { HyperVError, jobRef, seeJobThrough } from "../../hyperv";
import type { ReconcileDeps } from "../request";
import type { SiteRead, SiteTarget } from "./observe";
import { hasSession } from "./observe";
import type { SiteStep } from "./types";

/** One call made on a site, as the outputs show it. */
export interface StepRecord extends OperationRecord {
  readonly site: string;
  /** The planner's step this call belongs to (StartVMs and StopVMs make one call per VM). */
  readonly action: SiteStep["action"] | "WaitForJob";
  /** The VM acted on, for StartVMs and StopVMs. */
  readonly vm: string | null;
  readonly evidence: "documented" | "per-VM docs" | "inferred" | null;
}

/** The calls of one run, in the order they were made. */
export class RunRecords {
  readonly steps: StepRecord[] = [];

  /** Runs one call and keeps its record, also when its job failed or timed out. */
  async recorded<T extends { record: OperationRecord }>(
    site: string,
    action: StepRecord["action"],
    vm: string | null,
    evidence: StepRecord["evidence"],
    call: () => Promise<T>,
  ): Promise<T> {
    try {
      const result = await call();
      this.keep(site, action, vm, evidence, result.record);
      return result;
    } catch (error) {
      if (error instanceof HyperVError && error.operation) {
        this.keep(site, action, vm, evidence, error.operation as OperationRecord);
      }
      throw error;
    }
  }

  /** Keeps the record of a call already made. */
  keep(
    site: string,
    action: StepRecord["action"],
    vm: string | null,
    evidence: StepRecord["evidence"],
    record: OperationRecord,
  ): void {
    this.steps.push({ ...record, site, action, vm, evidence });
  }
}

/** What following the running jobs needs from the driver. */
export interface JobFollowing {
  /** The pair's name, as errors name the collection. */
  readonly name: string;
  readonly sites: readonly SiteTarget[];
  readonly deps: Pick<ReconcileDeps, "clock">;
  readonly records: RunRecords;
  readonly log: (site: string, line: string) => void;
  readonly options: (site: string) => MethodOptions;
}

/** Waits for unfinished jobs on either site's collection; true when it waited (so both are read again). */
export async function followRunningJobs(
  reads: Record<string, SiteRead>,
  run: JobFollowing,
): Promise<boolean> {
  let waited = false;
  for (const site of run.sites) {
    const read = reads[site.name];
    if (!read?.reachable || !hasSession(site)) continue;
    for (const job of read.reading.runningJobs) {
      run.log(
        site.name,
        `job ${job.id} (JobType ${job.jobType}) is already running; waiting for it instead of calling again`,
      );
      await follow(site.session, site.name, job, run);
      waited = true;
    }
  }
  return waited;
}

async function follow(session: CimSession, site: string, job: JobSnapshot, run: JobFollowing): Promise<void> {
  const context: ErrorContext = {
    collection: run.name,
    method: `job ${job.id}`,
    host: session.target,
  };
  await run.records.recorded(site, "WaitForJob", null, null, () =>
    seeJobThrough(
      session,
      `JobType ${job.jobType}`,
      jobRef(job.id),
      run.deps.clock.now(),
      context,
      run.options(site),
    ),
  );
}
