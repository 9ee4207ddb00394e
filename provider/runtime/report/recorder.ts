/**
 * One report in the making, for one create or update of a resource: the collections read before, the run's calls
 * kept as it makes them, the collections read after, then the report built, cleared of secrets and written to the
 * program's folder when it names one. A resource calls it around the work it already does; nothing here decides
 * anything about the failover.
 */
import type { CimSession } from "../../cim";
import type { Clock } from "../../clock";
import type { LogLine } from "../../failover/request";
import type { Collection, CollectionSelector, PointUsed } from "../../hyperv";
import type { CallsMade } from "./callLog";
import { keepingCalls, READ_METHODS } from "./callLog";
import { writeReportFiles } from "./files";
import { buildReport } from "./model";
import { redact } from "./redact";
import type { ReadVm } from "./snapshot";
import { jobTimesOf, snapshotBefore, snapshotFrom, snapshotOf } from "./snapshot";
import type { CollectionSnapshot, Report, ReportPoint, ReportResource } from "./types";

export interface ReportOptions {
  readonly resource: ReportResource;
  readonly name: string;
  readonly clock: Clock;
  readonly log: LogLine;
  /** The folder to write the files to, when the program names one. */
  readonly directory: string | undefined;
  /** Every secret the run's connections hold (passwords): none of them may appear in the report. */
  readonly secrets: readonly string[];
}

export interface Finish {
  readonly action: string;
  /** The collection's name once read, when the program named it only by id. */
  readonly name?: string;
  readonly recoveryPoint: PointUsed | ReportPoint | null;
}

export class ReportRecorder {
  private readonly before: CollectionSnapshot[] = [];
  private readonly after: CollectionSnapshot[] = [];
  private made: CallsMade = { calls: [], sessions: [] };
  private error: unknown = null;

  constructor(private readonly options: ReportOptions) {}

  /**
   * What to read, just before the run's first call that changes something: a run that changes nothing reads nothing
   * more, and what the run itself read until then is not read again (snapshotBefore).
   */
  private readonly toReadBefore: (() => Promise<CollectionSnapshot>)[] = [];

  readBefore(session: CimSession, site: string | null, selector: CollectionSelector): void {
    this.toReadBefore.push(() => snapshotBefore(session, site, selector));
  }

  private readonly readAllBefore = async (): Promise<void> => {
    const reads = this.toReadBefore.splice(0);
    for (const read of reads) this.before.push(await read());
  };

  /** `recovers`: the collection whose VMs the run brings up; the RTO ends when the last of them runs. */
  async readAfter(
    session: CimSession,
    site: string | null,
    selector: CollectionSelector,
    recovers: boolean,
  ): Promise<void> {
    this.after.push(await snapshotOf(session, site, selector, recovers));
  }

  /**
   * The collection and its VMs as the run itself read them after its last call (to verify it and for the outputs):
   * the same moment {@link readAfter} would read, without asking the host again.
   */
  keepAfter(
    session: CimSession,
    site: string | null,
    seen: { readonly collection: Collection; readonly members: readonly ReadVm[] },
    recovers: boolean,
  ): void {
    this.after.push(snapshotFrom(session.target, site, seen.collection, seen.members, recovers));
  }

  /** Runs the work, keeping its calls; its error is kept for the report and thrown on. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    const { made, result } = await keepingCalls(this.options.clock, fn, this.readAllBefore);
    this.made = {
      calls: [...this.made.calls, ...made.calls],
      sessions: [...this.made.sessions, ...made.sessions],
    };
    if (result.ok) return result.value;
    this.error = result.error;
    throw result.error;
  }

  /**
   * Whether the run changed anything: a call the host accepted (0, or 4096 with a job). A call it refused (32774 in
   * use, say) changed nothing, so a run that made only such calls records no report, unless it failed: then the
   * refusal is the evidence.
   */
  get acted(): boolean {
    const acting = this.made.calls.filter((call) => !READ_METHODS.has(call.method));
    if (this.error !== null) return acting.length > 0;
    return acting.some((call) => call.returnValue === 0 || call.returnValue === 4096);
  }

  /** The report, or null when the run changed nothing (the resource then keeps its last one). */
  async finish(finish: Finish, error: unknown = this.error): Promise<Report | null> {
    if (!this.acted) return null;
    const acting = this.made.calls.map((call, i) => ({ call, session: this.made.sessions[i] }));
    const kept = acting.filter(({ call }) => !READ_METHODS.has(call.method));
    const jobs = jobTimesOf(
      kept.map((k) => k.call),
      kept.flatMap((k) => (k.session === undefined ? [] : [k.session])),
    );
    const report = buildReport({
      resource: this.options.resource,
      name: finish.name ?? this.options.name,
      action: finish.action,
      calls: kept.map((k) => k.call),
      jobs,
      recoveryPoint: pointOf(finish.recoveryPoint),
      before: this.before,
      after: this.after,
      error: error === null ? null : error instanceof Error ? error.message : String(error),
      finishedAt: this.options.clock.now(),
    });
    const clean = redact(report, this.options.secrets);
    await this.write(clean);
    return clean;
  }

  private async write(report: Report): Promise<void> {
    const { directory, log } = this.options;
    if (directory === undefined || directory === "") return;
    try {
      const [markdown, html] = await writeReportFiles(report, directory);
      log(`[${report.name}] report written: ${markdown} and ${html}`);
    } catch (error) {
      // The run's outcome stands whatever happens to its files; the output still holds the report.
      const reason = error instanceof Error ? error.message : String(error);
      log(`[${report.name}] the report could not be written to ${directory}: ${reason}`, "warning");
    }
  }
}

/** PointUsed and ReportPoint have the same fields; only those are kept. */
function pointOf(point: PointUsed | ReportPoint | null): ReportPoint | null {
  if (point === null) return null;
  return {
    instanceId: point.instanceId,
    creationTime: point.creationTime,
    consistencyLevel: point.consistencyLevel,
  };
}
