/**
 * The two-site driver: observe both sites, plan, take one step, observe both again, until the plan is empty. It
 * is the only part of failover/sites that touches the hosts. Jobs already running on either site (an interrupted
 * run's, or an operator's) are waited for first, so no call is repeated whose job ran.
 */
import type { CimArguments, CimSession } from "../../cim";
import type {
  Collection,
  ErrorContext,
  JobSnapshot,
  MethodOptions,
  OperationRecord,
  Reversal,
} from "../../hyperv";
import {
  callServiceMethod,
  DataLossNotAcknowledgedError,
  HyperVError,
  HyperVReturnCodeError,
  InvalidStateError,
  jobRef,
  recoveryPointRef,
  ReturnCode,
  seeJobThrough,
  VmRequestedState,
} from "../../hyperv";
import type { BusyPatience } from "../busy";
import { busyPatience } from "../busy";
import { chooseRecoveryPoint } from "../choosePoint";
import type { DataLossEvent } from "../dataLoss";
import { acknowledgedLine } from "../dataLoss";
import type { ReconcileDeps } from "../request";
import { evidenceLabel } from "./evidence";
import type { SiteRead, SiteTarget } from "./observe";
import { hasSession, readSite, toObservation, withMeasuredRuns } from "./observe";
import { planSites } from "./plan";
import { describeReversal, reversedSettings } from "./reverse";
import type { PairObservation, PathName, SiteStep, SitesDesire, SitesPlan } from "./types";
import type { PowerStep } from "./vmSteps";
import { runsElsewhere, startVMs, stopVMs } from "./vmSteps";

/** One call made on a site, as the outputs show it. */
export interface StepRecord extends OperationRecord {
  readonly site: string;
  /** The planner's step this call belongs to (StartVMs and StopVMs make one call per VM). */
  readonly action: SiteStep["action"] | "WaitForJob";
  /** The VM acted on, for StartVMs and StopVMs. */
  readonly vm: string | null;
  readonly evidence: "documented" | "per-VM docs" | "inferred" | null;
}

export interface SitesRequest {
  readonly name: string;
  readonly sites: readonly [SiteTarget, SiteTarget];
  readonly activeSite: string;
  /** The data-loss tokens the program acknowledged (failover/dataLoss.ts). */
  readonly acknowledged: readonly string[];
  readonly rehearsalMinutes: number;
  /** Commit an unplanned failover once its VMs run (otherwise only when reprotect needs it). */
  readonly commitFailover: boolean;
  /** The recovery point selector an unplanned failover uses (`latest` by default). */
  readonly recoveryPoint: string;
  readonly timeoutSeconds: number;
  /** Each site's own certificate thumbprint, by site name, for a reverse under certificate authentication. */
  readonly certificateThumbprints?: Readonly<Record<string, string>>;
  /** How long each guest has to shut down (Msvm_ShutdownComponent.InitiateShutdown) before StopVMs gives up on it. */
  readonly shutdownTimeoutSeconds: number;
  /** Whether StopVMs may power a VM off hard (RequestStateChange 3) when its guest cannot be shut down. */
  readonly allowHardPowerOff: boolean;
}

export interface SitesResult {
  readonly reads: Readonly<Record<string, SiteRead>>;
  readonly path: PathName | null;
  readonly steps: readonly StepRecord[];
}

