/**
 * The two-site driver's handling of calls the host refused without acting: 32775 (Invalid state), 32774 (System is in
 * use), and 32773 (Invalid parameter) once the sites have moved on.
 */
import { HyperVReturnCodeError, ReturnCode } from "../../hyperv";
import type { BusyPatience } from "../busy";
import { busyPatience } from "../busy";
import type { ReconcileDeps } from "../request";
import type { SiteRead } from "./observe";
import type { SiteStep, SitesPlan } from "./types";

const stepKey = (step: SiteStep) => `${step.site}|${step.action}`;
const stepsOf = (plan: SitesPlan) => (plan.kind === "steps" ? plan.steps : []);

/** What the refusal handling needs from the driver: how to read both sites again and plan from what they show. */
export interface RefusalRun {
  readonly deps: Pick<ReconcileDeps, "clock" | "busyRetries">;
  readonly timeoutSeconds: number;
  readonly log: (site: string, line: string) => void;
  readonly readBoth: () => Promise<Record<string, SiteRead>>;
  readonly plan: (reads: Record<string, SiteRead>) => SitesPlan;
}

export class RefusedSteps {
  /**
   * Steps the host answered 32775: not sent again until this run has moved a site on (a call of its own went
   * through, or a job was waited for), since until then a plan for the same step comes from the same state.
   */
  private readonly refused = new Map<string, HyperVReturnCodeError>();
  /** The patience for 32774 while neither site shows a job, from the first such answer in this run. */
  private busy: BusyPatience | undefined;

  constructor(private readonly run: RefusalRun) {}

  /** How many calls the host has answered 32774 in this run. */
  get busyCalls(): number {
    return this.busy?.calls ?? 0;
  }

  /** A site has moved on: every step may be sent again. */
  clear(): void {
    this.refused.clear();
  }

  /** The 32775 this step got from the same state, if it did. */
  refusal(step: SiteStep): HyperVReturnCodeError | undefined {
    return this.refused.get(stepKey(step));
  }

  /**
   * 32774 and 32775 mean the host did not act, and the read this step was planned from may be stale: another run's
   * call may have landed after it. Nothing is called again from that read: the run loop reads both sites, waits for
   * any job it finds and plans again, as CollectionFailover does. A step answered 32775 is not sent again from the
   * same state; one answered 32774 while neither site shows a job is planned again after a pause, within jobTimeoutSeconds.
   */
  async whenRefused(next: SiteStep, error: unknown): Promise<void> {
    if (!(error instanceof HyperVReturnCodeError)) throw error;
    if (error.returnValue === ReturnCode.InvalidParameter) return this.invalidParameter(next, error);
    if (error.returnValue === ReturnCode.InvalidState) {
      this.refused.set(stepKey(next), error);
      this.run.log(next.site, `${next.action} returned 32775 (Invalid state); reading both sites again`);
      return;
    }
    if (error.returnValue !== ReturnCode.SystemInUse) throw error;
    this.busy ??= busyPatience(this.run.deps, this.run.timeoutSeconds);
    const delay = this.busy.answered();
    const reads = await this.run.readBoth();
    if (Object.values(reads).some((r) => r.reachable && r.reading.runningJobs.length > 0)) {
      this.run.log(
        next.site,
        `${next.action} returned 32774 (in use); waiting for the job found, then planning again`,
      );
      return;
    }
    const [again] = stepsOf(this.run.plan(reads));
    if (!again || stepKey(again) !== stepKey(next)) {
      this.run.log(
        next.site,
        `${next.action} returned 32774 (in use) and the sites have moved on; planning again`,
      );
      return;
    }
    if (delay === undefined) throw this.busy.exhausted(error);
    this.run.log(
      next.site,
      `${next.action}: the collection is in use (32774) and neither site shows a job; planning again in ${Math.round(delay / 1000)} s`,
    );
    await this.run.deps.clock.sleep(delay);
  }

  /**
   * A step's arguments are built from reads made after the read it was planned from (ReverseReplicationRelationship's
   * settings, read from the relationship as it then stands): another run's call landing between the two makes them
   * wrong for the state the step was planned for, and the host answers 32773. When the sites have moved on, the step
   * is planned again from what they show; when they show what the plan was made from, the parameter is wrong, and
   * the error stands.
   */
  private async invalidParameter(next: SiteStep, error: HyperVReturnCodeError): Promise<void> {
    const [again] = stepsOf(this.run.plan(await this.run.readBoth()));
    if (again && stepKey(again) === stepKey(next)) throw error;
    this.run.log(
      next.site,
      `${next.action} returned 32773 (Invalid parameter) and the sites have moved on; planning again`,
    );
  }
}