/** A run that failed part-way, with what both sites showed afterwards and the calls made. */
export class SitesFailure extends Error {
  override name = "SitesFailure";
  constructor(
    readonly error: unknown,
    readonly reads: Readonly<Record<string, SiteRead>> | undefined,
    readonly path: PathName | null,
    readonly steps: readonly StepRecord[],
  ) {
    super(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

const MAX_ROUNDS = 40;

/**
 * Runs are serialized per pair of collections, named by where each is reached and its CollectionID, not by the
 * site names of the program: two resources (or a renamed one) over the same pair in one process share the lock.
 */
export function runSites(request: SitesRequest, deps: ReconcileDeps): Promise<SitesResult> {
  const key = request.sites
    .map((s) => `${hasSession(s) ? s.session.target : s.name}|${s.collectionId.toLowerCase()}`)
    .sort()
    .join("+");
  return deps.lock(key, () => new SitesDriver(request, deps).run());
}

/** Observes both sites (in order) and plans, without calling anything: what preview shows. */
export async function previewSites(
  request: SitesRequest,
  now: number,
): Promise<{ reads: Record<string, SiteRead>; plan: SitesPlan }> {
  const reads = await readBoth(request);
  return { reads, plan: planSites(observationOf(reads), desireOf(request), now) };
}

/** Both sites; the active one with the point `recoveryPoint` selects, which an unplanned failover would use. */
async function readBoth(request: SitesRequest): Promise<Record<string, SiteRead>> {
  const reads: Record<string, SiteRead> = {};
  for (const site of request.sites) {
    const point = site.name === request.activeSite ? request.recoveryPoint : undefined;
    reads[site.name] = await readSite(site, point);
  }
  return reads;
}

const observationOf = (reads: Record<string, SiteRead>): PairObservation =>
  Object.fromEntries(Object.entries(reads).map(([name, read]) => [name, toObservation(read)]));

function desireOf(request: SitesRequest): SitesDesire {
  const other = request.sites.find((s) => s.name !== request.activeSite)?.name ?? "";
  const { activeSite, acknowledged, rehearsalMinutes, commitFailover } = request;
  return { activeSite, otherSite: other, acknowledged, rehearsalMinutes, commitFailover };
}

const stepKey = (step: SiteStep) => `${step.site}|${step.action}`;
const stepsOf = (plan: SitesPlan) => (plan.kind === "steps" ? plan.steps : []);

class SitesDriver {
  private readonly steps: StepRecord[] = [];
  private reads: Record<string, SiteRead> | undefined;
  private path: PathName | null = null;
  /**
   * Steps the host answered 32775: not sent again until this run has moved a site on (a call of its own went
   * through, or a job was waited for), since until then a plan for the same step comes from the same state.
   */
  private readonly refused = new Map<string, HyperVReturnCodeError>();
  /** The patience for 32774 while neither site shows a job, from the first such answer in this run. */
  private busy: BusyPatience | undefined;
  private reverseChecked = false;
  private readonly noted = new Set<string>();
  /** How long each VM this run turned off had run just before (see observe). */
  private readonly measured = new Map<string, number | null>();

  constructor(
    private readonly request: SitesRequest,
    private readonly deps: ReconcileDeps,
  ) {}

  private log(site: string, line: string): void {
    this.deps.log(`[${this.request.name}] [${site}] ${line}`);
  }

  async run(): Promise<SitesResult> {
    try {
      // A call answered 32774 does not use up a round: its patience is bounded by jobTimeoutSeconds instead.
      for (let round = 0; round < MAX_ROUNDS + (this.busy?.calls ?? 0); round++) {
        this.reads = await readBoth(this.request);
        if (await this.followRunningJobs(this.reads)) {
          this.refused.clear();
          continue;
        }
        const plan = planSites(this.observe(this.reads), desireOf(this.request), this.deps.clock.now());
        if (plan.kind === "none") return { reads: this.reads, path: this.path, steps: this.steps };
        if (plan.kind === "refuse") {
          const Refusal = plan.dataLoss ? DataLossNotAcknowledgedError : InvalidStateError;
          throw new Refusal(plan.reason, plan.advice, { collection: this.request.name });
        }
        if (plan.kind === "wait") {
          await this.deps.clock.sleep(this.deps.polling.initialMs * 4);
          continue;
        }
        this.path ??= plan.path;
        this.noteLosses(plan.losses ?? []);
        await this.checkReverse(plan.steps, this.reads);
        const [next] = plan.steps;
        if (next) await this.take(next, this.reads);
      }
      throw new InvalidStateError(
        `the sites did not settle after ${MAX_ROUNDS} rounds of observe-and-act`,
        "Something else keeps changing the collections; stop it, refresh the stack, then run again",
        { collection: this.request.name },
      );
    } catch (error) {
      let reads = this.reads;
      try {
        reads = await readBoth(this.request);
      } catch {
        // The failure itself is what the user needs to see; the last reads stand.
      }
      throw new SitesFailure(error, reads, this.path, this.steps);
    }
  }

  private observe(reads: Record<string, SiteRead>): PairObservation {
    return withMeasuredRuns(observationOf(reads), this.measured);
  }

  /** Prints each acknowledged loss once, before the step that causes it is taken. */
  private noteLosses(losses: readonly DataLossEvent[]): void {
    for (const loss of losses) {
      if (this.noted.has(loss.token)) continue;
      this.noted.add(loss.token);
      this.deps.log(`[${this.request.name}] ${acknowledgedLine(loss)}`, "warning");
    }
  }

  /** Waits for unfinished jobs on either site's collection; true when it waited (so both are read again). */
  private async followRunningJobs(reads: Record<string, SiteRead>): Promise<boolean> {
    let waited = false;
    for (const site of this.request.sites) {
      const read = reads[site.name];
      if (!read?.reachable || !hasSession(site)) continue;
      for (const job of read.reading.runningJobs) {
        this.log(
          site.name,
          `job ${job.id} (JobType ${job.jobType}) is already running; waiting for it instead of calling again`,
        );
        await this.follow(site.session, site.name, job);
        waited = true;
      }
    }
    return waited;
  }

  private async follow(session: CimSession, site: string, job: JobSnapshot): Promise<void> {
    const context: ErrorContext = {
      collection: this.request.name,
      method: `job ${job.id}`,
      host: session.target,
    };
    await this.recorded(site, "WaitForJob", null, null, () =>
      seeJobThrough(
        session,
        `JobType ${job.jobType}`,
        jobRef(job.id),
        this.deps.clock.now(),
        context,
        this.options(site),
      ),
    );
  }

  private async take(next: SiteStep, reads: Record<string, SiteRead>): Promise<void> {
    const site = this.request.sites.find((s) => s.name === next.site);
    const read = reads[next.site];
    if (!site || !hasSession(site) || !read?.reachable)
      throw new Error(`step on unreachable site ${next.site}`);
    const { session } = site;
    const { collection, members } = read.reading;
    const label = evidenceLabel(next.evidence);
    this.log(next.site, `${next.action} (${label})`);
    if (next.action === "StartVMs" || next.action === "StopVMs") {
      if (next.action === "StopVMs") this.measureRunTimes(members);
      const power = this.power(next.site, session, collection);
      if (next.action === "StartVMs") await startVMs(power, members, label);
      else await stopVMs(power, members, label, runsElsewhere(this.request, next.site, reads));
      this.refused.clear();
      return;
    }
    const refusedBefore = this.refused.get(stepKey(next));
    if (refusedBefore) throw refusedBefore;
    const extra: Record<string, CimArguments[string]> =
      next.action === "ReverseReplicationRelationship" ? await this.reverseArguments(next.site, reads) : {};
    if (next.action === "InitiateFailover") {
      // The shared rule (failover/choosePoint.ts): NULL for `latest`, as documented, else the point's REF.
      const context = { collection: collection.name, host: session.target };
      const { pass } = await chooseRecoveryPoint(session, collection, this.request.recoveryPoint, context);
      if (pass !== null) extra.CollectionRecoveryPoint = recoveryPointRef(collection.id, pass);
    }
    // 32774 comes back at once: a call made again from the same read would be a stale step.
    const options = { ...this.options(next.site), busyRetries: { ...this.deps.busyRetries, attempts: 0 } };
    try {
      await this.recorded(next.site, next.action, null, label, () =>
        callServiceMethod(session, collection, next.action, extra, options),
      );
      this.refused.clear();
    } catch (error) {
      await this.whenRefused(next, error);
    }
  }

  /**
   * Before its VMs are turned off, how long each running VM of a site had run: a later step's data-loss line says
   * what the run discarded, and the host's own figures are gone once the VMs are off.
   */
  private measureRunTimes(
    members: readonly {
      id: string;
      enabledState: number;
      onTimeMs?: number | null;
      timeOfLastStateChange: number | null;
    }[],
  ): void {
    for (const vm of members.filter((m) => m.enabledState === VmRequestedState.Running)) {
      const since = vm.timeOfLastStateChange;
      this.measured.set(vm.id, vm.onTimeMs ?? (since === null ? null : this.deps.clock.now() - since));
    }
  }

  /**
   * 32774 and 32775 mean the host did not act, and the read this step was planned from may be stale: another run's
   * call may have landed after it. Nothing is called again from that read: the run loop reads both sites, waits for
   * any job it finds and plans again, as CollectionFailover does. A step answered 32775 is not sent again from the
   * same state; one answered 32774 while neither site shows a job is planned again after a pause, within jobTimeoutSeconds.
   */
  private async whenRefused(next: SiteStep, error: unknown): Promise<void> {
    if (!(error instanceof HyperVReturnCodeError)) throw error;
    if (error.returnValue === ReturnCode.InvalidState) {
      this.refused.set(stepKey(next), error);
      this.log(next.site, `${next.action} returned 32775 (Invalid state); reading both sites again`);
      return;
    }
    if (error.returnValue !== ReturnCode.SystemInUse) throw error;
    this.busy ??= busyPatience(this.deps, this.request.timeoutSeconds);
    const delay = this.busy.answered();
    const reads = await readBoth(this.request);
    if (Object.values(reads).some((r) => r.reachable && r.reading.runningJobs.length > 0)) {
      this.log(
        next.site,
        `${next.action} returned 32774 (in use); waiting for the job found, then planning again`,
      );
      return;
    }
    const [again] = stepsOf(planSites(this.observe(reads), desireOf(this.request), this.deps.clock.now()));
    if (!again || stepKey(again) !== stepKey(next)) {
      this.log(
        next.site,
        `${next.action} returned 32774 (in use) and the sites have moved on; planning again`,
      );
      return;
    }
    if (delay === undefined) throw this.busy.exhausted(error);
    this.log(
      next.site,
      `${next.action}: the collection is in use (32774) and neither site shows a job; planning again in ${Math.round(delay / 1000)} s`,
    );
    await this.deps.clock.sleep(delay);
  }

  /**
   * Builds the settings of the plan's reverse before its first step (once a run): a reverse that fails comes after
   * CommitFailover, which cannot be undone. A plan that starts with the reverse builds them there.
   */
  private async checkReverse(steps: readonly SiteStep[], reads: Record<string, SiteRead>): Promise<void> {
    const reverse = steps.find((s) => s.action === "ReverseReplicationRelationship");
    if (this.reverseChecked || !reverse || steps[0] === reverse) return;
    const reversal = await this.settings(reverse.site, reads);
    this.log(reverse.site, `checked before the first step: ${describeReversal(reverse.site, reversal)}`);
    this.reverseChecked = true;
  }

  /** ReverseReplicationRelationship's settings argument: the relationship's settings turned around. */
  private async reverseArguments(
    site: string,
    reads: Record<string, SiteRead>,
  ): Promise<Record<string, string>> {
    const reversal = await this.settings(site, reads);
    this.log(site, describeReversal(site, reversal));
    return { CollectionReplicationSettingData: reversal.text };
  }

  /** The reversed settings for a ReverseReplicationRelationship on `site`, or a refusal that calls nothing. */
  private async settings(site: string, reads: Record<string, SiteRead>): Promise<Reversal> {
    const target = this.request.sites.find((s) => s.name === site);
    const read = reads[site];
    if (!target || !hasSession(target) || !read?.reachable)
      throw new Error(`reverse settings of unreachable site ${site}`);
    const reversal = await reversedSettings(
      {
        name: site,
        session: target.session,
        collection: read.reading.collection,
        certificateThumbprint: this.request.certificateThumbprints?.[site],
      },
      this.request.name,
    );
    return reversal;
  }

  /** Runs one call and keeps its record, also when its job failed or timed out. */
  private async recorded<T extends { record: OperationRecord }>(
    site: string,
    action: StepRecord["action"],
    vm: string | null,
    evidence: StepRecord["evidence"],
    call: () => Promise<T>,
  ): Promise<T> {
    try {
      const result = await call();
      this.steps.push({ ...result.record, site, action, vm, evidence });
      return result;
    } catch (error) {
      if (error instanceof HyperVError && error.operation) {
        this.steps.push({ ...(error.operation as OperationRecord), site, action, vm, evidence });
      }
      throw error;
    }
  }

  /** What a StartVMs or StopVMs step on `site` needs from the driver. */
  private power(site: string, session: CimSession, collection: Collection): PowerStep {
    return {
      site,
      session,
      request: this.request,
      context: { collection: collection.name, host: session.target },
      options: this.options(site),
      log: (line) => this.log(site, line),
      recorded: (action, vm, evidence, call) => this.recorded(site, action, vm, evidence, call),
      keep: (action, vm, evidence, record) => this.steps.push({ ...record, site, action, vm, evidence }),
    };
  }

  private options(site: string): MethodOptions {
    return {
      ...this.deps,
      timeoutSeconds: this.request.timeoutSeconds,
      cancelOnTimeout: false,
      progress: (line) => this.log(site, line),
    };
  }
}
